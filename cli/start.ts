/**
 * `npm start`: bootstrap → migrate → seed → API and worker in one process → print the URLs.
 * Local use only; production runs api.ts and worker.ts separately against external services.
 */
import type { Server } from 'node:http';
import { bootstrap, describeServices } from '../platform/bootstrap';
import { ensureApiTypes } from '../api/openapi-types';
import { BootstrapError, isPortOpen } from '../platform/bootstrap/proc';
import { config } from '../platform/config';
import type { SeedReport } from '../seed';
import { fail, log, seconds } from '../platform/log';
import { appOptions } from './app-options';

async function main(): Promise<void> {
  const t0 = Date.now();
  const cfg = config();
  if (await isPortOpen(cfg.http.host === '0.0.0.0' ? '127.0.0.1' : cfg.http.host, cfg.http.port)) {
    throw new BootstrapError(`port ${cfg.http.port} is taken (is GridCase already running?); stop that program or set PORT`);
  }
  const services = await bootstrap(cfg, { database: cfg.database.name, log });
  ensureApiTypes(cfg.root, log);
  describeServices(services).forEach(log);
  log(`services ready in ${seconds(t0)}`);

  const { migrate } = await import('../platform/db/migrate');
  const { createPrisma } = await import('../platform/db/prisma');
  const { seedDemo } = await import('../seed');
  const { connectTemporal } = await import('../platform/temporal/client');
  const { connectWorker, installRuntime } = await import('../platform/temporal/worker');
  const { createWorker } = await import('../activities/worker');
  const { createApp } = await import('../api/app');
  const { CONSOLE_DIR, ensureConsole } = await import('../designer/build');
  ensureConsole({ log });

  // the schema owner migrates; the API, the worker and the seed use the application's account (rows only)
  await migrate(services.database.ownerUrl, { log });
  const prisma = createPrisma(services.database.url);
  const seeded = await seedDemo(prisma);
  log(`demo data ready (${summarise(seeded)})`);

  installRuntime(cfg.logLevel === 'debug' ? 'INFO' : 'WARN');
  const temporal = await connectTemporal(services.temporal);
  const workerConnection = await connectWorker(services.temporal);
  const { auditKeyFor } = await import('../platform/audit-keys');
  const auditKey = auditKeyFor(cfg);
  const worker = await createWorker({ connection: workerConnection, namespace: services.temporal.namespace, taskQueue: cfg.temporal.taskQueue, deps: { prisma, auditKey }, ...cfg.worker });
  const workerRun = worker.run();
  const { auditScheduleId, ensureAuditSchedule } = await import('../platform/temporal/schedules');
  log(`audit checkpoints: daily at 00:10 Beijing time, schedule ${auditScheduleId(cfg.temporal.taskQueue)} (${await ensureAuditSchedule(temporal.client, cfg.temporal.taskQueue)}), key ${auditKey.keyId}`);

  const { startNotificationDelivery } = await import('../notify');
  const delivery = startNotificationDelivery(cfg.notify, prisma, log);

  const { localJwtSecret } = await import('../platform/auth/secret');
  const app = createApp(appOptions(cfg, { prisma, temporal, consoleDir: CONSOLE_DIR, jwtSecret: cfg.auth.jwtSecret ?? localJwtSecret(cfg.dataDir), auditKey }));
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(cfg.http.port, cfg.http.host, () => resolve(s));
    s.once('error', reject);
  });

  const loopbackOrAny = ['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost'].includes(cfg.http.host);
  const base = `http://${loopbackOrAny ? 'localhost' : cfg.http.host}:${cfg.http.port}`;
  log(`ready in ${seconds(t0)}`);
  log(`GridCase:     ${base}  (web console: sign in as admin to draw processes)`);
  log(`Health:       ${base}/health`);
  log(`OpenAPI:      ${base}/openapi.json`);
  log(`API docs:     ${base}/docs`);
  if (services.temporal.uiUrl) log(`Temporal UI:  ${services.temporal.uiUrl}`);
  log('services keep running after this process stops; `npm run stop` stops them');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down the API, the worker and the notification delivery …`);
    server.close();
    worker.shutdown();
    await Promise.all([workerRun.catch(() => undefined), delivery.stop()]);
    await Promise.all([prisma.$disconnect(), temporal.close(), workerConnection.close()]).catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  workerRun.catch((e: unknown) => fail(e));
}

function summarise(report: SeedReport): string {
  const counts = (['orgUnits', 'grids', 'departments', 'categories', 'users', 'calendarDays', 'processes'] as const).map((k) => `${k} ${report[k].total}`);
  const changed = Object.values(report).reduce((n, v) => n + (v && typeof v === 'object' && 'created' in v ? v.created + v.updated : 0), 0);
  return `${counts.join(', ')}; ${changed} row(s) written`;
}

main().catch(fail);
