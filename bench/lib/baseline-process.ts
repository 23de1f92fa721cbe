/**
 * Starts the baseline worker (bench/baseline-worker.ts) as a child process on its own task queue,
 * with the scratch table `bench_baseline_rows` it writes into, created by the schema owner.
 * stop() ends the worker and drops the table.
 */
import path from 'node:path';
import fs from 'node:fs';
import mariadb, { type Pool } from 'mariadb';
import { config } from '../../platform/config';
import { parseDatabaseUrl, connectionOptions } from '../../platform/db/url';
import { entryProcess, type EntryProcess } from '../../platform/bootstrap/child';
import { BASELINE_TABLE, CREATE_BASELINE_TABLE } from '../baseline-activities';
import { watchLog } from './log-watch';
import type { BenchContext } from './types';

export interface BaselineWorker {
  worker: EntryProcess;
  /** the owner's pool on the bench database (reads the rows) */
  pool: Pool;
  /** the worker's log since it started */
  log: { since(): string };
  /** SIGTERM to the worker, the scratch table dropped, the pool closed */
  stop(): Promise<void>;
}

export async function startBaselineWorker(ctx: BenchContext, opts: { taskQueue: string; label: string }): Promise<BaselineWorker> {
  const cfg = config();
  const pool = mariadb.createPool({ ...connectionOptions(ctx.ownerUrl), connectionLimit: 16 });
  const dropTable = async () => {
    await pool.query(`DROP TABLE IF EXISTS \`${BASELINE_TABLE}\``).catch(() => undefined);
    await pool.end();
  };
  await pool.query(CREATE_BASELINE_TABLE);
  const logDir = path.join(cfg.dataDir, 'logs');
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${parseDatabaseUrl(ctx.databaseUrl).database}-${opts.label}.log`);
  const log = watchLog(logFile);
  const worker = entryProcess({
    file: path.join(ctx.root, 'bench', 'baseline-worker.ts'),
    cwd: ctx.root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: ctx.databaseUrl,
      TEMPORAL_ADDRESS: ctx.temporalTarget.address,
      TEMPORAL_NAMESPACE: ctx.temporalTarget.namespace,
      TEMPORAL_TASK_QUEUE: opts.taskQueue,
      LOG_LEVEL: 'warn',
    },
    ready: /baseline worker polling/,
    logFile,
  });
  await worker.start().catch(async (e: unknown) => {
    await dropTable();
    throw e;
  });
  return {
    worker,
    pool,
    log,
    async stop() {
      await worker.kill('SIGTERM');
      await dropTable();
    },
  };
}
