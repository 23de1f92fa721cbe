-- CreateTable
CREATE TABLE `org_units` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `code` CHAR(15) NOT NULL,
    `name` VARCHAR(100) NOT NULL,
    `nameEn` VARCHAR(100) NULL,
    `level` ENUM('CITY', 'DISTRICT', 'TOWNSHIP', 'VILLAGE', 'GRID') NOT NULL,
    `parentId` INTEGER NULL,
    `path` VARCHAR(255) NOT NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updatedAt` DATETIME(3) NOT NULL,

    UNIQUE INDEX `org_units_code_key`(`code`),
    INDEX `org_units_parentId_idx`(`parentId`),
    INDEX `org_units_level_path_idx`(`level`, `path`),
    INDEX `org_units_path_idx`(`path`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `grids` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `orgUnitId` INTEGER NOT NULL,
    `boundary` JSON NOT NULL,
    `minLng` DECIMAL(10, 7) NOT NULL,
    `minLat` DECIMAL(10, 7) NOT NULL,
    `maxLng` DECIMAL(10, 7) NOT NULL,
    `maxLat` DECIMAL(10, 7) NOT NULL,
    `areaSqm` INTEGER NOT NULL,
    `households` INTEGER NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updatedAt` DATETIME(3) NOT NULL,

    UNIQUE INDEX `grids_orgUnitId_key`(`orgUnitId`),
    INDEX `grids_minLng_maxLng_minLat_maxLat_idx`(`minLng`, `maxLng`, `minLat`, `maxLat`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `grid_assignments` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `gridId` INTEGER NOT NULL,
    `userId` INTEGER NOT NULL,
    `isLeader` BOOLEAN NOT NULL DEFAULT false,
    `since` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `grid_assignments_userId_idx`(`userId`),
    UNIQUE INDEX `grid_assignments_gridId_userId_key`(`gridId`, `userId`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `users` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `username` VARCHAR(64) NOT NULL,
    `displayName` VARCHAR(100) NOT NULL,
    `passwordHash` VARCHAR(255) NOT NULL,
    `phone` VARCHAR(32) NULL,
    `locale` VARCHAR(16) NOT NULL DEFAULT 'zh-CN',
    `active` BOOLEAN NOT NULL DEFAULT true,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updatedAt` DATETIME(3) NOT NULL,

    UNIQUE INDEX `users_username_key`(`username`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `memberships` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `userId` INTEGER NOT NULL,
    `role` ENUM('ADMINISTRATOR', 'DISPATCHER', 'HANDLER', 'GRID_WORKER', 'SUPERVISOR', 'AUDITOR') NOT NULL,
    `orgUnitId` INTEGER NULL,
    `departmentId` INTEGER NULL,
    `scope` VARCHAR(32) NOT NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `memberships_orgUnitId_role_idx`(`orgUnitId`, `role`),
    INDEX `memberships_departmentId_role_idx`(`departmentId`, `role`),
    UNIQUE INDEX `memberships_userId_role_scope_key`(`userId`, `role`, `scope`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `departments` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `code` VARCHAR(32) NOT NULL,
    `kind` VARCHAR(16) NOT NULL,
    `name` VARCHAR(100) NOT NULL,
    `nameEn` VARCHAR(100) NULL,
    `orgUnitId` INTEGER NOT NULL,
    `active` BOOLEAN NOT NULL DEFAULT true,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updatedAt` DATETIME(3) NOT NULL,

    UNIQUE INDEX `departments_code_key`(`code`),
    INDEX `departments_kind_idx`(`kind`),
    UNIQUE INDEX `departments_orgUnitId_kind_key`(`orgUnitId`, `kind`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `categories` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `code` VARCHAR(32) NOT NULL,
    `name` VARCHAR(100) NOT NULL,
    `nameEn` VARCHAR(100) NULL,
    `level` ENUM('MAJOR', 'MINOR') NOT NULL,
    `parentId` INTEGER NULL,
    `processKey` VARCHAR(64) NULL,
    `departmentKind` VARCHAR(16) NULL,
    `sortOrder` INTEGER NOT NULL DEFAULT 0,
    `active` BOOLEAN NOT NULL DEFAULT true,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updatedAt` DATETIME(3) NOT NULL,

    UNIQUE INDEX `categories_code_key`(`code`),
    INDEX `categories_parentId_sortOrder_idx`(`parentId`, `sortOrder`),
    INDEX `categories_processKey_idx`(`processKey`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `category_time_limits` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `categoryId` INTEGER NOT NULL,
    `tier` ENUM('CITY', 'DISTRICT', 'TOWNSHIP', 'VILLAGE', 'GRID') NOT NULL,
    `duration` VARCHAR(32) NOT NULL,
    `calendar` ENUM('CLOCK', 'WORKING_HOURS', 'WORKING_DAYS') NOT NULL,

    UNIQUE INDEX `category_time_limits_categoryId_tier_key`(`categoryId`, `tier`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `process_definitions` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `key` VARCHAR(64) NOT NULL,
    `name` VARCHAR(100) NOT NULL,
    `description` TEXT NULL,
    `draftXml` LONGTEXT NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updatedAt` DATETIME(3) NOT NULL,

    UNIQUE INDEX `process_definitions_key_key`(`key`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `process_versions` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `definitionId` INTEGER NOT NULL,
    `version` INTEGER NOT NULL,
    `bpmnXml` LONGTEXT NOT NULL,
    `model` JSON NOT NULL,
    `checksum` CHAR(64) NOT NULL,
    `deployedById` INTEGER NULL,
    `deployedAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `process_versions_definitionId_version_key`(`definitionId`, `version`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `cases` (
    `id` VARCHAR(40) NOT NULL,
    `description` TEXT NOT NULL,
    `address` VARCHAR(255) NULL,
    `categoryId` INTEGER NULL,
    `processVersionId` INTEGER NULL,
    `lat` DECIMAL(10, 7) NOT NULL,
    `lng` DECIMAL(10, 7) NOT NULL,
    `gridId` INTEGER NOT NULL,
    `villageId` INTEGER NOT NULL,
    `townshipId` INTEGER NOT NULL,
    `districtId` INTEGER NOT NULL,
    `orgPath` VARCHAR(255) NOT NULL,
    `currentTier` ENUM('CITY', 'DISTRICT', 'TOWNSHIP', 'VILLAGE', 'GRID') NOT NULL,
    `currentUnitId` INTEGER NOT NULL,
    `status` ENUM('REPORTED', 'ACCEPTED', 'REJECTED', 'REGISTERED', 'DISPATCHED', 'IN_PROGRESS', 'AWAITING_VERIFICATION', 'CLOSED', 'VOIDED', 'WITHDRAWN', 'MERGED') NOT NULL DEFAULT 'REPORTED',
    `statusLabel` VARCHAR(32) NULL,
    `severity` INTEGER NOT NULL DEFAULT 0,
    `channel` ENUM('GRID_APP', 'HOTLINE_12345', 'CITIZEN_APP', 'SMS', 'WEB', 'PATROL') NOT NULL,
    `reporterId` INTEGER NULL,
    `reporterName` VARCHAR(100) NULL,
    `reporterPhone` VARCHAR(32) NULL,
    `duplicateOfId` VARCHAR(40) NULL,
    `closedTier` ENUM('CITY', 'DISTRICT', 'TOWNSHIP', 'VILLAGE', 'GRID') NULL,
    `reportedAt` DATETIME(3) NOT NULL,
    `acceptedAt` DATETIME(3) NULL,
    `closedAt` DATETIME(3) NULL,
    `dueAt` DATETIME(3) NULL,
    `lastEventSeq` INTEGER NOT NULL DEFAULT 0,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updatedAt` DATETIME(3) NOT NULL,

    INDEX `cases_status_dueAt_idx`(`status`, `dueAt`),
    INDEX `cases_orgPath_status_reportedAt_idx`(`orgPath`, `status`, `reportedAt`),
    INDEX `cases_gridId_reportedAt_idx`(`gridId`, `reportedAt`),
    INDEX `cases_categoryId_reportedAt_idx`(`categoryId`, `reportedAt`),
    INDEX `cases_reporterId_reportedAt_idx`(`reporterId`, `reportedAt`),
    INDEX `cases_reportedAt_idx`(`reportedAt`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `tasks` (
    `id` VARCHAR(80) NOT NULL,
    `caseId` VARCHAR(40) NOT NULL,
    `elementId` VARCHAR(100) NOT NULL,
    `name` VARCHAR(200) NOT NULL,
    `candidateRule` VARCHAR(100) NOT NULL,
    `candidates` JSON NOT NULL,
    `assigneeId` INTEGER NULL,
    `tier` ENUM('CITY', 'DISTRICT', 'TOWNSHIP', 'VILLAGE', 'GRID') NOT NULL,
    `orgUnitId` INTEGER NOT NULL,
    `departmentId` INTEGER NULL,
    `state` ENUM('OPEN', 'CLAIMED', 'COMPLETED', 'ESCALATED', 'RETURNED', 'CANCELLED') NOT NULL DEFAULT 'OPEN',
    `priority` INTEGER NOT NULL DEFAULT 0,
    `dueAt` DATETIME(3) NULL,
    `outcome` VARCHAR(64) NULL,
    `formSchema` JSON NULL,
    `data` JSON NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `claimedAt` DATETIME(3) NULL,
    `completedAt` DATETIME(3) NULL,
    `updatedAt` DATETIME(3) NOT NULL,

    INDEX `tasks_caseId_idx`(`caseId`),
    INDEX `tasks_assigneeId_state_dueAt_idx`(`assigneeId`, `state`, `dueAt`),
    INDEX `tasks_state_dueAt_idx`(`state`, `dueAt`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `task_candidates` (
    `taskId` VARCHAR(80) NOT NULL,
    `principal` VARCHAR(64) NOT NULL,
    `state` ENUM('OPEN', 'CLAIMED', 'COMPLETED', 'ESCALATED', 'RETURNED', 'CANCELLED') NOT NULL,
    `dueAt` DATETIME(3) NULL,

    INDEX `task_candidates_principal_state_dueAt_idx`(`principal`, `state`, `dueAt`),
    PRIMARY KEY (`taskId`, `principal`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `case_events` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `caseId` VARCHAR(40) NOT NULL,
    `seq` INTEGER NOT NULL,
    `actorId` INTEGER NULL,
    `actorName` VARCHAR(100) NOT NULL,
    `action` VARCHAR(40) NOT NULL,
    `fromStatus` VARCHAR(32) NULL,
    `toStatus` VARCHAR(32) NULL,
    `tier` ENUM('CITY', 'DISTRICT', 'TOWNSHIP', 'VILLAGE', 'GRID') NULL,
    `reason` TEXT NULL,
    `payload` JSON NOT NULL,
    `prevHash` CHAR(64) NOT NULL,
    `hash` CHAR(64) NOT NULL,
    `createdAt` DATETIME(3) NOT NULL,

    INDEX `case_events_actorId_createdAt_idx`(`actorId`, `createdAt`),
    INDEX `case_events_action_createdAt_idx`(`action`, `createdAt`),
    UNIQUE INDEX `case_events_caseId_seq_key`(`caseId`, `seq`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `calendar_days` (
    `date` DATE NOT NULL,
    `isWorkingDay` BOOLEAN NOT NULL,
    `kind` ENUM('WORKDAY', 'WEEKEND', 'HOLIDAY', 'ADJUSTED_WORKDAY') NOT NULL,
    `note` VARCHAR(100) NULL,
    `provisional` BOOLEAN NOT NULL DEFAULT false,
    `updatedById` INTEGER NULL,
    `updatedAt` DATETIME(3) NOT NULL,

    INDEX `calendar_days_isWorkingDay_date_idx`(`isWorkingDay`, `date`),
    PRIMARY KEY (`date`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `notifications` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `dedupeKey` VARCHAR(191) NOT NULL,
    `userId` INTEGER NULL,
    `orgUnitId` INTEGER NULL,
    `caseId` VARCHAR(40) NULL,
    `taskId` VARCHAR(80) NULL,
    `channel` VARCHAR(16) NOT NULL DEFAULT 'IN_APP',
    `kind` VARCHAR(32) NOT NULL,
    `title` VARCHAR(200) NOT NULL,
    `body` TEXT NOT NULL,
    `payload` JSON NULL,
    `status` ENUM('PENDING', 'SENT', 'FAILED', 'READ') NOT NULL DEFAULT 'PENDING',
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `sentAt` DATETIME(3) NULL,
    `readAt` DATETIME(3) NULL,

    UNIQUE INDEX `notifications_dedupeKey_key`(`dedupeKey`),
    INDEX `notifications_userId_status_createdAt_idx`(`userId`, `status`, `createdAt`),
    INDEX `notifications_status_createdAt_idx`(`status`, `createdAt`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `org_units` ADD CONSTRAINT `org_units_parentId_fkey` FOREIGN KEY (`parentId`) REFERENCES `org_units`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `grids` ADD CONSTRAINT `grids_orgUnitId_fkey` FOREIGN KEY (`orgUnitId`) REFERENCES `org_units`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `grid_assignments` ADD CONSTRAINT `grid_assignments_gridId_fkey` FOREIGN KEY (`gridId`) REFERENCES `grids`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `grid_assignments` ADD CONSTRAINT `grid_assignments_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `users`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `memberships` ADD CONSTRAINT `memberships_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `users`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `memberships` ADD CONSTRAINT `memberships_orgUnitId_fkey` FOREIGN KEY (`orgUnitId`) REFERENCES `org_units`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `memberships` ADD CONSTRAINT `memberships_departmentId_fkey` FOREIGN KEY (`departmentId`) REFERENCES `departments`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `departments` ADD CONSTRAINT `departments_orgUnitId_fkey` FOREIGN KEY (`orgUnitId`) REFERENCES `org_units`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `categories` ADD CONSTRAINT `categories_parentId_fkey` FOREIGN KEY (`parentId`) REFERENCES `categories`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `category_time_limits` ADD CONSTRAINT `category_time_limits_categoryId_fkey` FOREIGN KEY (`categoryId`) REFERENCES `categories`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `process_versions` ADD CONSTRAINT `process_versions_definitionId_fkey` FOREIGN KEY (`definitionId`) REFERENCES `process_definitions`(`id`) ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE `process_versions` ADD CONSTRAINT `process_versions_deployedById_fkey` FOREIGN KEY (`deployedById`) REFERENCES `users`(`id`) ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE `cases` ADD CONSTRAINT `cases_categoryId_fkey` FOREIGN KEY (`categoryId`) REFERENCES `categories`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `cases` ADD CONSTRAINT `cases_processVersionId_fkey` FOREIGN KEY (`processVersionId`) REFERENCES `process_versions`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `cases` ADD CONSTRAINT `cases_gridId_fkey` FOREIGN KEY (`gridId`) REFERENCES `grids`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `cases` ADD CONSTRAINT `cases_villageId_fkey` FOREIGN KEY (`villageId`) REFERENCES `org_units`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `cases` ADD CONSTRAINT `cases_townshipId_fkey` FOREIGN KEY (`townshipId`) REFERENCES `org_units`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `cases` ADD CONSTRAINT `cases_districtId_fkey` FOREIGN KEY (`districtId`) REFERENCES `org_units`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `cases` ADD CONSTRAINT `cases_currentUnitId_fkey` FOREIGN KEY (`currentUnitId`) REFERENCES `org_units`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `cases` ADD CONSTRAINT `cases_reporterId_fkey` FOREIGN KEY (`reporterId`) REFERENCES `users`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `tasks` ADD CONSTRAINT `tasks_caseId_fkey` FOREIGN KEY (`caseId`) REFERENCES `cases`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `tasks` ADD CONSTRAINT `tasks_assigneeId_fkey` FOREIGN KEY (`assigneeId`) REFERENCES `users`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `tasks` ADD CONSTRAINT `tasks_orgUnitId_fkey` FOREIGN KEY (`orgUnitId`) REFERENCES `org_units`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `tasks` ADD CONSTRAINT `tasks_departmentId_fkey` FOREIGN KEY (`departmentId`) REFERENCES `departments`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `task_candidates` ADD CONSTRAINT `task_candidates_taskId_fkey` FOREIGN KEY (`taskId`) REFERENCES `tasks`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `case_events` ADD CONSTRAINT `case_events_caseId_fkey` FOREIGN KEY (`caseId`) REFERENCES `cases`(`id`) ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE `notifications` ADD CONSTRAINT `notifications_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `users`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `notifications` ADD CONSTRAINT `notifications_caseId_fkey` FOREIGN KEY (`caseId`) REFERENCES `cases`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- Immutability: process_versions and case_events are append-only. (Not expressible in the Prisma
-- schema; written by hand. Each trigger body is a single SIGNAL statement, so no DELIMITER is needed.)
-- CreateTrigger
CREATE TRIGGER `process_versions_no_update` BEFORE UPDATE ON `process_versions` FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'process_versions is append-only';

-- CreateTrigger
CREATE TRIGGER `process_versions_no_delete` BEFORE DELETE ON `process_versions` FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'process_versions is append-only';

-- CreateTrigger
CREATE TRIGGER `case_events_no_update` BEFORE UPDATE ON `case_events` FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'case_events is append-only';

-- CreateTrigger
CREATE TRIGGER `case_events_no_delete` BEFORE DELETE ON `case_events` FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'case_events is append-only';
