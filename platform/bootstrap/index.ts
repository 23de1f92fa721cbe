/**
 * One bootstrap for `npm start` and `npm test`: install what is missing, start what is not
 * running, reuse what is. Each failure is one line saying what is missing and how to fix it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import { isAlive, readPid, stopPid } from './proc';
import { ensureDatabase, type DatabaseService } from './mariadb';
import { ensurePrismaClient } from './prisma';
import { ensureTemporal, type TemporalService } from './temporal';

export { BootstrapError } from './proc';

export interface Services {
  temporal: TemporalService;
  database: DatabaseService;
}

export async function bootstrap(cfg: Config, opts: { database: string; log: (line: string) => void }): Promise<Services> {
  ensurePrismaClient(cfg.root, opts.log);
  // Both services start in parallel: on a fresh machine each may install and initialise.
  const [temporal, database] = await Promise.all([ensureTemporal(cfg, opts.log), ensureDatabase(cfg, opts.database, opts.log)]);
  return { temporal, database };
}

export function describeServices(s: Services): string[] {
  const t = s.temporal;
  const d = s.database;
  return [
    `Temporal: ${t.address} namespace ${t.namespace} — ${t.source}${t.server === 'external' ? '' : `, ${t.server}`}`,
    `MySQL:    ${d.source === 'external' ? 'DATABASE_URL' : 'private MariaDB'} — ${d.source}`,
  ];
}

/** Stops a service a GridCase bootstrap started under dataDir (recorded in its run/ folder); false if none was running. */
export async function stopService(dataDir: string, name: 'temporal' | 'mariadb', log: (line: string) => void = () => undefined): Promise<boolean> {
  const runDir = path.join(dataDir, 'run');
  const pidFile = path.join(runDir, `${name}.pid`);
  const pid = readPid(pidFile);
  let stopped = false;
  if (pid !== undefined && isAlive(pid)) {
    log(`stopping ${name} (pid ${pid}) …`);
    await stopPid(pid, name === 'mariadb' ? 60_000 : 15_000);
    stopped = true;
  }
  fs.rmSync(pidFile, { force: true });
  fs.rmSync(path.join(runDir, `${name}.kind`), { force: true });
  return stopped;
}
