/** What the test runner (cli/test.ts) resolved: real services, already migrated and seeded. */
import type { PrismaClient } from '../../generated/prisma/client';
import { parseAuditKey } from '../../platform/audit-keys';
import { loadConfig } from '../../platform/config';
import { createPrisma } from '../../platform/db/prisma';
import { connectTemporal, type TemporalHandle } from '../../platform/temporal/client';

export function testServices() {
  const cfg = loadConfig();
  if (!cfg.database.url || !cfg.temporal.address) {
    throw new Error('run the tests with `npm test`: it starts Temporal and MySQL and sets DATABASE_URL and TEMPORAL_ADDRESS');
  }
  return {
    cfg,
    /** the application's account (rows only), as the API and the worker use it */
    databaseUrl: cfg.database.url,
    /** the schema owner (creates and drops databases, migrates; what an attacker holding it could do) */
    ownerUrl: cfg.database.ownerUrl ?? cfg.database.url,
    temporal: { address: cfg.temporal.address, namespace: cfg.temporal.namespace, tls: cfg.temporal.tls, apiKey: cfg.temporal.apiKey },
    /** the audit checkpoint key the runner exported (GRIDCASE_AUDIT_KEY) */
    auditKey: cfg.audit.key ? parseAuditKey(cfg.audit.key) : undefined,
    /** Which services the runner manages locally (so tests may exercise the local bootstrap). */
    local: (process.env.GRIDCASE_TEST_LOCAL_SERVICES ?? '').split(',').filter(Boolean),
  };
}

/** A Prisma client on the test database and a Temporal client, closed together. */
export async function connectServices(): Promise<{ prisma: PrismaClient; temporal: TemporalHandle; close: () => Promise<void> }> {
  const env = testServices();
  const prisma = createPrisma(env.databaseUrl);
  const temporal = await connectTemporal(env.temporal);
  return {
    prisma,
    temporal,
    close: async () => {
      await Promise.all([prisma.$disconnect(), temporal.close()]);
    },
  };
}

export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}
