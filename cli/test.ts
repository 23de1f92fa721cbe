/**
 * `npm test`: the same bootstrap as `npm start` with a separate, freshly created test database,
 * then jest. Ends with the plain line "N passed, N failed" (from jest's JSON summary).
 */
import { config } from '../platform/config';
import { fail } from '../platform/log';
import { runJest } from './jest-run';

const cfg = config();
runJest(cfg, { database: cfg.database.testName, jestArgs: process.argv.slice(2), resultsName: 'jest', browser: true }).then((code) => process.exit(code), fail);
