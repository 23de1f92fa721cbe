// Lint: TypeScript everywhere; the rooms of the house and the one way their imports run;
// determinism rules for workflow code (it is replayed by Temporal).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The rooms, from the top down (README.md, "The rooms and their arrows", draws the same table):
 * each may import only the rooms it names, besides npm packages. `workflows/*-api.ts` are the
 * workflow contracts: a room that may name them may not name workflow code.
 */
const ROOMS = {
  cli: { job: 'entry points: start, test, api, worker, bench, faults, stop, operator commands', may: '*' },
  bench: { job: 'the benchmark (a harness, like tests/)', may: ['api', 'seed', 'notify', 'activities', 'workflows', 'domain', 'process', 'core', 'platform', 'designer', 'generated', 'schema', 'diagrams'] },
  seed: { job: 'the demo city, its people and processes', may: ['api', 'domain', 'process', 'core', 'platform', 'generated', 'schema', 'diagrams'] },
  api: { job: 'HTTP: routes, middleware, services, the OpenAPI document', may: ['notify', 'workflows/*-api', 'domain', 'process', 'core', 'platform', 'generated', 'schema'] },
  notify: { job: 'delivery of notifications (in-app, SMS)', may: ['core', 'platform', 'generated'] },
  activities: { job: 'the Temporal activities and the worker that runs them with the workflows', may: ['workflows/*-api', 'domain', 'process', 'core', 'platform', 'generated'] },
  domain: { job: 'case logic with I/O shared by the API, the activities, the seed and the tools', may: ['workflows/case-api', 'process', 'core', 'platform', 'generated'] },
  workflows: { job: 'workflow code (deterministic, replayed) and its contracts (*-api.ts)', may: ['process', 'core'] },
  process: { job: 'the pure BPMN core: compiler, lint, interpreter, business time, FEEL', may: ['core', 'schema'] },
  core: { job: 'pure rules: geometry, coordinate systems, roles, the audit hash chain', may: [] },
  platform: { job: 'plumbing: configuration, bootstrap, database, Temporal connection, storage, keys', may: ['generated'] },
};
const HOUSE = ['cli', 'bench', 'seed', 'api', 'notify', 'activities', 'domain', 'workflows', 'process', 'core', 'platform', 'designer', 'generated', 'schema', 'diagrams', 'tests'];

/** `../`-relative specifiers that leave a room for `other` (a room's own folders bear none of these names). */
const into = (other, rest = '(/.*)?') => `^(\\.\\./)+${other}${rest}$`;

/** The no-restricted-imports patterns that keep a room to what it may import. */
function roomPatterns(room) {
  const { job, may } = ROOMS[room];
  if (may === '*') return [];
  const message = `${room}/ (${job}) may import only ${may.length ? may.map((m) => (m.includes('/') ? `${m}.ts` : `${m}/`)).join(', ') : 'npm packages'}.`;
  const patterns = [];
  for (const other of HOUSE) {
    if (other === room || may.includes(other)) continue;
    const contract = may.find((m) => m.startsWith(`${other}/`));
    if (contract === 'workflows/*-api') patterns.push({ regex: into(other, '(/(?![a-z-]+-api$)[^/]*)?/?'), message });
    else if (contract) patterns.push({ regex: into(other, `(/(?!${contract.slice(other.length + 1)}$)[^/]*)?/?`), message });
    else patterns.push({ regex: into(other), message });
  }
  return patterns;
}

/** Workflow code is replayed: what it may not import whatever its room allows. */
const DETERMINISM_PATTERNS = [
  { group: ['node:*'], message: 'Workflow code is replayed: no Node built-ins.' },
  { regex: '^(fs|path|os|crypto|http|https|net|child_process|worker_threads|timers)(/.*)?$', message: 'Workflow code is replayed: no Node built-ins.' },
  { group: ['@prisma/*', 'mariadb'], message: 'Workflow code does no I/O: use an activity.' },
  { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity'], message: 'Workflow code uses @temporalio/workflow only.' },
];

/** One block per room (workflow code and the pure core add the determinism patterns). */
function roomBlocks() {
  const blocks = Object.keys(ROOMS)
    .filter((room) => ROOMS[room].may !== '*')
    .map((room) => {
      const patterns = [...(room === 'workflows' || room === 'process' ? DETERMINISM_PATTERNS : []), ...roomPatterns(room)];
      const paths = room === 'api' ? [{ name: '@temporalio/client', message: 'The API reaches Temporal only through api/case-workflows.ts.' }] : [];
      return {
        files: [`${room}/**/*.ts`],
        ignores: room === 'api' ? ['api/case-workflows.ts'] : [],
        rules: { 'no-restricted-imports': 'off', '@typescript-eslint/no-restricted-imports': ['error', { patterns, paths }] },
      };
    });
  // the production entry points run without the demo seed and the benchmark
  blocks.push({
    files: ['cli/api.ts', 'cli/worker.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: ['seed', 'bench'].map((r) => ({ regex: into(r), message: 'A production entry point does not import the demo seed or the benchmark.' })) }] },
  });
  // the console runs in a browser: it leaves designer/ only through its aliases (@process, @schema,
  // @generated/openapi, @diagrams), never by a relative path out of designer/src
  for (let depth = 0; depth < 5; depth++) {
    blocks.push({
      files: [`designer/src/${'*/'.repeat(depth)}*.ts`],
      rules: {
        '@typescript-eslint/no-restricted-imports': [
          'error',
          { patterns: [{ regex: `^(\\.\\./){${depth + 1},}`, message: 'The console leaves designer/src only through its aliases (@process, @schema, @generated/openapi, @diagrams).' }, { group: ['@generated/prisma/**'], message: 'The console talks to the API only.' }] },
        ],
      },
    });
  }
  return blocks;
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'generated/**', '.data/**', '.tools/**', 'designer/dist/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...roomBlocks(),
  {
    files: ['scripts/**/*.js', 'jest.config.js', 'jest.faults.config.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // workflow code, and the pure process modules: those it imports, and the compiler with its lint
    // configuration and plugin, which the designer bundles for the browser (deployment runs on the server)
    files: ['workflows/**/*.ts', 'process/**/*.ts'],
    ignores: ['process/**/*.d.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Use workflow time (the SDK’s deterministic Date) via a helper, not Date.now().' },
        { object: 'Math', property: 'random', message: 'Use uuid4() from @temporalio/workflow, not Math.random().' },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() in a loop from @temporalio/workflow.' },
        { name: 'process', message: 'No environment access in workflow code.' },
      ],
    },
  },
);
