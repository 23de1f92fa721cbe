/**
 * One bootstrap for `npm start` and `npm test`: install what is missing, start what is not
 * running, reuse what is. Each failure is one line saying what is missing and how to fix it.
 */
import type { Config } from '../config';
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
    `MySQL:    ${d.source === 'external' ? 'DATABASE_URL' : 'private MariaDB under .data/mariadb'} — ${d.source}`,
  ];
}
