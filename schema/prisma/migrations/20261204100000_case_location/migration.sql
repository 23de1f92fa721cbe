-- Locations as phones give them, and reports that wait to be located (issue 12):
--   - cases keep the point as it was sent (sentCrs WGS84 / GCJ02 / BD09, sentLat, sentLng) next
--     to the WGS-84 point (lat, lng) that placed it in its grid;
--   - an Open311 request with only an address is a case without a point, grid, village or
--     township until the 受理 task places it, so those columns become nullable;
--   - Open311's zipcode and media_url are stored with the case;
--   - an api client may name the district whose dispatchers locate its address-only requests.

-- AlterTable
ALTER TABLE `cases` ADD COLUMN `sentCrs` ENUM('WGS84', 'GCJ02', 'BD09') NULL,
    ADD COLUMN `sentLat` DECIMAL(10, 7) NULL,
    ADD COLUMN `sentLng` DECIMAL(10, 7) NULL,
    ADD COLUMN `zipcode` VARCHAR(10) NULL,
    ADD COLUMN `mediaUrl` VARCHAR(1024) NULL,
    MODIFY `lat` DECIMAL(10, 7) NULL,
    MODIFY `lng` DECIMAL(10, 7) NULL,
    MODIFY `gridId` INTEGER NULL,
    MODIFY `villageId` INTEGER NULL,
    MODIFY `townshipId` INTEGER NULL;

-- AlterTable
ALTER TABLE `api_clients` ADD COLUMN `districtId` INTEGER NULL;

-- CreateIndex
CREATE INDEX `api_clients_districtId_idx` ON `api_clients`(`districtId`);

-- AddForeignKey
ALTER TABLE `api_clients` ADD CONSTRAINT `api_clients_districtId_fkey` FOREIGN KEY (`districtId`) REFERENCES `org_units`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;
