/**
 * Shared by `npm test` and `npm run test:faults`: bootstrap the services, recreate, migrate and seed
 * a database of the suite's own, run jest, and end with the plain line "N passed, N failed"
 * (from jest's JSON summary).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import mariadb from 'mariadb';
import { bootstrap, describeServices, stopService, type Services } from '../platform/bootstrap';
import { ensureApiTypes } from '../api/openapi-types';
import { ensureBrowser } from '../platform/bootstrap/browser';
import { stopPid } from '../platform/bootstrap/proc';
import { localAuditKeyText } from '../platform/audit-keys';
import type { Config } from '../platform/config';
import { connectionOptions } from '../platform/db/url';
import { log, seconds } from '../platform/log';

interface JestSummary {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numRuntimeErrorTestSuites: number;
  numTotalTests: number;
  success: boolean;
}

async function recreateDatabase(serverUrl: string, database: string): Promise<void> {
  const conn = await mariadb.createConnection(connectionOptions(serverUrl, { database: null }));
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await conn.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await conn.end();
  }
}

/**
 * `browser`: the suite drives the web console in Chromium: build the console when stale and
 * install Chromium when missing (skipped when the jest arguments name only other tests).
 * `console`: the suite starts the production API entry, which serves the console: build it
 * first, so that no entry's start-up waits on a build.
 */
export async function runJest(
  cfg: Config,
  opts: { database: string; jestArgs: string[]; resultsName: string; env?: NodeJS.ProcessEnv; stopAfter?: 'started' | 'all'; browser?: boolean; console?: boolean },
): Promise<number> {
  const t0 = Date.now();
  let services: Services | undefined;
  try {
    services = await bootstrap(cfg, { database: opts.database, log });
    ensureApiTypes(cfg.root, log);
    describeServices(services).forEach(log);

    await recreateDatabase(services.database.serverUrl, opts.database);
    const { migrate } = await import('../platform/db/migrate');
    await migrate(services.database.ownerUrl, { log: () => undefined });
    const { createPrisma } = await import('../platform/db/prisma');
    const { seedDemo } = await import('../seed');
    const prisma = createPrisma(services.database.url);
    try {
      await seedDemo(prisma);
    } finally {
      await prisma.$disconnect();
    }
    log(`test database ${opts.database} migrated and seeded; services ready in ${seconds(t0)}`);

    const browserEnv: NodeJS.ProcessEnv = {};
    const paths = opts.jestArgs.filter((a) => !a.startsWith('-'));
    const browser = opts.browser && (!paths.length || paths.some((a) => a.includes('browser')));
    if (browser || opts.console) {
      const { ensureConsole, CONSOLE_DIR } = await import('../designer/build');
      ensureConsole({ log });
      browserEnv.GRIDCASE_CONSOLE_DIR = CONSOLE_DIR;
    }
    if (browser) browserEnv.GRIDCASE_CHROMIUM = ensureBrowser(log);

    const resultsDir = path.join(cfg.dataDir, 'test-results');
    fs.mkdirSync(resultsDir, { recursive: true });
    // one file per database, so runs against different test databases never read each other's counts
    const resultsFile = path.join(resultsDir, `${opts.resultsName}-${opts.database}.json`);
    fs.rmSync(resultsFile, { force: true });
    const jest = require.resolve('jest/bin/jest', { paths: [cfg.root] });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'test',
      // the application's account, as the API and the worker run; tests that tamper use the owner explicitly
      DATABASE_URL: services.database.url,
      DATABASE_OWNER_URL: services.database.ownerUrl,
      GRIDCASE_AUDIT_KEY: cfg.audit.key ?? localAuditKeyText(cfg.dataDir),
      TEMPORAL_ADDRESS: services.temporal.address,
      TEMPORAL_NAMESPACE: services.temporal.namespace,
      GRIDCASE_TEST_LOCAL_SERVICES: [services.database.source !== 'external' ? 'database' : '', services.temporal.source !== 'external' ? 'temporal' : '']
        .filter(Boolean)
        .join(','),
      ...browserEnv,
      ...opts.env,
    };
    const r = spawnSync(process.execPath, [jest, '--json', `--outputFile=${resultsFile}`, ...opts.jestArgs], { cwd: cfg.root, env, stdio: 'inherit' });
    let summary: JestSummary | undefined;
    try {
      summary = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as JestSummary;
    } catch {
      summary = undefined;
    }
    const code = r.status ?? 1;
    if (!summary) {
      process.stdout.write('0 passed, 1 failed\n');
      return code || 1;
    }
    const failed = summary.numFailedTests + summary.numRuntimeErrorTestSuites;
    const skipped = summary.numPendingTests + summary.numTodoTests;
    log(`jest finished in ${seconds(t0)} (including bootstrap)`);
    process.stdout.write(`${summary.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
    return failed > 0 ? code || 1 : code;
  } finally {
    if (services && !cfg.keepServices) {
      if (opts.stopAfter === 'all') {
        // the suite may have restarted the services: stop whatever runs under this data directory now
        for (const name of ['temporal', 'mariadb'] as const) await stopService(cfg.dataDir, name);
      } else {
        // leave nothing behind that this run started (services it merely reused keep running)
        await Promise.all(
          [services.temporal.startedPid, services.database.startedPid].filter((p): p is number => p !== undefined).map((p) => stopPid(p, 60_000)),
        );
        for (const f of ['temporal.pid', 'mariadb.pid']) {
          const file = path.join(cfg.dataDir, 'run', f);
          const started = [services.temporal.startedPid, services.database.startedPid].map(String);
          if (fs.existsSync(file) && started.includes(fs.readFileSync(file, 'utf8').trim())) {
            fs.rmSync(file);
            fs.rmSync(file.replace(/\.pid$/, '.kind'), { force: true });
          }
        }
      }
    }
  }
}
