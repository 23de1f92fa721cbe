/**
 * The house (README.md, "The rooms and their arrows"): every room imports only the rooms below it
 * that it names (ESLint, as `npm run lint` runs it: the ROOMS table of eslint.config.mjs), and no
 * file imports itself back through others, type-only imports included (the import graph).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { circles, importGraph, sourceFiles } from '../support/import-graph';

const root = path.resolve(__dirname, '../..');
const PRODUCT = ['cli', 'bench', 'seed', 'api', 'notify', 'activities', 'domain', 'workflows', 'process', 'core', 'platform', 'designer/src'];
const isProbe = (rel: string) => path.basename(rel).startsWith('lint-probe-');

interface LintResult {
  filePath: string;
  messages: Array<{ ruleId: string | null; line: number; message: string }>;
}

/** The project's ESLint as `npm run lint` runs it (its flat config is ESM, which jest's module sandbox cannot load). */
function eslint(args: string[]): LintResult[] {
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--format', 'json', '--ignore-pattern', '**/lint-probe-*', '--no-warn-ignored', ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0 && r.status !== 1) throw new Error(`eslint failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as LintResult[];
}

const problems = (results: LintResult[]) => results.flatMap((r) => r.messages.map((m) => `${path.relative(root, r.filePath)}:${m.line} ${m.ruleId}: ${m.message}`));

describe('the house as it is', () => {
  it('given every file of the repository, when ESLint runs, then it finds nothing (room directions, circles, workflow determinism, TypeScript rules)', () => {
    const results = eslint(['.']);
    expect(results.length).toBeGreaterThan(300);
    expect(problems(results)).toEqual([]);
  });

  it('given the product rooms, then no file reaches itself again through its imports, type-only imports included', () => {
    const files = sourceFiles(root, PRODUCT, isProbe);
    expect(files.length).toBeGreaterThan(250);
    expect(circles(importGraph(files)).map((c) => c.map((f) => path.relative(root, f)))).toEqual([]);
  });

  it('given the production code, then no file of it imports the demo seed, the benchmark or the tests, and the API imports no activity', () => {
    const graph = importGraph(sourceFiles(root, ['api', 'notify', 'activities', 'domain', 'workflows', 'process', 'core', 'platform', 'designer/src', 'cli/api.ts', 'cli/worker.ts'].filter((f) => !f.endsWith('.ts')), isProbe));
    for (const entry of ['cli/api.ts', 'cli/worker.ts']) graph.set(path.join(root, entry), importGraph([path.join(root, entry)]).get(path.join(root, entry))!);
    const edges = [...graph].flatMap(([from, tos]) => tos.map((to) => `${path.relative(root, from)} -> ${path.relative(root, to)}`));
    expect(edges.length).toBeGreaterThan(500);
    expect(edges.filter((e) => / -> (seed|bench|tests)\//.test(e))).toEqual([]);
    expect(edges.filter((e) => /^api\/.* -> activities\//.test(e))).toEqual([]);
  });
});

describe('the rules bite', () => {
  const written: string[] = [];
  const probe = (rel: string, lines: string[]) => {
    const file = path.join(root, path.dirname(rel), `lint-probe-${process.pid}-${path.basename(rel)}`);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    written.push(file);
    return file;
  };
  let results: LintResult[] = [];
  let files: Record<string, string> = {};

  beforeAll(() => {
    try {
      files = {
        core: probe('core/up.ts', ["import { config } from '../platform/config';", 'export const c = config;']),
        platform: probe('platform/up.ts', ["import { createApp } from '../api/app';", "import { seedDemo } from '../seed';", 'export const p = [createApp, seedDemo];']),
        process: probe('process/up.ts', ["import { locateGrid } from '../domain/locate';", "import { feel } from './feel';", 'export const p = [locateGrid, feel];']),
        domain: probe('domain/up.ts', ["import type { ApiDeps } from '../api/deps';", "import { createActivities } from '../activities';", "import { CASE_WORKFLOW_TYPE } from '../workflows/case-api';", 'export const d = (x: ApiDeps) => [x, createActivities, CASE_WORKFLOW_TYPE];']),
        api: probe('api/up.ts', [
          "import { createActivities } from '../activities';",
          "import { buildDemoCity } from '../seed/geo';",
          "import { Client } from '@temporalio/client';",
          "import { caseWorkflow } from '../workflows/case';",
          "import { CASE_WORKFLOW_TYPE } from '../workflows/case-api';",
          "import { locateGrid } from '../domain/locate';",
          'export const a = [createActivities, buildDemoCity, Client, caseWorkflow, CASE_WORKFLOW_TYPE, locateGrid];',
        ]),
        notify: probe('notify/up.ts', ["import { createApp } from '../api/app';", 'export const n = createApp;']),
        console: probe('designer/src/components/up.ts', ["import { createApp } from '../../../api/app';", "import { api } from '../api/client';", 'export const c = [createApp, api];']),
      };
      const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--format', 'json', ...Object.values(files)], { cwd: root, encoding: 'utf8' });
      if (r.status !== 0 && r.status !== 1) throw new Error(`eslint failed: ${r.stderr}`);
      results = JSON.parse(r.stdout) as LintResult[];
    } finally {
      written.forEach((f) => fs.rmSync(f, { force: true }));
    }
  });

  const refused = (file: string) => (results.find((r) => r.filePath === file)?.messages ?? []).filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.line);

  it('given pure code importing plumbing or I/O (core → platform, process → domain), then the room rule refuses it; modules of its own room are allowed', () => {
    expect(refused(files.core)).toEqual([1]);
    expect(refused(files.process)).toEqual([1]);
  });

  it('given plumbing importing the product (platform → api, seed), then the room rule refuses both', () => {
    expect(refused(files.platform)).toEqual([1, 2]);
  });

  it('given the shared case logic or the delivery worker importing the API or the activities, then the room rule refuses it (even as a type); the workflow contract is allowed', () => {
    expect(refused(files.domain)).toEqual([1, 2]);
    expect(refused(files.notify)).toEqual([1]);
  });

  it('given the API importing activities, the seed, the Temporal client or workflow code, then each is refused; the workflow contract and domain/ are allowed', () => {
    expect(refused(files.api)).toEqual([1, 2, 3, 4]);
  });

  it('given the console leaving designer/src by a relative path, then it is refused; its own modules are allowed', () => {
    expect(refused(files.console)).toEqual([1]);
  });

  it('given a circle held only by a type import, then the import graph finds it', () => {
    const a = path.join(root, 'x/a.ts');
    const b = path.join(root, 'x/b.ts');
    const c = path.join(root, 'x/c.ts');
    expect(circles(new Map([[a, [b]], [b, [a, c]], [c, []]]))).toEqual([[a, b]]);
    expect(circles(new Map([[a, [b]], [b, [c]], [c, []]]))).toEqual([]);
  });

  it('given two modules of the house importing each other (one by a type import only), then the graph of their imports is a circle', () => {
    const a = path.join(os.tmpdir(), `lint-probe-${process.pid}-a.ts`);
    const b = path.join(os.tmpdir(), `lint-probe-${process.pid}-b.ts`);
    fs.writeFileSync(a, `import type { B } from './${path.basename(b, '.ts')}';\nexport interface A { b?: B }\n`);
    fs.writeFileSync(b, `import { x } from './${path.basename(a, '.ts')}';\nexport const y = x;\nexport interface B { n: number }\n`);
    try {
      expect(circles(importGraph([a, b]))).toEqual([[a, b].sort()]);
    } finally {
      fs.rmSync(a, { force: true });
      fs.rmSync(b, { force: true });
    }
  });
});
