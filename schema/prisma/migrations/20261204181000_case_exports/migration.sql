-- The export history of the case search (issue 13): each CSV or XLSX export of GET
-- /api/cases/export is recorded before its first byte is sent (who, when, filters, format, how
-- many cases), then marked COMPLETED with the history rows written, or FAILED.

-- CreateTable
CREATE TABLE `case_exports` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `userId` INTEGER NOT NULL,
    `userName` VARCHAR(100) NOT NULL,
    `orgPath` VARCHAR(255) NOT NULL,
    `format` ENUM('CSV', 'XLSX') NOT NULL,
    `filters` JSON NOT NULL,
    `fileName` VARCHAR(255) NOT NULL,
    `caseCount` INTEGER NOT NULL,
    `eventCount` INTEGER NULL,
    `status` ENUM('STARTED', 'COMPLETED', 'FAILED') NOT NULL DEFAULT 'STARTED',
    `startedAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `finishedAt` DATETIME(3) NULL,

    INDEX `case_exports_userId_id_idx`(`userId`, `id`),
    INDEX `case_exports_orgPath_id_idx`(`orgPath`, `id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
