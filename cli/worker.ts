/**
 * Production worker entry (`npm run worker`): runs the case workflows and activities against the
 * external services named by DATABASE_URL and TEMPORAL_ADDRESS, and delivers the notification
 * outbox (notify/). Scale out by running more.
 */
import { parseAuditKey } from '../platform/audit-keys';
import { config, ConfigError } from '../platform/config';
import { connectTemporal } from '../platform/temporal/client';
import { auditScheduleId, ensureAuditSchedule } from '../platform/temporal/schedules';
import { createPrisma } from '../platform/db/prisma';
import { startNotificationDelivery } from '../notify';
import { createWorker } from '../activities/worker';
import { connectWorker, installRuntime } from '../platform/temporal/worker';
import { fail, log } from '../platform/log';

async function main(): Promise<void> {
  const cfg = config();
  if (!cfg.database.url) throw new ConfigError('DATABASE_URL', 'is required by the production worker');
  if (!cfg.temporal.address) throw new ConfigError('TEMPORAL_ADDRESS', 'is required by the production worker');
  if (!cfg.audit.key) throw new ConfigError('GRIDCASE_AUDIT_KEY', 'is required by the production worker: the Ed25519 key that signs the daily audit checkpoints');
  installRuntime(cfg.logLevel === 'debug' ? 'INFO' : 'WARN');
  const prisma = createPrisma(cfg.database.url, { connectionLimit: 20 });
  const connection = await connectWorker({ address: cfg.temporal.address, namespace: cfg.temporal.namespace, tls: cfg.temporal.tls, apiKey: cfg.temporal.apiKey });
  const worker = await createWorker({ connection, namespace: cfg.temporal.namespace, taskQueue: cfg.temporal.taskQueue, deps: { prisma, auditKey: parseAuditKey(cfg.audit.key) }, ...cfg.worker });
  // the daily audit checkpoint: created by the first worker that finds it missing
  const temporal = await connectTemporal({ address: cfg.temporal.address, namespace: cfg.temporal.namespace, tls: cfg.temporal.tls, apiKey: cfg.temporal.apiKey });
  const schedule = await ensureAuditSchedule(temporal.client, cfg.temporal.taskQueue).finally(() => temporal.close());
  log(`audit checkpoint schedule ${auditScheduleId(cfg.temporal.taskQueue)}: ${schedule}`);
  // the notification outbox the case workflows write: delivered by every worker (rows are claimed, never delivered twice at once)
  const delivery = startNotificationDelivery(cfg.notify, prisma, log);
  log(`worker polling ${cfg.temporal.namespace}/${cfg.temporal.taskQueue} (sticky cache: up to ${worker.options.maxCachedWorkflows} workflows; sticky queue timeout ${worker.options.stickyQueueScheduleToStartTimeoutMs / 1000} s; ${cfg.worker.maxConcurrentWorkflowTaskPolls} workflow-task polls)`);
  try {
    await worker.run(); // resolves after SIGINT/SIGTERM (the SDK shuts down on them)
  } finally {
    await delivery.stop();
  }
  await Promise.all([prisma.$disconnect(), connection.close()]);
}

main().catch(fail);
