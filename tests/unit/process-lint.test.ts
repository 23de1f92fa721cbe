/**
 * The one lint configuration (process/lint-config.ts) and GridCase's bpmnlint plugin
 * (process/lint-plugin): the designer's live lint (bpmn-js-bpmnlint, `new Linter({ config,
 * resolver })` over the tree bpmn-js edits) runs the very rules, with the very settings, that the
 * server's compiler runs, so the two cannot disagree. Checked here: the shared modules bundle for
 * the browser without a Node built-in; the static resolver knows every rule its configs name;
 * linting the reference processes, broken fixtures and third-party diagrams through bpmnlint's
 * Linter finds exactly what compileBpmn reports; and a tree edited after a lint is linted afresh.
 */
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { Linter } from 'bpmnlint';
import bpmnlintRecommended from 'bpmnlint/config/recommended';
import { build } from 'esbuild';
import { compileBpmn, compileDefinitions, GRIDCASE_RULES, parseBpmn } from '../../process/compiler';
import lintConfig, { BPMNLINT_RULES, config, resolver } from '../../process/lint-config';
import gridcase from '../../process/lint-plugin';
import { compiledFor } from '../../process/lint-plugin/cache';

const root = path.resolve(__dirname, '../..');
const PROCESSES_DIR = path.join(root, 'diagrams');
const FIXTURES_DIR = path.join(root, 'tests', 'fixtures', 'bpmn');
const MIWG_DIR = path.join(FIXTURES_DIR, 'miwg');

const bpmnFiles = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.bpmn')) : []).map((f) => path.join(dir, f));

/** Every diagram there is to lint: the reference processes, the fixtures (but the one that is not XML) and the MIWG diagrams. */
const corpus = [...bpmnFiles(PROCESSES_DIR), ...bpmnFiles(FIXTURES_DIR).filter((f) => !f.endsWith('not-a-diagram.bpmn')), ...bpmnFiles(MIWG_DIR)];

/** An issue as both sides can state it: element id, message, severity and the rule's lint name. */
type Seen = { element: string; message: string; severity: string; rule: string };

/** Linter reports, as the designer's overlays would show them (error and warn only), by rule. */
function fromReports(reports: Awaited<ReturnType<Linter['lint']>>, definitionsId: string): Seen[] {
  const seen: Seen[] = [];
  for (const [name, list] of Object.entries(reports)) {
    for (const r of list) {
      expect(r.category).not.toBe('rule-error');
      if (r.category !== 'error' && r.category !== 'warn') continue;
      seen.push({ element: r.id ?? definitionsId, message: r.message, severity: r.category === 'error' ? 'error' : 'warning', rule: name.includes('/') ? name : `bpmnlint/${name}` });
    }
  }
  return seen;
}

const unique = (issues: Seen[]) => [...new Set(issues.map((i) => JSON.stringify(i)))].sort();

async function lintLikeTheDesigner(definitions: object) {
  // bpmn-js-bpmnlint: linting.bpmnlint = { config, resolver }; a new Linter for every lint.
  return new Linter(lintConfig).lint(definitions);
}

describe('the shared modules run in a browser', () => {
  const builtins = new Set(builtinModules);

  it.each(['process/lint-config.ts', 'process/compiler.ts'])('given %s, when bundled for the browser, then nothing it reaches imports a Node built-in', async (entry) => {
    const nodeImports: string[] = [];
    const result = await build({
      entryPoints: [path.join(root, entry)],
      absWorkingDir: root,
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
      plugins: [
        {
          name: 'no-node-built-ins',
          setup(b) {
            b.onResolve({ filter: /.*/ }, (args) => {
              if (!args.path.startsWith('node:') && !builtins.has(args.path.split('/')[0])) return undefined;
              nodeImports.push(`${path.relative(root, args.importer)} imports ${args.path}`);
              return { path: args.path, external: true };
            });
          },
        },
      ],
    });
    expect(nodeImports).toEqual([]);
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    // the walk did reach the plugin, the compiler proper and bpmnlint's rules
    expect(inputs).toEqual(expect.arrayContaining(['process/lint-plugin/index.ts', 'process/lint-plugin/compile.ts', 'process/lint-plugin/rules/reachable.ts', 'node_modules/bpmnlint/rules/no-bpmndi.js']));
    // and none of GridCase's server modules
    expect(inputs.filter((i) => /^(api|platform|domain|activities|workflows|notify|cli|generated)\//.test(i))).toEqual([]);
  });
});

describe('the lint configuration (process/lint-config.ts)', () => {
  it('given its default export, then it is { config, resolver }, as bpmn-js-bpmnlint takes it', () => {
    expect(lintConfig).toEqual({ config, resolver });
    expect(config.extends).toEqual(['bpmnlint:recommended', 'plugin:gridcase/recommended']);
    expect(config.rules).toEqual({ 'no-inclusive-gateway': 'off', 'label-required': 'warn' });
  });

  it("given bpmnlint's recommended config, then the resolver returns that config and every rule it names, as bpmnlint ships them", () => {
    expect(resolver.resolveConfig('bpmnlint', 'recommended')).toBe(bpmnlintRecommended);
    const named = Object.keys(bpmnlintRecommended.rules ?? {});
    expect(Object.keys(BPMNLINT_RULES).sort()).toEqual(named.sort());
    for (const rule of named) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      expect(resolver.resolveRule('bpmnlint', rule)).toBe(require(`bpmnlint/rules/${rule}`));
    }
  });

  it('given the gridcase plugin, then its recommended config turns every GridCase rule on as an error, and the resolver returns each rule', () => {
    expect(resolver.resolveConfig('bpmnlint-plugin-gridcase', 'recommended')).toBe(gridcase.configs.recommended);
    expect(gridcase.configs.recommended.rules).toEqual(Object.fromEntries(GRIDCASE_RULES.map((r) => [r, 'error'])));
    expect(Object.keys(gridcase.rules).sort()).toEqual([...GRIDCASE_RULES].sort());
    for (const rule of GRIDCASE_RULES) expect(resolver.resolveRule('bpmnlint-plugin-gridcase', rule)).toBe(gridcase.rules[rule]);
  });

  it('given a rule or config it does not know, then the resolver refuses it', () => {
    expect(() => resolver.resolveRule('bpmnlint', 'no-such-rule')).toThrow(/unknown rule/);
    expect(() => resolver.resolveConfig('bpmnlint', 'all')).toThrow(/unknown config/);
  });

  it('given the resolved configuration, then every rule bpmnlint will run is one the resolver knows', async () => {
    const linter = new Linter({ config, resolver });
    const rules = await linter.resolveRules(config);
    expect(rules.map((r) => r.name).sort()).toEqual([...Object.keys(BPMNLINT_RULES).filter((r) => r !== 'no-inclusive-gateway'), ...GRIDCASE_RULES.map((r) => `gridcase/${r}`)].sort());
  });
});

describe('the gridcase plugin rules', () => {
  it('given a rule, when bpmnlint walks the tree, then it reports on the root bpmn:Definitions and stops the walk there', async () => {
    const { definitions } = await parseBpmn(fs.readFileSync(path.join(FIXTURES_DIR, 'user-task-without-assignee.bpmn'), 'utf8'));
    const rule = gridcase.rules['user-task-assignee']();
    const reported: unknown[] = [];
    const reporter = { report: (...args: unknown[]) => reported.push(args) };
    const check = rule.check as (node: unknown, reporter: unknown) => boolean | void;
    expect(check(definitions.rootElements[0], reporter)).toBeUndefined();
    expect(reported).toEqual([]);
    expect(check(definitions, reporter)).toBe(false);
    expect(reported).toEqual([['Task_Handle', 'the user task has no assignee rule (grid:assignee, e.g. tier:current or department:CG)', { elementType: 'bpmn:UserTask' }]]);
  });

  it('given one tree, then the rules of one lint share one compile, and it is forgotten once that lint is over', async () => {
    const { definitions } = await parseBpmn(fs.readFileSync(path.join(PROCESSES_DIR, 'standard-closed-loop.bpmn'), 'utf8'));
    const first = compiledFor(definitions);
    expect(compiledFor(definitions)).toBe(first);
    await Promise.resolve();
    const next = compiledFor(definitions);
    expect(next).not.toBe(first);
    expect(next).toEqual(first);
  });
});

describe('the designer and the server find the same issues', () => {
  it('given the corpus, then it holds the reference processes, the broken fixtures and the MIWG diagrams', () => {
    const names = corpus.map((f) => path.basename(f));
    expect(names).toEqual(expect.arrayContaining(['standard-closed-loop.bpmn', 'dual-dispatch.bpmn', 'dispute-mediation.bpmn', 'emergency.bpmn']));
    expect(names).toEqual(
      expect.arrayContaining([
        'user-task-without-assignee.bpmn',
        'gateway-problems.bpmn',
        'unsupported-elements.bpmn',
        'unreachable-and-stranded.bpmn',
        'task-attributes.bpmn',
        'not-drawn.bpmn',
        'unnamed-inclusive-gateways.bpmn',
      ]),
    );
    expect(names.filter((n) => n.includes('__')).length).toBeGreaterThanOrEqual(7);
  });

  it.each(corpus.map((f) => [path.relative(root, f), f]))(
    'given %s, when linted through bpmnlint’s Linter with the shared configuration, then the issues are those compileBpmn reports',
    async (_name, file) => {
      const xml = fs.readFileSync(file, 'utf8');
      const result = await compileBpmn(xml);
      const { definitions } = await parseBpmn(xml);
      const linted = fromReports(await lintLikeTheDesigner(definitions), definitions.id);
      const compiled = [...(result.ok ? [] : result.errors), ...result.warnings].filter((i) => i.rule !== 'parse').map(({ element, message, severity, rule }) => ({ element, message, severity, rule }));
      expect(unique(linted)).toEqual(unique(compiled));
      expect(result.ok).toBe(!linted.some((i) => i.severity === 'error'));
    },
  );

  it('given the broken fixtures, then between them every family of GridCase rules and bpmnlint rules is seen, so the comparison above means something', async () => {
    const rules = new Set<string>();
    for (const file of corpus.filter((f) => f.startsWith(FIXTURES_DIR))) {
      const r = await compileBpmn(fs.readFileSync(file, 'utf8'));
      for (const i of [...(r.ok ? [] : r.errors), ...r.warnings]) rules.add(i.rule);
    }
    expect([...rules].sort()).toEqual(
      expect.arrayContaining([
        'bpmnlint/label-required',
        'bpmnlint/no-bpmndi',
        'bpmnlint/no-implicit-start',
        'gridcase/condition',
        'gridcase/conditional-flow',
        'gridcase/form',
        'gridcase/gateway-default',
        'gridcase/grid-attributes',
        'gridcase/model-schema',
        'gridcase/reachable',
        'gridcase/reaches-end',
        'gridcase/service-task-action',
        'gridcase/supported',
        'gridcase/timer',
        'gridcase/user-task-assignee',
        'gridcase/user-task-deadline',
      ]),
    );
  });

  it('given a reference process, then compileDefinitions on the parsed tree gives the model compileBpmn gives, without issues', async () => {
    const xml = fs.readFileSync(path.join(PROCESSES_DIR, 'dual-dispatch.bpmn'), 'utf8');
    const result = await compileBpmn(xml);
    const { definitions } = await parseBpmn(xml);
    const compiled = compileDefinitions(definitions);
    expect(compiled.issues).toEqual([]);
    expect(result.ok && result.model).toEqual(compiled.model);
  });

  it('given a broken fixture, then compileDefinitions tags each issue with the gridcase rule that reports it, as compileBpmn does', async () => {
    const xml = fs.readFileSync(path.join(FIXTURES_DIR, 'task-attributes.bpmn'), 'utf8');
    const result = await compileBpmn(xml);
    const { definitions } = await parseBpmn(xml);
    expect(result.ok).toBe(false);
    expect(compileDefinitions(definitions).issues).toEqual(result.ok ? [] : result.errors.filter((i) => i.rule.startsWith('gridcase/')));
  });
});

describe('the live tree the designer edits', () => {
  it('given a tree linted, edited, then linted again, then the second lint sees the edit (no compile is kept from the first)', async () => {
    const { definitions } = await parseBpmn(fs.readFileSync(path.join(FIXTURES_DIR, 'user-task-without-assignee.bpmn'), 'utf8'));
    const proc = definitions.rootElements.find((e: { $type: string }) => e.$type === 'bpmn:Process');
    const task = proc.flowElements.find((e: { id: string }) => e.id === 'Task_Handle');
    const gridcaseIssues = async () => fromReports(await lintLikeTheDesigner(definitions), definitions.id).filter((i) => i.rule.startsWith('gridcase/'));

    expect(await gridcaseIssues()).toContainEqual(expect.objectContaining({ element: 'Task_Handle', rule: 'gridcase/user-task-assignee' }));

    // what the properties panel does: set the attribute through moddle
    task.set('grid:assignee', 'tier:current');
    expect(await gridcaseIssues()).toEqual([]);

    task.set('grid:deadline', 'soon');
    expect(await gridcaseIssues()).toEqual([
      { element: 'Task_Handle', message: 'grid:deadline "soon" is not an ISO 8601 duration (PT30M, PT8H, P3D) or "category"', severity: 'error', rule: 'gridcase/user-task-deadline' },
    ]);
  });

  it('given two lints of the same tree at once, then both report the same', async () => {
    const { definitions } = await parseBpmn(fs.readFileSync(path.join(FIXTURES_DIR, 'gateway-problems.bpmn'), 'utf8'));
    const [a, b] = await Promise.all([lintLikeTheDesigner(definitions), lintLikeTheDesigner(definitions)]);
    expect(fromReports(a, definitions.id)).toEqual(fromReports(b, definitions.id));
  });
});
