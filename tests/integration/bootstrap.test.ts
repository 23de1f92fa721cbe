/** The service bootstrap: fail fast with one clear line, refuse foreign ports, reuse what runs. */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { bootstrap } from '../../platform/bootstrap';
import crypto from 'node:crypto';
import mariadb from 'mariadb';
import { ensureDatabase, mariadbPaths, socketSql } from '../../platform/bootstrap/mariadb';
import { connectionOptions, parseDatabaseUrl } from '../../platform/db/url';
import { BootstrapError } from '../../platform/bootstrap/proc';
import { ensureTemporal } from '../../platform/bootstrap/temporal';
import { loadConfig } from '../../platform/config';
import { testServices } from '../support/env';

const root = path.resolve(__dirname, '../..');
const quiet = () => undefined;

async function foreignServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined); // clients hang up as they please
    s.on('close', () => sockets.delete(s));
    s.end('HTTP/1.0 200 OK\r\n\r\nnot a database\r\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise((r) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => r());
      }),
  };
}

async function failure(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: Error) => e,
  );
}

describe('service bootstrap', () => {
  const env = testServices();
  const tmpData = fs.mkdtempSync(path.join(os.tmpdir(), 'gridcase-boot-'));
  afterAll(() => fs.rmSync(tmpData, { recursive: true, force: true }));

  it('given a DATABASE_URL that points nowhere, fails fast with one line and the password masked', async () => {
    const cfg = loadConfig({ DATABASE_URL: 'mysql://app:hunter2@127.0.0.1:9/gridcase', GRIDCASE_DATA_DIR: tmpData }, root);
    const t0 = Date.now();
    const e = await failure(ensureDatabase(cfg, 'gridcase', quiet));
    expect(e).toBeInstanceOf(BootstrapError);
    expect(e.message).toContain('DATABASE_URL');
    expect(e.message).toContain('mysql://app:****@127.0.0.1:9/gridcase');
    expect(e.message).not.toContain('hunter2');
    expect(e.message.split('\n')).toHaveLength(1);
    expect(Date.now() - t0).toBeLessThan(30_000);
  });

  it('given a TEMPORAL_ADDRESS that points nowhere, fails fast with one line naming it', async () => {
    const cfg = loadConfig({ TEMPORAL_ADDRESS: '127.0.0.1:9', GRIDCASE_DATA_DIR: tmpData }, root);
    const e = await failure(ensureTemporal(cfg, quiet));
    expect(e).toBeInstanceOf(BootstrapError);
    expect(e.message).toMatch(/^Temporal at 127\.0\.0\.1:9 \(TEMPORAL_ADDRESS, namespace default\) is unreachable/);
    expect(e.message.split('\n')).toHaveLength(1);
  });

  it('given the Temporal port is taken by another program, reports it instead of reusing it', async () => {
    const other = await foreignServer();
    try {
      const cfg = loadConfig({ GRIDCASE_TEMPORAL_PORT: String(other.port), GRIDCASE_DATA_DIR: tmpData }, root);
      const e = await failure(ensureTemporal(cfg, quiet));
      expect(e).toBeInstanceOf(BootstrapError);
      expect(e.message).toContain(`port ${other.port} is taken`);
      expect(e.message).toContain('GRIDCASE_TEMPORAL_PORT');
    } finally {
      await other.close();
    }
  });

  it('given the MariaDB port is taken by another program, reports it instead of reusing it', async () => {
    const other = await foreignServer();
    try {
      const cfg = loadConfig({ GRIDCASE_DB_PORT: String(other.port), GRIDCASE_DATA_DIR: tmpData }, root);
      const e = await failure(ensureDatabase(cfg, 'gridcase', quiet));
      expect(e).toBeInstanceOf(BootstrapError);
      expect(e.message).toContain(`port ${other.port} is taken`);
      expect(e.message).toContain('GRIDCASE_DB_PORT');
    } finally {
      await other.close();
    }
  });

  const bothLocal = env.local.includes('database') && env.local.includes('temporal');
  const localDatabase = env.local.includes('database');

  /** A data directory of its own beside the running MariaDB (its socket linked in), holding `credentials`. */
  function dataDirWith(credentials: object) {
    const real = mariadbPaths(loadConfig({ ...process.env, DATABASE_URL: '', DATABASE_OWNER_URL: '' }, root));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-'));
    fs.mkdirSync(path.join(dir, 'mariadb'));
    fs.symlinkSync(real.socket, path.join(dir, 'mariadb', 'mysqld.sock'));
    fs.writeFileSync(path.join(dir, 'mariadb', 'credentials.json'), JSON.stringify(credentials));
    const owner = JSON.parse(fs.readFileSync(real.credentials, 'utf8')) as { user: string; password: string };
    const cfg = loadConfig({ ...process.env, DATABASE_URL: '', DATABASE_OWNER_URL: '', TEMPORAL_ADDRESS: '', GRIDCASE_DATA_DIR: dir }, root);
    return { dir, cfg, owner, written: () => JSON.parse(fs.readFileSync(path.join(dir, 'mariadb', 'credentials.json'), 'utf8')) };
  }

  async function grantsOf(url: string): Promise<string[]> {
    const c = await mariadb.createConnection(connectionOptions(url, { database: null }));
    try {
      return ((await c.query('SHOW GRANTS')) as Record<string, string>[]).map((r) => Object.values(r)[0]);
    } finally {
      await c.end();
    }
  }

  (localDatabase ? it : it.skip)("given a data directory from an earlier version (credentials.json holds only the owner), adds the application's account with rows-only grants", async () => {
    const { dir, cfg, owner, written } = dataDirWith({});
    try {
      fs.writeFileSync(path.join(dir, 'mariadb', 'credentials.json'), JSON.stringify({ user: owner.user, password: owner.password }));
      const db = await ensureDatabase(cfg, cfg.database.testName, quiet);
      expect(written()).toEqual({ user: owner.user, password: owner.password, app: { user: 'gridcase_app', password: expect.any(String) } });
      expect(parseDatabaseUrl(db.url)).toMatchObject({ user: 'gridcase_app', database: cfg.database.testName });
      expect(parseDatabaseUrl(db.ownerUrl)).toMatchObject({ user: owner.user, database: cfg.database.testName });
      const grants = await grantsOf(db.url);
      expect(grants).toContain('GRANT SELECT, INSERT, UPDATE, DELETE ON `gridcase%`.* TO `gridcase_app`@`127.0.0.1`');
      expect(grants.join('\n')).not.toMatch(/ALL PRIVILEGES|DROP|ALTER|TRIGGER|CREATE/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  (localDatabase ? it : it.skip)("given an application's account the server does not have yet, the bootstrap creates it (rows only) and reuses the owner", async () => {
    const user = `gc_t_${crypto.randomBytes(4).toString('hex')}`;
    const { dir, cfg, owner } = dataDirWith({});
    fs.writeFileSync(path.join(dir, 'mariadb', 'credentials.json'), JSON.stringify({ user: owner.user, password: owner.password, app: { user, password: 'p-' + crypto.randomBytes(8).toString('hex') } }));
    try {
      const db = await ensureDatabase(cfg, cfg.database.testName, quiet);
      expect(db.source).toBe('reused');
      expect(await grantsOf(db.url)).toContain(`GRANT SELECT, INSERT, UPDATE, DELETE ON \`gridcase%\`.* TO \`${user}\`@\`127.0.0.1\``);
    } finally {
      socketSql(path.join(dir, 'mariadb', 'mysqld.sock'), `DROP USER IF EXISTS '${user}'@'127.0.0.1', '${user}'@'localhost';`);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  (bothLocal ? it : it.skip)('given the local services already run, reuses them instead of starting new ones', async () => {
    // The same settings the runner used, minus the addresses it exported for the tests.
    const cfg = loadConfig({ ...process.env, DATABASE_URL: '', DATABASE_OWNER_URL: '', TEMPORAL_ADDRESS: '' }, root);
    const services = await bootstrap(cfg, { database: cfg.database.testName, log: quiet });
    expect(services.temporal.source).toBe('reused');
    expect(services.database.source).toBe('reused');
    expect(services.temporal.startedPid).toBeUndefined();
    expect(services.database.startedPid).toBeUndefined();
    expect(services.temporal.address).toBe(env.temporal.address);
  });
});
