/**
 * `npm run test:faults`: the fault-injection and fuzzing suites (tests/faults/, jest.faults.config.js)
 * on PRIVATE services of their own — a MariaDB and a Temporal dev server under .data/faults/ on
 * their own ports — because the fault suite kills and restarts them. DATABASE_URL and
 * TEMPORAL_ADDRESS are ignored here: a shared server must not be stopped by a test.
 * Ends with the plain line "N passed, N failed".
 */
import path from 'node:path';
import { loadConfig } from '../platform/config';
import { fail } from '../platform/log';
import { runJest } from './jest-run';

const base = loadConfig();
const env: NodeJS.ProcessEnv = {
  GRIDCASE_DATA_DIR: process.env.GRIDCASE_FAULTS_DATA_DIR || path.join(base.dataDir, 'faults'),
  GRIDCASE_DB_PORT: process.env.GRIDCASE_FAULTS_DB_PORT || '3317',
  GRIDCASE_TEMPORAL_PORT: process.env.GRIDCASE_FAULTS_TEMPORAL_PORT || '7243',
  GRIDCASE_TEMPORAL_UI_PORT: process.env.GRIDCASE_FAULTS_TEMPORAL_UI_PORT || '8243',
  GRIDCASE_FAULTS_DB_NAME: 'gridcase_faults',
};
const cfg = loadConfig({ ...process.env, DATABASE_URL: '', DATABASE_OWNER_URL: '', GRIDCASE_AUDIT_KEY: '', TEMPORAL_ADDRESS: '', ...env });
runJest(cfg, {
  database: 'gridcase_faults',
  jestArgs: ['--config', 'jest.faults.config.js', ...process.argv.slice(2)],
  resultsName: 'faults',
  env,
  stopAfter: 'all',
  console: true,
}).then((code) => process.exit(code), fail);
