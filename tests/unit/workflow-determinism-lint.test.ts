/** Workflow code is replayed by Temporal: the lint rules that keep it deterministic must bite. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

interface LintResult {
  filePath: string;
  messages: Array<{ ruleId: string | null; line: number; message: string }>;
}

const badProbe = path.join(root, 'workflows', `lint-probe-bad-${process.pid}.ts`);
const goodProbe = path.join(root, 'workflows', `lint-probe-good-${process.pid}.ts`);

describe('determinism lint for workflows/', () => {
  let results: LintResult[] = [];

  beforeAll(() => {
    fs.writeFileSync(
      badProbe,
      [
        "import fs from 'node:fs';",
        "import { createActivities } from '../activities';",
        "import { PrismaClient } from '../generated/prisma/client';",
        "import { sleep } from '@temporalio/workflow';",
        "import type { Activities } from '../activities';",
        'export async function bad(): Promise<number> {',
        '  sleep(1000);',
        '  setTimeout(() => undefined, 10);',
        '  return Date.now() + Math.random() + fs.readFileSync("x").length + String(createActivities).length + String(PrismaClient).length;',
        '}',
        'export type Acts = Activities;',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(
      goodProbe,
      [
        "import { proxyActivities } from '@temporalio/workflow';",
        "import type { NoticeActivities } from './notice-api';",
        "const acts = proxyActivities<NoticeActivities>({ startToCloseTimeout: '1 minute' });",
        'export async function ok(): Promise<number[]> {',
        '  return acts.resolveNoticeRecipients({ orgUnitId: 1, roles: [] });',
        '}',
        '',
      ].join('\n'),
    );
    try {
      // The project's ESLint as `npm run lint` runs it (its flat config is ESM, which jest's module sandbox cannot load).
      const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--format', 'json', 'workflows'], { cwd: root, encoding: 'utf8' });
      if (r.status !== 0 && r.status !== 1) throw new Error(`eslint failed: ${r.stderr}`);
      results = JSON.parse(r.stdout) as LintResult[];
    } finally {
      fs.rmSync(badProbe, { force: true });
      fs.rmSync(goodProbe, { force: true });
    }
  });

  const of = (file: string) => results.find((r) => r.filePath === file)?.messages ?? [];

  it('passes on the workflow code as it is', () => {
    const problems = results
      .filter((r) => r.filePath !== badProbe && r.filePath !== goodProbe)
      .flatMap((r) => r.messages.map((m) => `${path.relative(root, r.filePath)}:${m.line} ${m.ruleId}: ${m.message}`));
    expect(results.length).toBeGreaterThan(2);
    expect(problems).toEqual([]);
  });

  it('rejects I/O, clocks, randomness, any import of activities (even as types) or Prisma, and floating promises', () => {
    const messages = of(badProbe);
    expect(new Set(messages.map((m) => m.ruleId))).toEqual(
      new Set(['@typescript-eslint/no-restricted-imports', '@typescript-eslint/no-floating-promises', 'no-restricted-properties', 'no-restricted-globals']),
    );
    expect(messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.line)).toEqual([1, 2, 3, 5]);
  });

  it('allows calling activities through proxyActivities, typed by the workflow contract (workflows/*-api.ts)', () => {
    expect(results.some((r) => r.filePath === goodProbe)).toBe(true);
    expect(of(goodProbe)).toEqual([]);
  });
});
