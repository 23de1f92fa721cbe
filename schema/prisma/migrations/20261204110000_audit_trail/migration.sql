-- An audit trail that proves what it claims (issue 12):
--   * cases.auditHeadHash: the hash of a case's last audit row, written with lastEventSeq in the
--     transaction that appends the rows (activities/cases.ts applyCaseChange), so rows cut from the
--     end of a chain no longer leave an intact-looking chain behind;
--   * audit_checkpoints / audit_checkpoint_heads: signed (Ed25519) checkpoints of each district's
--     chain heads, at least one a day (platform/audit/checkpoints.ts);
--   * admin_audit_log: who changed what in the administration, with before and after.
-- All three tables are append-only (triggers below, as for case_events).

-- AlterTable
ALTER TABLE `cases` ADD COLUMN `auditHeadHash` CHAR(64) NULL;

-- Backfill the head of every existing chain (as it stands now) from its last row.
UPDATE `cases` c
  JOIN (SELECT `caseId`, MAX(`seq`) AS `seq` FROM `case_events` GROUP BY `caseId`) m ON m.`caseId` = c.`id`
  JOIN `case_events` e ON e.`caseId` = m.`caseId` AND e.`seq` = m.`seq`
   SET c.`lastEventSeq` = e.`seq`, c.`auditHeadHash` = e.`hash`;

-- CreateTable
CREATE TABLE `audit_checkpoints` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `districtId` INTEGER NOT NULL,
    `number` INTEGER NOT NULL,
    `createdAt` DATETIME(3) NOT NULL,
    `previousSignature` VARCHAR(128) NULL,
    `caseCount` INTEGER NOT NULL,
    `digest` CHAR(64) NOT NULL,
    `keyId` CHAR(16) NOT NULL,
    `signature` VARCHAR(128) NOT NULL,

    UNIQUE INDEX `audit_checkpoints_districtId_number_key`(`districtId`, `number`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `audit_checkpoint_heads` (
    `checkpointId` INTEGER NOT NULL,
    `caseId` VARCHAR(40) NOT NULL,
    `seq` INTEGER NOT NULL,
    `hash` CHAR(64) NOT NULL,

    INDEX `audit_checkpoint_heads_caseId_seq_idx`(`caseId`, `seq`),
    PRIMARY KEY (`checkpointId`, `caseId`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `admin_audit_log` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `actorId` INTEGER NULL,
    `actorName` VARCHAR(100) NOT NULL,
    `action` VARCHAR(64) NOT NULL,
    `entity` VARCHAR(32) NOT NULL,
    `entityId` VARCHAR(100) NOT NULL,
    `orgPath` VARCHAR(255) NULL,
    `before` JSON NULL,
    `after` JSON NULL,

    INDEX `admin_audit_log_entity_entityId_id_idx`(`entity`, `entityId`, `id`),
    INDEX `admin_audit_log_actorId_id_idx`(`actorId`, `id`),
    INDEX `admin_audit_log_at_idx`(`at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `audit_checkpoint_heads` ADD CONSTRAINT `audit_checkpoint_heads_checkpointId_fkey` FOREIGN KEY (`checkpointId`) REFERENCES `audit_checkpoints`(`id`) ON DELETE RESTRICT ON UPDATE RESTRICT;

-- Append-only, like case_events (single SIGNAL statements: no DELIMITER needed).
-- CreateTrigger
CREATE TRIGGER `audit_checkpoints_no_update` BEFORE UPDATE ON `audit_checkpoints` FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_checkpoints is append-only';

-- CreateTrigger
CREATE TRIGGER `audit_checkpoints_no_delete` BEFORE DELETE ON `audit_checkpoints` FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_checkpoints is append-only';

-- CreateTrigger
CREATE TRIGGER `audit_checkpoint_heads_no_update` BEFORE UPDATE ON `audit_checkpoint_heads` FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_checkpoint_heads is append-only';

-- CreateTrigger
CREATE TRIGGER `audit_checkpoint_heads_no_delete` BEFORE DELETE ON `audit_checkpoint_heads` FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_checkpoint_heads is append-only';

-- CreateTrigger
CREATE TRIGGER `admin_audit_log_no_update` BEFORE UPDATE ON `admin_audit_log` FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'admin_audit_log is append-only';

-- CreateTrigger
CREATE TRIGGER `admin_audit_log_no_delete` BEFORE DELETE ON `admin_audit_log` FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'admin_audit_log is append-only';
