-- CreateTable
CREATE TABLE `approvals` (
    `id` VARCHAR(60) NOT NULL,
    `caseId` VARCHAR(40) NOT NULL,
    `taskId` VARCHAR(80) NULL,
    `kind` ENUM('EXTENSION', 'RETURN', 'VOID', 'DEFERRAL') NOT NULL,
    `state` ENUM('PENDING', 'APPROVED', 'REJECTED') NOT NULL DEFAULT 'PENDING',
    `reason` TEXT NOT NULL,
    `duration` VARCHAR(32) NULL,
    `requestedById` INTEGER NULL,
    `requestedByName` VARCHAR(100) NOT NULL,
    `requestedAt` DATETIME(3) NOT NULL,
    `approverTier` ENUM('CITY', 'DISTRICT', 'TOWNSHIP', 'VILLAGE', 'GRID') NOT NULL,
    `approverUnitId` INTEGER NOT NULL,
    `decidedById` INTEGER NULL,
    `decidedByName` VARCHAR(100) NULL,
    `decidedAt` DATETIME(3) NULL,
    `note` TEXT NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updatedAt` DATETIME(3) NOT NULL,

    INDEX `approvals_caseId_idx`(`caseId`),
    INDEX `approvals_approverUnitId_state_requestedAt_idx`(`approverUnitId`, `state`, `requestedAt`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `approvals` ADD CONSTRAINT `approvals_caseId_fkey` FOREIGN KEY (`caseId`) REFERENCES `cases`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
