/** What the test runner (platform/cli/test.ts) resolved: real services, already migrated and seeded. */
import { loadConfig } from '../../platform/config';

export function testServices() {
  const cfg = loadConfig();
  if (!cfg.database.url || !cfg.temporal.address) {
    throw new Error('run the tests with `npm test`: it starts Temporal and MySQL and sets DATABASE_URL and TEMPORAL_ADDRESS');
  }
  return {
    cfg,
    databaseUrl: cfg.database.url,
    /** Server URL without a database, for tests that create their own throwaway databases. */
    databaseServerUrl: process.env.GRIDCASE_DATABASE_SERVER_URL ?? '',
    temporal: { address: cfg.temporal.address, namespace: cfg.temporal.namespace, tls: cfg.temporal.tls, apiKey: cfg.temporal.apiKey },
    /** Which services the runner manages locally (so tests may exercise the local bootstrap). */
    local: (process.env.GRIDCASE_TEST_LOCAL_SERVICES ?? '').split(',').filter(Boolean),
  };
}

export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}
