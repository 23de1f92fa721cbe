-- AlterTable: the delivery worker's bookkeeping (notify/), and SKIPPED for a channel that does not reach the person
ALTER TABLE `notifications` MODIFY `status` ENUM('PENDING', 'SENT', 'FAILED', 'READ', 'SKIPPED') NOT NULL DEFAULT 'PENDING',
    ADD COLUMN `attempts` INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN `nextAttemptAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    ADD COLUMN `claimedBy` VARCHAR(64) NULL,
    ADD COLUMN `lastError` VARCHAR(500) NULL;

-- CreateIndex
CREATE INDEX `notifications_status_channel_nextAttemptAt_idx` ON `notifications`(`status`, `channel`, `nextAttemptAt`);

-- CreateIndex
CREATE INDEX `notifications_userId_sentAt_idx` ON `notifications`(`userId`, `sentAt`);

-- CreateTable
CREATE TABLE `notification_settings` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `userId` INTEGER NOT NULL,
    `channel` VARCHAR(16) NOT NULL,
    `kinds` JSON NOT NULL,
    `updatedAt` DATETIME(3) NOT NULL,

    UNIQUE INDEX `notification_settings_userId_channel_key`(`userId`, `channel`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `notification_settings` ADD CONSTRAINT `notification_settings_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `users`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
