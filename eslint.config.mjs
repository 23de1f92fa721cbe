// Lint: TypeScript everywhere; determinism rules for workflow code (it is replayed by Temporal).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
  {
    files: ['scripts/**/*.js', 'jest.config.js', 'jest.faults.config.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // workflow code, and the pure process modules: those it imports, and the compiler with its lint
    // configuration and plugin, which the designer bundles for the browser (deployment runs on the server)
    files: ['workflows/**/*.ts', 'process/**/*.ts'],
    ignores: ['api/services/admin/deploy.ts', 'process/**/*.d.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'Workflow code is replayed: no Node built-ins.' },
            { regex: '^(fs|path|os|crypto|http|https|net|child_process|worker_threads|timers)(/.*)?$', message: 'Workflow code is replayed: no Node built-ins.' },
            { group: ['@prisma/*', '**/generated/**', 'mariadb'], message: 'Workflow code does no I/O: use an activity.' },
            { group: ['**/api/**', '**/platform/**'], message: 'Workflow code may import only @temporalio/workflow and pure modules.' },
            { group: ['**/activities', '**/activities/**'], allowTypeImports: true, message: 'Import activities as types only and call them through proxyActivities.' },
            { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity'], message: 'Workflow code uses @temporalio/workflow only.' },
          ],
        },
      ],
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
