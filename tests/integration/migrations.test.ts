/**
 * Migrations against a real MySQL/MariaDB server: the server and credentials come from
 * DATABASE_URL; the test creates its own databases (gridcase_mig_<random>) and drops them.
 * The migrate → schemaDrift check here is what fails when the hand-written migrations and
 * schema/prisma/schema.prisma disagree.
 */
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as mariadb from 'mariadb';
import { schemaDrift } from '../../platform/db/drift';
import { DEFAULT_MIGRATIONS_DIR, migrate } from '../../platform/db/migrate';
import { connectionOptions } from '../../platform/db/url';

const ROOT = path.resolve(__dirname, '../..');
const SCHEMA_PATH = path.join(ROOT, 'schema/prisma/schema.prisma');
const MIGRATIONS_DIR = path.join(ROOT, 'schema/prisma/migrations');
const INIT = '20261123000000_init';
/** every migration of the repository, in the order they apply */
const ALL = readdirSync(MIGRATIONS_DIR).filter((d) => /^\d{14}_/.test(d)).sort();

// the schema owner: the test creates and drops databases and alters tables
const BASE_URL = process.env.DATABASE_OWNER_URL || process.env.DATABASE_URL;
const describeWithDb = BASE_URL ? describe : describe.skip;
if (!BASE_URL) {
  console.warn('tests/integration/migrations.test.ts skipped: DATABASE_URL is not set');
}

jest.setTimeout(120_000);

function urlFor(database: string): string {
  const url = new URL(BASE_URL!);
  url.pathname = `/${database}`;
  return url.toString();
}

function randomDbName(suffix = ''): string {
  return `gridcase_mig_${randomBytes(5).toString('hex')}${suffix}`;
}

describeWithDb('migrations (MySQL/MariaDB)', () => {
  const dbName = randomDbName();
  const url = BASE_URL ? urlFor(dbName) : '';
  const createdDatabases = [dbName];
  const tempDirs: string[] = [];
  let server: mariadb.Connection;
  let db: mariadb.Connection;
  const logs: string[] = [];

  function tempCopyOfMigrations(): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gridcase-migrations-'));
    tempDirs.push(dir);
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    return dir;
  }

  beforeAll(async () => {
    server = await mariadb.createConnection(connectionOptions(BASE_URL!, { database: null }));
    await server.query(`CREATE DATABASE \`${dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    db = await mariadb.createConnection(connectionOptions(url, { multipleStatements: true }));
  });

  afterAll(async () => {
    await db?.end().catch(() => undefined);
    if (server) {
      for (const name of createdDatabases) {
        await server.query(`DROP DATABASE IF EXISTS \`${name}\``).catch(() => undefined);
      }
      await server.end().catch(() => undefined);
    }
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('uses the default migrations directory of the repository', () => {
    expect(path.resolve(DEFAULT_MIGRATIONS_DIR)).toBe(MIGRATIONS_DIR);
  });

  it('applies the init migration to an empty database and records it like Prisma', async () => {
    const result = await migrate(url, { log: (line) => logs.push(line) });
    expect(result).toEqual({ applied: ALL, alreadyApplied: [] });

    const rows = await db.query(
      'SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count FROM _prisma_migrations',
    );
    expect(rows).toHaveLength(ALL.length);
    const row = rows.find((r: { migration_name: string }) => r.migration_name === INIT);
    const script = readFileSync(path.join(MIGRATIONS_DIR, INIT, 'migration.sql'));
    expect(row.migration_name).toBe(INIT);
    expect(row.checksum).toBe(createHash('sha256').update(script).digest('hex'));
    expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(row.finished_at).not.toBeNull();
    expect(row.rolled_back_at).toBeNull();
    expect(row.logs).toBeNull();
    expect(Number(row.applied_steps_count)).toBe(1);
    expect(new Date(row.finished_at).getTime()).toBeGreaterThanOrEqual(new Date(row.started_at).getTime());

    // Prisma's exact table layout, so `prisma migrate deploy/status` can take over.
    const columns = await db.query(
      `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_KEY AS colKey
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = '_prisma_migrations'
        ORDER BY ORDINAL_POSITION`,
      [dbName],
    );
    expect(
      columns.map((c: { name: string; type: string; nullable: string; colKey: string }) => [
        c.name,
        c.type.replace(/^int\(\d+\)/, 'int'),
        c.nullable,
        c.colKey,
      ]),
    ).toEqual([
      ['id', 'varchar(36)', 'NO', 'PRI'],
      ['checksum', 'varchar(64)', 'NO', ''],
      ['finished_at', 'datetime(3)', 'YES', ''],
      ['migration_name', 'varchar(255)', 'NO', ''],
      ['logs', 'text', 'YES', ''],
      ['rolled_back_at', 'datetime(3)', 'YES', ''],
      ['started_at', 'datetime(3)', 'NO', ''],
      ['applied_steps_count', 'int unsigned', 'NO', ''],
    ]);
  });

  it('applies nothing the second time', async () => {
    const result = await migrate(url);
    expect(result).toEqual({ applied: [], alreadyApplied: ALL });
    const [{ n }] = await db.query('SELECT COUNT(*) AS n FROM _prisma_migrations');
    expect(Number(n)).toBe(ALL.length);
  });

  it('leaves the database in sync with schema.prisma', async () => {
    expect(await schemaDrift(url, SCHEMA_PATH)).toEqual([]);
  });

  it('reports a dropped column', async () => {
    await db.query('ALTER TABLE users DROP COLUMN phone');
    try {
      expect(await schemaDrift(url, SCHEMA_PATH)).toEqual(['users.phone: missing column']);
    } finally {
      await db.query('ALTER TABLE users ADD COLUMN `phone` VARCHAR(32) NULL AFTER `passwordHash`');
    }
    expect(await schemaDrift(url, SCHEMA_PATH)).toEqual([]);
  });

  it('reports extra, missing and changed columns, indexes and foreign keys', async () => {
    const changes: Array<[string, string]> = [
      ['ALTER TABLE cases ADD COLUMN `legacyRef` VARCHAR(20) NULL', 'ALTER TABLE cases DROP COLUMN `legacyRef`'],
      ['CREATE INDEX `tasks_outcome_idx` ON tasks(`outcome`)', 'DROP INDEX `tasks_outcome_idx` ON tasks'],
      [
        'DROP INDEX `tasks_state_dueAt_idx` ON tasks',
        'CREATE INDEX `tasks_state_dueAt_idx` ON tasks(`state`, `dueAt`)',
      ],
      [
        'ALTER TABLE users MODIFY `username` VARCHAR(32) NOT NULL',
        'ALTER TABLE users MODIFY `username` VARCHAR(64) NOT NULL',
      ],
      [
        'ALTER TABLE cases MODIFY `statusLabel` VARCHAR(32) NOT NULL DEFAULT \'\'',
        'ALTER TABLE cases MODIFY `statusLabel` VARCHAR(32) NULL',
      ],
      [
        'ALTER TABLE users ALTER COLUMN `locale` SET DEFAULT \'en\'',
        'ALTER TABLE users ALTER COLUMN `locale` SET DEFAULT \'zh-CN\'',
      ],
      [
        'ALTER TABLE tasks DROP FOREIGN KEY `tasks_caseId_fkey`; ALTER TABLE tasks ADD CONSTRAINT `tasks_caseId_fkey` FOREIGN KEY (`caseId`) REFERENCES `cases`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE',
        'ALTER TABLE tasks DROP FOREIGN KEY `tasks_caseId_fkey`; ALTER TABLE tasks ADD CONSTRAINT `tasks_caseId_fkey` FOREIGN KEY (`caseId`) REFERENCES `cases`(`id`) ON DELETE CASCADE ON UPDATE CASCADE',
      ],
      ['CREATE TABLE `scratch` (`id` INT PRIMARY KEY)', 'DROP TABLE `scratch`'],
    ];
    const applied: string[] = [];
    try {
      for (const [change, undo] of changes) {
        await db.query(change);
        applied.unshift(undo);
      }
      const diffs = await schemaDrift(url, SCHEMA_PATH);
      expect(diffs).toEqual(
        expect.arrayContaining([
          'cases.legacyRef: extra column (not in the schema)',
          'tasks: extra index tasks_outcome_idx (outcome) (not in the schema)',
          'tasks: index (state, dueAt) missing',
          'users.username: type varchar(32) differs from schema varchar(64)',
          'cases.statusLabel: NOT NULL in the database, optional in the schema',
          "users.locale: default 'en' differs from schema 'zh-CN'",
          'tasks: foreign key (caseId) ON DELETE RESTRICT differs from schema CASCADE',
          'scratch: extra table (not in the schema)',
        ]),
      );
      // cases.statusLabel also gained a default the schema does not have.
      expect(diffs).toHaveLength(9);
    } finally {
      for (const undo of applied) await db.query(undo);
    }
    expect(await schemaDrift(url, SCHEMA_PATH)).toEqual([]);
  });

  it('reports schema.prisma changes that no migration carries', async () => {
    const original = readFileSync(SCHEMA_PATH, 'utf8');
    const edits: Array<[string, string]> = [
      ['  phone        String?  @db.VarChar(32)\n', '  phone        String?  @db.VarChar(32)\n  nickname     String?  @db.VarChar(32)\n'],
      ['  @@index([updatedAt])\n  @@map("tasks")', '  @@index([state, priority])\n  @@map("tasks")'],
      [
        'user      User?              @relation(fields: [userId], references: [id], onDelete: Cascade)',
        'user      User?              @relation(fields: [userId], references: [id], onDelete: SetNull)',
      ],
      ['  MERGED\n}', '  MERGED\n  ARCHIVED\n}'],
      ['/// The business calendar', 'model AuditLog {\n  id Int @id @default(autoincrement())\n\n  @@map("audit_logs")\n}\n\n/// The business calendar'],
    ];
    let edited = original;
    for (const [from, to] of edits) {
      expect(edited.includes(from)).toBe(true);
      edited = edited.replace(from, to);
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gridcase-schema-'));
    tempDirs.push(dir);
    const schemaCopy = path.join(dir, 'schema.prisma');
    writeFileSync(schemaCopy, edited);

    const diffs = await schemaDrift(url, schemaCopy);
    expect(diffs.sort()).toEqual(
      [
        'users.nickname: missing column',
        'tasks: index (state, priority) missing',
        'tasks: extra index tasks_updatedAt_idx (updatedAt) (not in the schema)',
        'notifications: foreign key (userId) ON DELETE CASCADE differs from schema SET NULL',
        "cases.status: type enum('REPORTED','ACCEPTED','REJECTED','REGISTERED','DISPATCHED','IN_PROGRESS','AWAITING_VERIFICATION','CLOSED','VOIDED','WITHDRAWN','MERGED') differs from schema enum('REPORTED','ACCEPTED','REJECTED','REGISTERED','DISPATCHED','IN_PROGRESS','AWAITING_VERIFICATION','CLOSED','VOIDED','WITHDRAWN','MERGED','ARCHIVED')",
        'audit_logs: missing table',
      ].sort(),
    );
  });

  it('refuses UPDATE and DELETE on process_versions and case_events (append-only triggers)', async () => {
    await db.query(
      "INSERT INTO process_definitions (`key`, name, updatedAt) VALUES ('report', 'Report', NOW(3))",
    );
    await db.query(
      `INSERT INTO process_versions (definitionId, version, bpmnXml, model, checksum)
       SELECT id, 1, '<definitions/>', '{}', REPEAT('a', 64) FROM process_definitions WHERE \`key\` = 'report'`,
    );
    // The org path city → district → street → community → grid the case points at.
    await db.query(
      `INSERT INTO org_units (id, code, name, level, parentId, path, updatedAt) VALUES
         (1, '330100000000000', 'City', 'CITY', NULL, '/1/', NOW(3)),
         (2, '330106000000000', 'District', 'DISTRICT', 1, '/1/2/', NOW(3)),
         (3, '330106001000000', 'Street', 'TOWNSHIP', 2, '/1/2/3/', NOW(3)),
         (4, '330106001001000', 'Community', 'VILLAGE', 3, '/1/2/3/4/', NOW(3)),
         (5, '330106001001001', 'Grid', 'GRID', 4, '/1/2/3/4/5/', NOW(3))`,
    );
    await db.query(
      `INSERT INTO grids (id, orgUnitId, boundary, minLng, minLat, maxLng, maxLat, areaSqm, updatedAt)
       VALUES (5, 5, '{"type":"Polygon","coordinates":[]}', 120, 30, 121, 31, 1000, NOW(3))`,
    );
    await db.query(
      `INSERT INTO cases (id, description, lat, lng, gridId, villageId, townshipId, districtId, orgPath,
                          currentTier, currentUnitId, channel, reportedAt, updatedAt)
       VALUES ('DC-20261123-00001', 'Overflowing bin', 30.2741, 120.1551, 5, 4, 3, 2, '/1/2/3/4/5/',
               'GRID', 5, 'GRID_APP', NOW(3), NOW(3))`,
    );
    await db.query(
      `INSERT INTO case_events (caseId, seq, actorName, action, payload, prevHash, hash, createdAt)
       VALUES ('DC-20261123-00001', 1, 'Grid worker', 'REPORT', '{}', REPEAT('0', 64), REPEAT('1', 64), NOW(3))`,
    );

    await expect(db.query('UPDATE process_versions SET version = 2')).rejects.toThrow(
      /process_versions is append-only/,
    );
    await expect(db.query('DELETE FROM process_versions')).rejects.toThrow(/process_versions is append-only/);
    await expect(db.query("UPDATE case_events SET action = 'EDITED'")).rejects.toThrow(/case_events is append-only/);
    await expect(db.query('DELETE FROM case_events')).rejects.toThrow(/case_events is append-only/);

    const [version] = await db.query('SELECT version FROM process_versions');
    expect(Number(version.version)).toBe(1);
    const [event] = await db.query('SELECT action FROM case_events');
    expect(event.action).toBe('REPORT');
    // Appending still works.
    await db.query(
      `INSERT INTO case_events (caseId, seq, actorName, action, payload, prevHash, hash, createdAt)
       VALUES ('DC-20261123-00001', 2, 'Dispatcher', 'ACCEPT', '{}', REPEAT('1', 64), REPEAT('2', 64), NOW(3))`,
    );
  });

  it('stores a deploy comment with a new process version and refuses to change it afterwards', async () => {
    await db.query(
      `INSERT INTO process_versions (definitionId, version, bpmnXml, model, checksum, comment)
       SELECT id, 2, '<definitions/>', '{}', REPEAT('b', 64), '修正处置时限' FROM process_definitions WHERE \`key\` = 'report'`,
    );
    await expect(db.query("UPDATE process_versions SET comment = 'rewritten' WHERE version = 2")).rejects.toThrow(
      /process_versions is append-only/,
    );
    await expect(db.query('UPDATE process_versions SET comment = NULL')).rejects.toThrow(/process_versions is append-only/);
    const rows = await db.query('SELECT version, comment FROM process_versions ORDER BY version');
    expect(rows.map((r: { version: number; comment: string | null }) => [Number(r.version), r.comment])).toEqual([
      [1, null],
      [2, '修正处置时限'],
    ]);
  });

  it('fails, naming the migration, when an applied migration.sql was edited', async () => {
    const dir = tempCopyOfMigrations();
    appendFileSync(path.join(dir, INIT, 'migration.sql'), '\n-- edited after it was applied\n');
    await expect(migrate(url, { migrationsDir: dir })).rejects.toThrow(
      new RegExp(`Migration ${INIT} was modified after it was applied`),
    );
    // Same file with CRLF line endings (git autocrlf) still matches, as in Prisma.
    const crlf = tempCopyOfMigrations();
    const file = path.join(crlf, INIT, 'migration.sql');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/\n/g, '\r\n'));
    await expect(migrate(url, { migrationsDir: crlf })).resolves.toEqual({ applied: [], alreadyApplied: ALL });
  });

  it('records a failing migration and refuses to continue until it is resolved', async () => {
    const dir = tempCopyOfMigrations();
    const broken = '20261124000000_broken';
    mkdirSync(path.join(dir, broken));
    writeFileSync(
      path.join(dir, broken, 'migration.sql'),
      '-- AlterTable\nALTER TABLE `users` ADD COLUMN `nickname` VARCHAR(32) NULL;\nALTER TABLE `no_such_table` ADD COLUMN `x` INTEGER NULL;\n',
    );
    await expect(migrate(url, { migrationsDir: dir })).rejects.toThrow(new RegExp(`Migration ${broken} failed`));

    const [row] = await db.query(
      'SELECT finished_at, rolled_back_at, logs, applied_steps_count FROM _prisma_migrations WHERE migration_name = ?',
      [broken],
    );
    expect(row.finished_at).toBeNull();
    expect(row.rolled_back_at).toBeNull();
    expect(row.logs).toMatch(/no_such_table/);
    expect(Number(row.applied_steps_count)).toBe(0);

    // Like Prisma's P3009: nothing runs while a failed migration is recorded.
    await expect(migrate(url)).rejects.toThrow(new RegExp(`\`${broken}\` migration started at .* failed`));

    // Resolve it the way `prisma migrate resolve --rolled-back` does, and undo the partial change.
    await db.query('ALTER TABLE users DROP COLUMN nickname');
    await db.query('UPDATE _prisma_migrations SET rolled_back_at = UTC_TIMESTAMP(3) WHERE migration_name = ?', [broken]);
    await expect(migrate(url)).resolves.toEqual({ applied: [], alreadyApplied: ALL });
    expect(await schemaDrift(url, SCHEMA_PATH)).toEqual([]);
  });

  it('lets only one of two concurrent runs apply (named lock), creating the database if needed', async () => {
    const name = randomDbName('_lock');
    createdDatabases.push(name);
    const target = urlFor(name);
    const [a, b] = await Promise.all([migrate(target), migrate(target)]);
    expect([...a.applied, ...b.applied]).toEqual(ALL);
    expect([...a.alreadyApplied, ...b.alreadyApplied]).toEqual(ALL);
    const rows = await server.query(`SELECT migration_name FROM \`${name}\`._prisma_migrations`);
    expect(rows.map((r: { migration_name: string }) => r.migration_name).sort()).toEqual(ALL);
    expect(await schemaDrift(target, SCHEMA_PATH)).toEqual([]);
  });

  it('refuses a non-empty database without _prisma_migrations (needs a baseline)', async () => {
    const name = randomDbName('_dirty');
    createdDatabases.push(name);
    await server.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await server.query(`CREATE TABLE \`${name}\`.legacy (id INT PRIMARY KEY)`);
    await expect(migrate(urlFor(name))).rejects.toThrow(/is not empty .* no _prisma_migrations table/s);
  });
});
