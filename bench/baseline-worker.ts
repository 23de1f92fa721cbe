/**
 * The baseline's worker (bench sections `baseline` and `timers`), a child process like the case worker:
 * `node --import tsx bench/baseline-worker.ts`, configured like `npm run worker` (DATABASE_URL,
 * TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE and the TLS variables, read by
 * platform/config.ts). Same worker options as the case worker (the SDK's defaults) and the same
 * database pool size (20). It runs both baseline workflows (bench/baseline-workflows.ts). Prints
 * `baseline worker polling` when ready; SIGTERM/SIGINT stop it.
 */
import mariadb from 'mariadb';
import { Worker } from '@temporalio/worker';
import { fail, log } from '../platform/log';
import { config, ConfigError } from '../platform/config';
import { connectionOptions } from '../platform/db/url';
import { connectWorker, installRuntime } from '../platform/temporal/worker';
import { createBaselineActivities } from './baseline-activities';

async function main(): Promise<void> {
  const cfg = config();
  if (!cfg.database.url) throw new ConfigError('DATABASE_URL', 'is required by the baseline worker');
  if (!cfg.temporal.address) throw new ConfigError('TEMPORAL_ADDRESS', 'is required by the baseline worker');
  installRuntime('WARN');
  const pool = mariadb.createPool({ ...connectionOptions(cfg.database.url, { connectTimeout: 5_000 }), connectionLimit: 20, acquireTimeout: 5_000 });
  const connection = await connectWorker({ address: cfg.temporal.address, namespace: cfg.temporal.namespace, tls: cfg.temporal.tls, apiKey: cfg.temporal.apiKey });
  const worker = await Worker.create({
    connection,
    namespace: cfg.temporal.namespace,
    taskQueue: cfg.temporal.taskQueue,
    activities: createBaselineActivities(pool),
    workflowsPath: require.resolve('./baseline-workflows'),
  });
  log(`baseline worker polling ${cfg.temporal.namespace}/${cfg.temporal.taskQueue}`);
  await worker.run();
  await Promise.all([pool.end(), connection.close()]);
}

main().catch(fail);
