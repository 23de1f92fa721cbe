// `npm run test:faults`: fault injection under load and the property-based fuzzer (tests/faults/),
// one suite at a time (the fault suite stops and restarts the services the others use).
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ['<rootDir>/tests/faults/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
  testTimeout: 600_000,
};
