/**
 * Production API entry (`npm run api`): serves HTTP only, against the external services named by
 * DATABASE_URL and TEMPORAL_ADDRESS. Stateless: run as many as the load needs behind a balancer.
 */
import type { Server } from 'node:http';
import { createApp } from '../api/app';
import { appOptions } from './app-options';
import { CONSOLE_DIR, ensureConsole } from '../designer/build';
import { auditPublicKeyOf } from '../platform/audit-keys';
import { config, ConfigError } from '../platform/config';
import type { PrismaClient } from '../generated/prisma/client';
import { accountsWithDemoPassword, DEMO_PASSWORD } from '../domain/demo-passwords';
import { createPrisma } from '../platform/db/prisma';
import { connectTemporal } from '../platform/temporal/client';
import { fail, log } from '../platform/log';

async function main(): Promise<void> {
  const cfg = config();
  if (!cfg.database.url) throw new ConfigError('DATABASE_URL', 'is required by the production API (npm start runs a local database instead)');
  if (!cfg.temporal.address) throw new ConfigError('TEMPORAL_ADDRESS', 'is required by the production API (npm start runs a local Temporal instead)');
  if (!cfg.auth.jwtSecret) throw new ConfigError('GRIDCASE_JWT_SECRET', 'is required by the production API: the key that signs bearer tokens, shared by every API instance');
  const auditKey = auditPublicKeyOf(cfg);
  if (!auditKey) throw new ConfigError('GRIDCASE_AUDIT_PUBLIC_KEY', 'is required by the production API (or GRIDCASE_AUDIT_KEY): the Ed25519 public key the audit checkpoints are checked with');
  ensureConsole({ log });
  const prisma = createPrisma(cfg.database.url, { connectionLimit: 20 });
  await refuseDemoPasswords(prisma, cfg.auth.allowDemoPasswords);
  const temporal = await connectTemporal({ address: cfg.temporal.address, namespace: cfg.temporal.namespace, tls: cfg.temporal.tls, apiKey: cfg.temporal.apiKey });
  const app = createApp(appOptions(cfg, { prisma, temporal, consoleDir: CONSOLE_DIR, jwtSecret: cfg.auth.jwtSecret, auditKey }));
  const server: Server = app.listen(cfg.http.port, cfg.http.host, () => log(`API listening on ${cfg.http.host}:${cfg.http.port}`));
  const shutdown = () => {
    log('SIGTERM: draining connections …');
    server.close(() => {
      void Promise.all([prisma.$disconnect(), temporal.close()]).finally(() => process.exit(0));
    });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

/**
 * The demo seed's accounts share one published password: a production API does not start while
 * an active account still has it, unless GRIDCASE_ALLOW_DEMO_PASSWORDS=1 says this is a demo.
 */
async function refuseDemoPasswords(prisma: PrismaClient, allowed: boolean): Promise<void> {
  const n = await accountsWithDemoPassword(prisma);
  if (!n) return;
  const accounts = n === 1 ? '1 active account still has' : `${n} active accounts still have`;
  if (allowed) {
    log(`warning: ${accounts} the demo password ${DEMO_PASSWORD} (GRIDCASE_ALLOW_DEMO_PASSWORDS=1: a demo installation)`);
    return;
  }
  await prisma.$disconnect();
  throw new ConfigError(
    'GRIDCASE_ALLOW_DEMO_PASSWORDS',
    `${accounts} the demo password ${DEMO_PASSWORD}: change their passwords or disable them (PATCH /api/admin/users/{id} with "password" or "active": false), or set GRIDCASE_ALLOW_DEMO_PASSWORDS=1 for a demo installation`,
  );
}

main().catch(fail);
