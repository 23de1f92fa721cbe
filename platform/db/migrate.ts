/**
 * Applies the hand-written SQL migrations under schema/prisma/migrations (Prisma's folder layout)
 * and records them in `_prisma_migrations` exactly as Prisma's schema engine does, so that
 * `prisma migrate deploy` / `migrate status` keep working against the same database.
 *
 * Mirrors Prisma's apply-migrations flow:
 *  - migration_lock.toml must name the mysql provider;
 *  - `_prisma_migrations` is created (with Prisma's DDL) only in an empty database, otherwise the
 *    database has to be baselined first (Prisma's P3005);
 *  - a migration recorded as failed (finished_at and rolled_back_at NULL) stops everything (P3009);
 *  - pending migrations (no row with that name and rolled_back_at NULL) are applied in name order,
 *    each recorded as started (id, checksum, started_at), then applied_steps_count + 1 and
 *    finished_at, or logs on failure.
 * In addition to Prisma, a migration whose migration.sql changed after it was applied (checksum
 * mismatch) is an error. Runs under the named lock GET_LOCK('gridcase_migrate', 30).
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import * as mariadb from 'mariadb';
import { connectionOptions, maskDatabaseUrl, parseDatabaseUrl } from './url';

export const DEFAULT_MIGRATIONS_DIR = path.resolve(__dirname, '../../schema/prisma/migrations');
export const MIGRATIONS_TABLE = '_prisma_migrations';
const LOCK_NAME = 'gridcase_migrate';
const LOCK_TIMEOUT_SECONDS = 30;

/** Prisma's DDL for the migrations table on MySQL (schema-engine mysql flavour). */
export const CREATE_MIGRATIONS_TABLE_SQL = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             DATETIME(3),
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          DATETIME(3),
    started_at              DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    applied_steps_count     INTEGER UNSIGNED NOT NULL DEFAULT 0
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;`;

export interface MigrateOptions {
  migrationsDir?: string;
  log?: (line: string) => void;
}

export interface MigrateResult {
  /** Migrations applied by this run, in order. */
  applied: string[];
  /** Migrations found already applied (checksum verified). */
  alreadyApplied: string[];
}

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly migrationName?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

export interface LocalMigration {
  name: string;
  /** migration.sql as Prisma reads it (UTF-8 text). */
  script: string;
  checksum: string;
}

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

/** SHA-256 of the script's UTF-8 bytes as 64 lowercase hex digits, as Prisma stores it. */
export function migrationChecksum(script: string): string {
  return createHash('sha256').update(script, 'utf8').digest('hex');
}

/**
 * Prisma's `script_matches_checksum`: tolerant of CRLF/LF conversion by git, and of the
 * non-zero-padded hex checksums written by old Prisma versions.
 */
export function scriptMatchesChecksum(script: string, checksum: string): boolean {
  const variants = [script, script.replace(/\r\n/g, '\n'), script.replace(/\n/g, '\r\n')];
  return variants.some((variant) => {
    const digest = createHash('sha256').update(variant, 'utf8').digest();
    const rendered =
      checksum.length !== 0 && checksum.length !== 64
        ? Array.from(digest, (b) => b.toString(16)).join('')
        : digest.toString('hex');
    return rendered === checksum;
  });
}

/** Lists migration folders like Prisma's CLI: every directory, sorted by name (localeCompare). */
export function readMigrations(migrationsDir: string): LocalMigration[] {
  if (!existsSync(migrationsDir)) {
    throw new MigrationError(`Migrations directory not found: ${migrationsDir}`);
  }
  const lockPath = path.join(migrationsDir, 'migration_lock.toml');
  if (existsSync(lockPath)) {
    const match = /^\s*provider\s*=\s*"([^"]*)"/m.exec(readFileSync(lockPath, 'utf8'));
    if (match && match[1] !== 'mysql') {
      throw new MigrationError(
        `${lockPath} says provider = "${match[1]}", but this runner applies mysql migrations`,
      );
    }
  }
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b))
    .map((name) => {
      const file = path.join(migrationsDir, name, 'migration.sql');
      if (!existsSync(file)) {
        throw new MigrationError(`Migration ${name} has no migration.sql (${file})`, name);
      }
      const script = readFileSync(file, 'utf8');
      return { name, script, checksum: migrationChecksum(script) };
    });
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const e = err as Error & { code?: string; errno?: number; sqlState?: string; sqlMessage?: string };
    const code = [e.code, e.errno, e.sqlState].filter((x) => x !== undefined && x !== null).join(' ');
    return `${e.sqlMessage ?? e.message}${code ? ` (${code})` : ''}`;
  }
  return String(err);
}

function isEmptyQueryError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { errno?: number }).errno === 1065; // ER_EMPTY_QUERY
}

async function connect(databaseUrl: string, log: (line: string) => void): Promise<mariadb.Connection> {
  const options = connectionOptions(databaseUrl, { multipleStatements: true });
  try {
    return await mariadb.createConnection(options);
  } catch (err) {
    // Like `prisma migrate deploy`, create the database when it does not exist yet.
    const database = options.database;
    if ((err as { errno?: number }).errno !== 1049 || !database) throw err; // ER_BAD_DB_ERROR
    const server = await mariadb.createConnection(connectionOptions(databaseUrl, { database: null }));
    try {
      await server.query(
        `CREATE DATABASE IF NOT EXISTS \`${database.replace(/`/g, '``')}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
      );
    } finally {
      await server.end();
    }
    log(`Created database ${database}`);
    return mariadb.createConnection(options);
  }
}

export async function migrate(databaseUrl: string, opts: MigrateOptions = {}): Promise<MigrateResult> {
  const log = opts.log ?? (() => undefined);
  const migrationsDir = opts.migrationsDir ?? DEFAULT_MIGRATIONS_DIR;
  const { database } = parseDatabaseUrl(databaseUrl);
  if (!database) {
    throw new MigrationError(`DATABASE_URL ${maskDatabaseUrl(databaseUrl)} names no database`);
  }
  const local = readMigrations(migrationsDir);

  const conn = await connect(databaseUrl, log);
  let locked = false;
  try {
    const lockRows: Array<{ locked: number | bigint | null }> = await conn.query(
      'SELECT GET_LOCK(?, ?) AS locked',
      [LOCK_NAME, LOCK_TIMEOUT_SECONDS],
    );
    if (Number(lockRows[0]?.locked) !== 1) {
      throw new MigrationError(
        `Could not take the migration lock '${LOCK_NAME}' within ${LOCK_TIMEOUT_SECONDS}s: is another migrate running against ${maskDatabaseUrl(databaseUrl)}?`,
      );
    }
    locked = true;

    await ensureMigrationsTable(conn, database, log);

    const rows: MigrationRow[] = await conn.query(
      `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count
         FROM ${MIGRATIONS_TABLE} ORDER BY started_at ASC`,
    );

    // Prisma's detect_failed_migrations (P3009): nothing is applied while a failure is recorded.
    const failed = rows.filter((r) => r.finished_at === null && r.rolled_back_at === null);
    if (failed.length > 0) {
      const details = failed
        .map((r) => {
          const logs = r.logs?.trim() ? ` with the following logs:\n${r.logs.trim()}` : '';
          return `The \`${r.migration_name}\` migration started at ${new Date(r.started_at).toISOString()} failed${logs}`;
        })
        .join('\n');
      throw new MigrationError(
        `Found failed migrations in ${MIGRATIONS_TABLE}; new migrations will not be applied.\n${details}\n` +
          `Fix the database by hand, then record the outcome with \`prisma migrate resolve --rolled-back <name>\` ` +
          `(or --applied <name>) before migrating again.`,
        failed[0]!.migration_name,
      );
    }

    const live = rows.filter((r) => r.rolled_back_at === null);
    const localNames = new Set(local.map((m) => m.name));
    for (const r of live) {
      if (!localNames.has(r.migration_name)) {
        log(`Warning: ${r.migration_name} is recorded in ${MIGRATIONS_TABLE} but missing from ${migrationsDir}`);
      }
    }

    // Refuse to go on when an applied migration was edited afterwards.
    const alreadyApplied: string[] = [];
    const pending: LocalMigration[] = [];
    for (const m of local) {
      const record = live.find((r) => r.migration_name === m.name);
      if (!record) {
        pending.push(m);
        continue;
      }
      if (!scriptMatchesChecksum(m.script, record.checksum)) {
        throw new MigrationError(
          `Migration ${m.name} was modified after it was applied: ${MIGRATIONS_TABLE} has checksum ` +
            `${record.checksum}, ${path.join(migrationsDir, m.name, 'migration.sql')} now has ${m.checksum}. ` +
            `Restore the original file and put the change in a new migration.`,
          m.name,
        );
      }
      alreadyApplied.push(m.name);
    }

    const applied: string[] = [];
    for (const m of pending) {
      log(`Applying migration ${m.name}`);
      const id = randomUUID();
      await conn.query(
        `INSERT INTO ${MIGRATIONS_TABLE} (id, checksum, started_at, migration_name) VALUES (?, ?, UTC_TIMESTAMP(3), ?)`,
        [id, m.checksum, m.name],
      );
      try {
        await conn.query(m.script);
      } catch (err) {
        if (!isEmptyQueryError(err)) {
          const logs = `Migration ${m.name} failed to apply: ${errorText(err)}`;
          await conn.query(`UPDATE ${MIGRATIONS_TABLE} SET logs = ? WHERE id = ?`, [logs, id]);
          throw new MigrationError(
            `${logs}\nIt is recorded as failed in ${MIGRATIONS_TABLE}; statements before the failing one ` +
              `may have been applied (MySQL DDL is not transactional).`,
            m.name,
            { cause: err },
          );
        }
      }
      await conn.query(
        `UPDATE ${MIGRATIONS_TABLE} SET applied_steps_count = applied_steps_count + 1 WHERE id = ?`,
        [id],
      );
      await conn.query(`UPDATE ${MIGRATIONS_TABLE} SET finished_at = UTC_TIMESTAMP(3) WHERE id = ?`, [id]);
      applied.push(m.name);
      log(`Applied migration ${m.name}`);
    }

    if (applied.length === 0) log('No pending migrations to apply.');
    return { applied, alreadyApplied };
  } finally {
    if (locked) {
      await conn.query('SELECT RELEASE_LOCK(?)', [LOCK_NAME]).catch(() => undefined);
    }
    await conn.end().catch(() => undefined);
  }
}

async function ensureMigrationsTable(
  conn: mariadb.Connection,
  database: string,
  log: (line: string) => void,
): Promise<void> {
  const tables: Array<{ name: string }> = await conn.query(
    `SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?`,
    [database],
  );
  if (tables.some((t) => t.name === MIGRATIONS_TABLE)) return;
  if (tables.length > 0) {
    // Prisma's P3005: we do not know which migrations produced the existing tables.
    throw new MigrationError(
      `Database ${database} is not empty (${tables.length} table(s), e.g. ${tables
        .slice(0, 3)
        .map((t) => t.name)
        .join(', ')}) but has no ${MIGRATIONS_TABLE} table. Baseline it first ` +
        `(https://pris.ly/d/migrate-baseline), or migrate an empty database.`,
    );
  }
  await conn.query(CREATE_MIGRATIONS_TABLE_SQL);
  log(`Created ${MIGRATIONS_TABLE}`);
}
