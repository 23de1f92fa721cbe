-- The process designer: a comment with each deployment, and cases counted per process version.
-- (ALTER TABLE fires no row trigger: process_versions stays append-only, the new column is set
-- on INSERT only.)

-- AlterTable
ALTER TABLE `process_versions` ADD COLUMN `comment` TEXT NULL;

-- CreateIndex
CREATE INDEX `cases_processVersionId_status_idx` ON `cases`(`processVersionId`, `status`);
