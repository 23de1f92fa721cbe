/**
 * MySQL for GridCase: an external server named by DATABASE_URL (and DATABASE_OWNER_URL), or a
 * private MariaDB instance under .data/mariadb/ on its own port and socket (installed from
 * Debian's packages if missing).
 *
 * Two accounts: the owner (`gridcase`: all privileges on the gridcase* databases) applies the
 * migrations and creates and drops databases; the application (`gridcase_app`: SELECT, INSERT,
 * UPDATE, DELETE on them, nothing else) is what the API, the worker, the seed and the CLI's data
 * commands use, so it cannot drop or alter a table or a trigger (the append-only triggers stay).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mariadb, { type Connection } from 'mariadb';
import type { Config } from '../config';
import { connectionOptions, maskDatabaseUrl, parseDatabaseUrl } from '../db/url';
import { BootstrapError, isAlive, isPortOpen, isSocketOpen, readPid, run, spawnDetached, waitFor, which } from './proc';

export interface DatabaseService {
  /** URL of the product database (or the test database in test mode), as the application's account. */
  url: string;
  /** The same database as the schema owner's account: migrations, and what needs DDL. */
  ownerUrl: string;
  /** URL of the server without a database, as the owner, for creating and dropping test databases. */
  serverUrl: string;
  source: 'external' | 'reused' | 'started';
  startedPid: number | undefined;
}

export function mariadbPaths(cfg: Config) {
  const dir = path.join(cfg.dataDir, 'mariadb');
  return {
    dir,
    dataDir: path.join(dir, 'data'),
    socket: path.join(dir, 'mysqld.sock'),
    credentials: path.join(dir, 'credentials.json'),
    pidFile: path.join(cfg.dataDir, 'run', 'mariadb.pid'),
    logFile: path.join(cfg.dataDir, 'logs', 'mariadb.log'),
  };
}

async function probe(url: string, timeoutMs: number): Promise<string | undefined> {
  const { password } = parseDatabaseUrl(url);
  let conn: Connection | undefined;
  try {
    conn = await mariadb.createConnection(connectionOptions(url, { database: null, connectTimeout: timeoutMs }));
    await conn.query('SELECT 1');
    return undefined;
  } catch (e) {
    const line = (e as Error).message.split('\n')[0];
    return password ? line.split(password).join('****') : line;
  } finally {
    await conn?.end().catch(() => undefined);
  }
}

/** Creates the database when it is missing (the user must have the privilege). */
export async function createDatabaseIfMissing(url: string): Promise<void> {
  const { database } = parseDatabaseUrl(url);
  const conn = await mariadb.createConnection(connectionOptions(url, { database: null, connectTimeout: 5_000 }));
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await conn.end();
  }
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function installMariadb(log: (l: string) => void): string {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const aptGet = which('apt-get');
  if (!isRoot || !aptGet) {
    throw new BootstrapError('MariaDB is not installed (no mariadbd): run `sudo apt-get install mariadb-server`, or set DATABASE_URL to an existing MySQL/MariaDB server');
  }
  log('installing MariaDB from Debian packages (apt-get install mariadb-server) …');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = run(aptGet, ['update'], { env, timeoutMs: 600_000 });
  if (update.status !== 0) log(`apt-get update failed: ${(update.stderr || '').trim().split('\n').slice(-1)[0]}`);
  const r = run(aptGet, ['install', '-y', '--no-install-recommends', 'mariadb-server', 'mariadb-client'], { env, timeoutMs: 900_000 });
  const bin = which('mariadbd') ?? which('mysqld');
  if (r.status !== 0 || !bin) {
    throw new BootstrapError(`MariaDB could not be installed (apt-get install mariadb-server: ${(r.stderr || String(r.error)).trim().split('\n').slice(-1)[0]}); install it by hand or set DATABASE_URL`);
  }
  return bin;
}

export interface Account {
  user: string;
  password: string;
}

/** .data/mariadb/credentials.json: the owner at the top level (as written by every version), the application's account under `app`. */
export interface LocalCredentials extends Account {
  app: Account;
}

/** What the application's account may do on the gridcase* databases: rows, nothing else. */
export const APP_PRIVILEGES = 'SELECT, INSERT, UPDATE, DELETE';

/**
 * The local accounts, created on first use. A file from an earlier version holds only the owner:
 * the application's account is added, its password derived from the owner's (so two bootstraps
 * running at once on an old file agree on it without a lock).
 */
export function localCredentials(file: string): LocalCredentials {
  let c: Partial<LocalCredentials> = {};
  try {
    c = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LocalCredentials>;
  } catch {
    /* create below */
  }
  let changed = false;
  if (!c.user || !c.password) {
    c = { user: 'gridcase', password: crypto.randomBytes(18).toString('base64url') };
    changed = true;
  }
  if (!c.app?.user || !c.app?.password) {
    const password = crypto.createHmac('sha256', c.password!).update('gridcase_app').digest('base64url').slice(0, 24);
    c.app = { user: 'gridcase_app', password };
    changed = true;
  }
  if (changed) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(c), { mode: 0o600 });
    fs.renameSync(tmp, file);
  }
  return c as LocalCredentials;
}

const accountUrl = (a: Account, port: number) => `mysql://${encodeURIComponent(a.user)}:${encodeURIComponent(a.password)}@127.0.0.1:${port}/`;

/** Runs SQL as the OS user over the private server's socket (root by socket authentication). */
export function socketSql(socket: string, sql: string): void {
  const client = which('mariadb') ?? which('mysql');
  if (!client) throw new BootstrapError('the mariadb command-line client is missing: run `apt-get install mariadb-client`');
  const r = run(client, ['--no-defaults', `--socket=${socket}`, '-u', os.userInfo().username], { input: sql, timeoutMs: 60_000 });
  if (r.status !== 0) throw new BootstrapError(`could not create the MariaDB users and database: ${(r.stderr || '').trim().split('\n').slice(-1)[0]}`);
}

/**
 * Creates (or repairs) both accounts and the database: the owner with all privileges on the
 * gridcase* databases, the application with rows only (its grants are reset to exactly that).
 */
function provision(socket: string, cred: LocalCredentials, database: string): void {
  const q = (s: string) => s.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  const account = (a: Account, h: string, grant: string) => `CREATE USER IF NOT EXISTS '${q(a.user)}'@'${h}' IDENTIFIED BY '${q(a.password)}';
ALTER USER '${q(a.user)}'@'${h}' IDENTIFIED BY '${q(a.password)}';
${grant}`;
  const sql =
    ['127.0.0.1', 'localhost']
      .map(
        (h) =>
          `${account(cred, h, `GRANT ALL PRIVILEGES ON \`gridcase%\`.* TO '${q(cred.user)}'@'${h}';`)}
${account(cred.app, h, `REVOKE ALL PRIVILEGES, GRANT OPTION FROM '${q(cred.app.user)}'@'${h}';
GRANT ${APP_PRIVILEGES} ON \`gridcase%\`.* TO '${q(cred.app.user)}'@'${h}';`)}`,
      )
      .join('\n') + `\nCREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\nFLUSH PRIVILEGES;\n`;
  socketSql(socket, sql);
}

export async function ensureDatabase(cfg: Config, database: string, log: (line: string) => void): Promise<DatabaseService> {
  if (cfg.database.url) {
    const named = (u: string) => (database === parseDatabaseUrl(u).database ? u : withDatabase(u, database));
    const owner = cfg.database.ownerUrl ?? cfg.database.url;
    const variable = cfg.database.ownerUrl ? 'DATABASE_OWNER_URL' : 'DATABASE_URL';
    const url = named(cfg.database.url);
    const ownerUrl = named(owner);
    for (const [u, v] of [[cfg.database.url, 'DATABASE_URL'], ...(cfg.database.ownerUrl ? [[cfg.database.ownerUrl, 'DATABASE_OWNER_URL']] : [])]) {
      const err = await probe(u, 5_000);
      if (err) throw new BootstrapError(`the database at ${maskDatabaseUrl(u)} (${v}) is unreachable: ${err}`);
    }
    await createDatabaseIfMissing(ownerUrl).catch((e: Error) => {
      throw new BootstrapError(`database "${database}" at ${maskDatabaseUrl(ownerUrl)} (${variable}) is missing and could not be created: ${e.message.split('\n')[0]}`);
    });
    return { url, ownerUrl, serverUrl: withDatabase(owner, ''), source: 'external', startedPid: undefined };
  }

  const p = mariadbPaths(cfg);
  const port = cfg.database.localPort;
  const cred = localCredentials(p.credentials);
  const serverUrl = accountUrl(cred, port);
  const ownerUrl = withDatabase(serverUrl, database);
  const url = withDatabase(accountUrl(cred.app, port), database);

  if (await isSocketOpen(p.socket)) {
    if (!(await isPortOpen('127.0.0.1', port))) {
      throw new BootstrapError(`the GridCase MariaDB is running on another port than ${port} (GRIDCASE_DB_PORT changed?); run \`npm run stop\` first`);
    }
    // either account missing (a data directory from an earlier version has only the owner): create it
    if ((await probe(serverUrl, 3_000)) !== undefined || (await probe(accountUrl(cred.app, port), 3_000)) !== undefined) provision(p.socket, cred, database);
    await createDatabaseIfMissing(ownerUrl);
    return { url, ownerUrl, serverUrl, source: 'reused', startedPid: undefined };
  }
  if (await isPortOpen('127.0.0.1', port)) {
    throw new BootstrapError(`port ${port} is taken by another program; stop it or set GRIDCASE_DB_PORT to a free port`);
  }

  const mariadbd = which('mariadbd') ?? which('mysqld') ?? installMariadb(log);
  fs.mkdirSync(p.dir, { recursive: true });
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const userArgs = isRoot ? ['--user=root'] : [];
  if (!fs.existsSync(path.join(p.dataDir, 'mysql'))) {
    log(`initialising a private MariaDB data directory in ${path.relative(cfg.root, p.dataDir)} …`);
    const installDb = which('mariadb-install-db') ?? which('mysql_install_db');
    if (!installDb) throw new BootstrapError('mariadb-install-db is missing: run `apt-get install mariadb-server`');
    fs.rmSync(p.dataDir, { recursive: true, force: true });
    const r = run(installDb, ['--no-defaults', `--datadir=${p.dataDir}`, '--auth-root-authentication-method=socket', '--skip-test-db', ...userArgs], { timeoutMs: 180_000 });
    if (r.status !== 0) throw new BootstrapError(`mariadb-install-db failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-1)[0]}`);
  }
  const stalePid = readPid(p.pidFile);
  if (stalePid !== undefined && isAlive(stalePid)) {
    throw new BootstrapError(`a GridCase MariaDB (pid ${stalePid}) is running but not answering on ${p.socket}; run \`npm run stop\` and try again`);
  }
  fs.rmSync(p.socket, { force: true });
  log(`starting MariaDB on 127.0.0.1:${port} …`);
  const pid = spawnDetached(
    mariadbd,
    [
      '--no-defaults',
      `--datadir=${p.dataDir}`,
      `--socket=${p.socket}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--pid-file=${path.join(p.dir, 'mariadbd.pid')}`,
      `--log-error=${p.logFile}`,
      '--skip-name-resolve',
      '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_unicode_ci',
      '--innodb-buffer-pool-size=512M',
      '--max-connections=400',
      ...userArgs,
    ],
    { logFile: p.logFile, pidFile: p.pidFile },
  );
  await waitFor(
    `MariaDB on 127.0.0.1:${port}`,
    async () => {
      if (!isAlive(pid)) throw new BootstrapError(`MariaDB exited at start; see ${p.logFile}`);
      return (await isSocketOpen(p.socket)) && (await isPortOpen('127.0.0.1', port));
    },
    60_000,
    p.logFile,
  );
  provision(p.socket, cred, database);
  return { url, ownerUrl, serverUrl, source: 'started', startedPid: pid };
}
