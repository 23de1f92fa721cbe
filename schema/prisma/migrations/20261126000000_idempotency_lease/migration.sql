-- AlterTable
ALTER TABLE `idempotency_records` ADD COLUMN `leaseUntil` DATETIME(3) NULL,
    ADD COLUMN `resourceId` VARCHAR(64) NULL;
