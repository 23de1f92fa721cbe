/**
 * MySQL for GridCase: an external server named by DATABASE_URL, or a private MariaDB instance
 * under .data/mariadb/ on its own port and socket (installed from Debian's packages if missing).
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
  /** URL of the product database (or the test database in test mode). */
  url: string;
  /** URL of the server without a database, for creating and dropping test databases. */
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

function credentials(file: string): { user: string; password: string } {
  try {
    const c = JSON.parse(fs.readFileSync(file, 'utf8')) as { user: string; password: string };
    if (c.user && c.password) return c;
  } catch {
    /* create below */
  }
  const c = { user: 'gridcase', password: crypto.randomBytes(18).toString('base64url') };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(c), { mode: 0o600 });
  return c;
}

/** Creates the application user and grants it the gridcase* databases (runs as the OS user over the socket). */
function provision(socket: string, user: string, password: string, database: string): void {
  const client = which('mariadb') ?? which('mysql');
  if (!client) throw new BootstrapError('the mariadb command-line client is missing: run `apt-get install mariadb-client`');
  const osUser = os.userInfo().username;
  const q = (s: string) => s.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  const sql = ['127.0.0.1', 'localhost']
    .map((h) => `CREATE USER IF NOT EXISTS '${q(user)}'@'${h}' IDENTIFIED BY '${q(password)}';
ALTER USER '${q(user)}'@'${h}' IDENTIFIED BY '${q(password)}';
GRANT ALL PRIVILEGES ON \`gridcase%\`.* TO '${q(user)}'@'${h}';`)
    .join('\n') + `\nCREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\nFLUSH PRIVILEGES;\n`;
  const r = run(client, ['--no-defaults', `--socket=${socket}`, '-u', osUser], { input: sql, timeoutMs: 60_000 });
  if (r.status !== 0) throw new BootstrapError(`could not create the MariaDB user and database: ${(r.stderr || '').trim().split('\n').slice(-1)[0]}`);
}

export async function ensureDatabase(cfg: Config, database: string, log: (line: string) => void): Promise<DatabaseService> {
  if (cfg.database.url) {
    const url = database === parseDatabaseUrl(cfg.database.url).database ? cfg.database.url : withDatabase(cfg.database.url, database);
    const err = await probe(cfg.database.url, 5_000);
    if (err) throw new BootstrapError(`the database at ${maskDatabaseUrl(cfg.database.url)} (DATABASE_URL) is unreachable: ${err}`);
    await createDatabaseIfMissing(url).catch((e: Error) => {
      throw new BootstrapError(`database "${database}" at ${maskDatabaseUrl(url)} is missing and could not be created: ${e.message.split('\n')[0]}`);
    });
    return { url, serverUrl: withDatabase(cfg.database.url, ''), source: 'external', startedPid: undefined };
  }

  const p = mariadbPaths(cfg);
  const port = cfg.database.localPort;
  const cred = credentials(p.credentials);
  const serverUrl = `mysql://${encodeURIComponent(cred.user)}:${encodeURIComponent(cred.password)}@127.0.0.1:${port}/`;
  const url = withDatabase(serverUrl, database);

  if (await isSocketOpen(p.socket)) {
    if (!(await isPortOpen('127.0.0.1', port))) {
      throw new BootstrapError(`the GridCase MariaDB is running on another port than ${port} (GRIDCASE_DB_PORT changed?); run \`npm run stop\` first`);
    }
    if ((await probe(serverUrl, 3_000)) !== undefined) provision(p.socket, cred.user, cred.password, database);
    await createDatabaseIfMissing(url);
    return { url, serverUrl, source: 'reused', startedPid: undefined };
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
  provision(p.socket, cred.user, cred.password, database);
  return { url, serverUrl, source: 'started', startedPid: pid };
}
