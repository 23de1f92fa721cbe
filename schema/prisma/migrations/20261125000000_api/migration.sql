-- The API: case numbers, attachments, idempotency, satisfaction, Open311 clients and tokens.

-- AlterTable
ALTER TABLE `org_units` ADD COLUMN `casePrefix` VARCHAR(8) NULL;

-- AlterTable
ALTER TABLE `cases` ADD COLUMN `possibleDuplicateOfId` VARCHAR(40) NULL;

-- CreateIndex
CREATE INDEX `tasks_updatedAt_idx` ON `tasks`(`updatedAt`);

-- CreateTable
CREATE TABLE `attachments` (
    `id` VARCHAR(40) NOT NULL,
    `caseId` VARCHAR(40) NOT NULL,
    `taskId` VARCHAR(80) NULL,
    `fileName` VARCHAR(255) NOT NULL,
    `mediaType` VARCHAR(100) NOT NULL,
    `size` INTEGER NOT NULL,
    `sha256` CHAR(64) NOT NULL,
    `storageKey` VARCHAR(255) NOT NULL,
    `uploadedById` INTEGER NULL,
    `uploadedByName` VARCHAR(100) NOT NULL,
    `createdAt` DATETIME(3) NOT NULL,

    INDEX `attachments_caseId_createdAt_idx`(`caseId`, `createdAt`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `idempotency_records` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `scope` VARCHAR(64) NOT NULL,
    `key` VARCHAR(128) NOT NULL,
    `target` VARCHAR(255) NOT NULL,
    `requestHash` CHAR(64) NOT NULL,
    `status` INTEGER NULL,
    `response` JSON NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `completedAt` DATETIME(3) NULL,

    INDEX `idempotency_records_createdAt_idx`(`createdAt`),
    UNIQUE INDEX `idempotency_records_scope_key_key`(`scope`, `key`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `case_sequences` (
    `prefix` VARCHAR(8) NOT NULL,
    `day` CHAR(8) NOT NULL,
    `last` INTEGER NOT NULL,

    PRIMARY KEY (`prefix`, `day`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `satisfaction_ratings` (
    `caseId` VARCHAR(40) NOT NULL,
    `score` INTEGER NOT NULL,
    `comment` TEXT NULL,
    `channel` VARCHAR(16) NOT NULL,
    `ratedAt` DATETIME(3) NOT NULL,

    INDEX `satisfaction_ratings_ratedAt_idx`(`ratedAt`),
    PRIMARY KEY (`caseId`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `api_clients` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `name` VARCHAR(100) NOT NULL,
    `keyHash` CHAR(64) NOT NULL,
    `channel` ENUM('GRID_APP', 'HOTLINE_12345', 'CITIZEN_APP', 'SMS', 'WEB', 'PATROL') NOT NULL,
    `active` BOOLEAN NOT NULL DEFAULT true,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `api_clients_keyHash_key`(`keyHash`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `intake_tokens` (
    `token` VARCHAR(64) NOT NULL,
    `caseId` VARCHAR(40) NOT NULL,
    `apiClientId` INTEGER NOT NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `intake_tokens_caseId_idx`(`caseId`),
    PRIMARY KEY (`token`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `attachments` ADD CONSTRAINT `attachments_caseId_fkey` FOREIGN KEY (`caseId`) REFERENCES `cases`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `satisfaction_ratings` ADD CONSTRAINT `satisfaction_ratings_caseId_fkey` FOREIGN KEY (`caseId`) REFERENCES `cases`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `intake_tokens` ADD CONSTRAINT `intake_tokens_apiClientId_fkey` FOREIGN KEY (`apiClientId`) REFERENCES `api_clients`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
