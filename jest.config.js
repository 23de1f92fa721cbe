// ESM-only packages (bpmn-moddle and feelin with their dependencies) are compiled to CommonJS for jest.
const esmPackages = ['bpmn-moddle', 'moddle', 'moddle-xml', 'saxen', 'min-dash', 'feelin', 'lezer-feel', '@lezer', '@bpmn-io', 'temporal-polyfill', 'temporal-utils', 'jose'];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  // the fault-injection and fuzzing suites run with `npm run test:faults` (jest.faults.config.js)
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/faults/'],
  transform: {
    '^.+\\.tsx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
    '/node_modules/.+\\.m?js$': ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  testTimeout: 120_000,
  maxWorkers: 2,
  // Workflow bundles and native connections take a moment to close after the last test.
  forceExit: true,
};
