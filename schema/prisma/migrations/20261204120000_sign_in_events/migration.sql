-- CreateTable
CREATE TABLE `sign_in_events` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `username` VARCHAR(64) NOT NULL,
    `userId` INTEGER NULL,
    `address` VARCHAR(64) NOT NULL,
    `kind` ENUM('ATTEMPT', 'SUCCESS', 'FAILURE', 'THROTTLED', 'LOCKED', 'UNLOCKED') NOT NULL,
    `until` DATETIME(3) NULL,
    `actorId` INTEGER NULL,
    `actorName` VARCHAR(100) NULL,
    `at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `sign_in_events_username_at_idx`(`username`, `at`),
    INDEX `sign_in_events_address_at_idx`(`address`, `at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
