-- Case lists sorted by due time or priority (GET /api/cases?sort=due|priority): read in index order
-- per status lane (api/services/cases.ts), or across all statuses when none is asked for.
-- CreateIndex
CREATE INDEX `cases_dueAt_idx` ON `cases`(`dueAt`);
-- CreateIndex
CREATE INDEX `cases_severity_idx` ON `cases`(`severity`);
-- CreateIndex
CREATE INDEX `cases_status_severity_idx` ON `cases`(`status`, `severity`);

-- Chinese text search (q) as an index lookup: MariaDB's built-in FULLTEXT parser does not split
-- Chinese (a run of Han characters is one word), so this stored column holds every pair of adjacent
-- Han characters of the description and the address as a word of its own, written twice
-- (井盖 → 井盖井盖: InnoDB skips words shorter than innodb_ft_min_token_size, 3 by default). A
-- search for 井盖缺失 asks for +井盖井盖 +盖缺盖缺 +缺失缺失 IN BOOLEAN MODE and then checks the LIKE
-- on the rows found, so answers are those of LIKE (api/services/case-text.ts). MySQL 8 would
-- use its ngram parser instead (FULLTEXT … WITH PARSER ngram, ngram_token_size=2) on the text itself.
-- AlterTable
ALTER TABLE `cases` ADD COLUMN `searchBigrams` TEXT AS (REGEXP_REPLACE(CONCAT_WS(' ', `description`, `address`), '(\\p{Han})(?=(\\p{Han}))|.', '\\1\\2\\1\\2 ')) PERSISTENT;
-- CreateIndex
CREATE FULLTEXT INDEX `cases_searchBigrams_idx` ON `cases`(`searchBigrams`);
