/**
 * Compiled gateway conditions (process/feel.ts compileCondition → process/condition.ts): the tree
 * the compiler stores on a flow must decide exactly as feelin does, `evaluate(expression,
 * vars).value === true`, so a case takes the same flows whether its model carries trees or not.
 * Differential: every condition of diagrams/*.bpmn and a generated set of expressions, over
 * variable sets with missing names, null, strings (numeric ones too), numbers, booleans, lists
 * and contexts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { evaluate, parseExpression } from 'feelin';
import { compileBpmn } from '../../process/compiler';
import { conditionHolds, evaluateTree, plainNames } from '../../process/condition';
import { compileCondition, evaluateCondition, withConditionTrees } from '../../process/feel';
import type { FeelTree, ProcessModel } from '../../process/model';

const DIAGRAMS = path.resolve(__dirname, '../../diagrams');

/** Every condition body in the reference diagrams, as the compiler reads it. */
function diagramConditions(): string[] {
  const found = new Set<string>();
  for (const file of fs.readdirSync(DIAGRAMS).filter((f) => f.endsWith('.bpmn'))) {
    const xml = fs.readFileSync(path.join(DIAGRAMS, file), 'utf8');
    for (const m of xml.matchAll(/<bpmn:conditionExpression[^>]*>([\s\S]*?)<\/bpmn:conditionExpression>/g)) {
      const body = m[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&').trim();
      found.add(body.startsWith('=') ? body.slice(1).trim() : body);
    }
  }
  return [...found];
}

/** Variable sets: each name missing, null, or a value of every kind the case variables can hold. */
const VALUES: unknown[] = [null, true, false, 0, 1, 2, 3, -1, 2.5, '', 'reject', 'agreed', 'failed', 'duplicate', '2', '10', 'abc', [], ['reject'], [1, 2], [1], { b: 1 }, { b: 'x', c: { d: 2 } }, {}];
const NAMES = ['outcome', 'attempt', 'reworkCount', 'severity', 'x', 'y', 'a'];

function seeded(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function variableSets(count: number, rand: () => number): Record<string, unknown>[] {
  const sets: Record<string, unknown>[] = [{}];
  // every value for each name alone
  for (const n of NAMES) for (const v of VALUES) sets.push({ [n]: v });
  // then random mixtures, some names left out
  for (let i = 0; i < count; i++) {
    const vars: Record<string, unknown> = {};
    for (const n of NAMES) if (rand() < 0.7) vars[n] = VALUES[Math.floor(rand() * VALUES.length)];
    sets.push(vars);
  }
  return sets;
}

/** Random expressions from the grammar the tree holds, plus a few it does not. */
function expressions(count: number, rand: () => number): string[] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const literal = () => pick(['"reject"', '"failed"', '""', '"2"', '"abc"', '0', '1', '2', '-1', '2.5', '10', 'true', 'false', 'null']);
  const name = () => (rand() < 0.15 ? `${pick(NAMES)}.${pick(['b', 'c', 'd'])}` : rand() < 0.05 ? `${pick(NAMES)}.c.d` : pick(NAMES));
  const operand = (depth: number): string => {
    const r = rand();
    if (depth > 0 && r < 0.2) return `${operand(depth - 1)} ${pick(['+', '-', '*', '/', '**'])} ${operand(depth - 1)}`;
    if (depth > 0 && r < 0.25) return `(${operand(depth - 1)})`;
    if (depth > 0 && r < 0.28) return `-${name()}`;
    return r < 0.6 ? name() : literal();
  };
  const test = (depth: number): string => {
    const r = rand();
    if (depth > 0 && r < 0.2) return `${test(depth - 1)} and ${test(depth - 1)}`;
    if (depth > 0 && r < 0.35) return `${test(depth - 1)} or ${test(depth - 1)}`;
    if (depth > 0 && r < 0.42) return `not(${test(depth - 1)})`;
    if (depth > 0 && r < 0.47) return `(${test(depth - 1)})`;
    if (r < 0.55) return name();
    if (r < 0.6) return literal();
    return `${operand(2)} ${pick(['=', '!=', '<', '<=', '>', '>='])} ${operand(2)}`;
  };
  const out = new Set<string>();
  while (out.size < count) out.add(test(3));
  return [...out];
}

const feelin = (expression: string, vars: Record<string, unknown>) => evaluateCondition(expression, vars);

describe('compiled conditions decide as feelin does', () => {
  const rand = seeded(15);
  const sets = variableSets(60, rand);

  it('given every condition of the reference diagrams, when compiled, then each has a tree and it decides as feelin over every variable set', () => {
    const conditions = diagramConditions();
    expect(conditions).toEqual(expect.arrayContaining(['outcome = "reject"', 'outcome = "failed" and attempt < 2', 'reworkCount > 0']));
    const mismatches: string[] = [];
    for (const c of conditions) {
      const tree = compileCondition(c);
      expect(tree).not.toBeNull();
      for (const vars of sets) if (evaluateTree(tree as FeelTree, vars) !== feelin(c, vars)) mismatches.push(`${c} with ${JSON.stringify(vars)}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('given generated expressions (names, paths, literals, comparisons, and/or/not, arithmetic), when compiled, then every tree decides as feelin over every variable set', () => {
    const exprs = expressions(300, rand);
    const mismatches: string[] = [];
    let compiled = 0;
    let held = 0;
    for (const e of exprs) {
      const tree = compileCondition(e);
      if (!tree) continue;
      compiled++;
      for (const vars of sets) {
        const want = feelin(e, vars);
        if (want) held++;
        if (evaluateTree(tree, vars) !== want && mismatches.length < 20) mismatches.push(`${e} with ${JSON.stringify(vars)}: feelin ${want}`);
      }
    }
    expect(mismatches).toEqual([]);
    // the generator is not vacuous: nearly every expression compiles, and many hold somewhere
    expect(compiled).toBeGreaterThan(exprs.length * 0.95);
    expect(held).toBeGreaterThan(500);
  });

  it('given a tree whose answer is wrong, then the comparison notices it (the differential test can fail)', () => {
    const wrong: FeelTree = ['cmp', '<=', ['var', 'attempt'], ['lit', 2]]; // for `attempt < 2`
    expect(sets.some((vars) => evaluateTree(wrong, vars) !== feelin('attempt < 2', vars))).toBe(true);
  });

  it('given expressions the tree cannot hold, when compiled, then there is no tree (feelin decides them in the workflow)', () => {
    for (const e of ['outcome in ["a", "b"]', 'severity between 1 and 3', 'if x then true else false', 'count(xs) > 1', 'date("2024-01-01") > d', '[1, 2] = x', '{a: 1}.a = 1', 'x instance of number', 'some v in xs satisfies v > 1', 'string = "x"', `x = 1${'0'.repeat(400)}`])
      expect([e, compileCondition(e)]).toEqual([e, null]);
  });

  it('given the trees, then JSON carries them unchanged (they are stored in the model and in workflow inputs)', () => {
    for (const e of [...diagramConditions(), 'a.b.c >= -2.5 or not(x != "y")', '-x + 3 ^ 2 > 0']) {
      const tree = compileCondition(e) as FeelTree;
      expect(tree).not.toBeNull();
      expect(JSON.parse(JSON.stringify(tree))).toEqual(tree);
    }
  });
});

describe('variable names that change how feelin parses', () => {
  it('given only plain names (identifiers, built-in function names, Chinese), then feelin parses every generated expression as with no variables', () => {
    const rand = seeded(7);
    const plain = { outcome: 1, attempt: 2, x: { b: { c: 1 }, c: [{ d: 1 }] }, count: 1, string: 'x', 处置结果: 'ok', y: [{ and2: 1 }], a: null };
    expect(plainNames(plain, 0)).toBe(true);
    for (const e of [...diagramConditions(), ...expressions(300, rand)]) expect([e, parseExpression(e, plain, undefined).toString()]).toEqual([e, parseExpression(e, {}, undefined).toString()]);
  });

  it('given a name with a space, an operator symbol or a FEEL keyword (at any depth), then the tree is not used: feelin decides, and parses differently indeed', () => {
    expect(parseExpression('outcome = "failed" and attempt < 2', { and: 1 }, undefined).toString()).not.toBe(parseExpression('outcome = "failed" and attempt < 2', {}, undefined).toString());
    for (const vars of [{ and: 1 }, { 'outcome x': 1 }, { 'a-b': 1 }, { a: { 'b c': 1 } }, { a: [{ not: true }] }, { 'a.b': 2 }]) expect([vars, plainNames(vars, 0)]).toEqual([vars, false]);
    const flow = { condition: 'outcome = "failed" and attempt < 2', conditionTree: compileCondition('outcome = "failed" and attempt < 2') as FeelTree };
    for (const vars of [
      { outcome: 'failed', attempt: 1, and: 1 },
      { outcome: 'failed', attempt: 1, 'outcome x': 1 },
      { outcome: 'failed', attempt: 1 },
    ])
      expect(conditionHolds(flow, vars)).toBe(feelin(flow.condition, vars));
  });
});

describe('where the workflow gets its decision', () => {
  afterEach(() => jest.resetModules());

  /** conditionHolds with process/feel.ts replaced by a spy (it is required lazily, only for the fallback). */
  function withSpy(): { holds: typeof conditionHolds; calls: string[] } {
    const calls: string[] = [];
    let holds: typeof conditionHolds = conditionHolds;
    jest.isolateModules(() => {
      jest.doMock('../../process/feel', () => ({
        evaluateCondition: (expression: string, vars: Record<string, unknown>) => {
          calls.push(expression);
          return evaluate(expression, vars).value === true;
        },
      }));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      holds = (require('../../process/condition') as typeof import('../../process/condition')).conditionHolds;
    });
    return { holds, calls };
  }

  it('given a flow with a tree, when its condition is decided, then feelin is not called', () => {
    const { holds, calls } = withSpy();
    const flow = { condition: 'outcome = "reject"', conditionTree: compileCondition('outcome = "reject"') as FeelTree };
    expect(holds(flow, { outcome: 'reject' })).toBe(true);
    expect(holds(flow, { outcome: 'accept' })).toBe(false);
    expect(calls).toEqual([]);
  });

  it('given a flow without a tree (a model compiled before trees), when its condition is decided, then feelin decides it', () => {
    const { holds, calls } = withSpy();
    expect(holds({ condition: 'outcome = "reject"' }, { outcome: 'reject' })).toBe(true);
    expect(holds({ condition: 'outcome in ["a", "b"]' }, { outcome: 'b' })).toBe(true);
    expect(holds({ condition: null }, {})).toBe(true);
    expect(calls).toEqual(['outcome = "reject"', 'outcome in ["a", "b"]']);
  });
});

describe('trees in compiled models', () => {
  it('given the reference diagrams, when compiled, then every conditional flow carries its tree and the model conforms to its schema', async () => {
    for (const file of fs.readdirSync(DIAGRAMS).filter((f) => f.endsWith('.bpmn'))) {
      const r = await compileBpmn(fs.readFileSync(path.join(DIAGRAMS, file), 'utf8'));
      if (!r.ok) throw new Error(`${file}: ${JSON.stringify(r.errors)}`);
      const conditional = Object.values(r.model.flows).filter((f) => f.condition !== null);
      expect(conditional.length).toBeGreaterThan(0);
      for (const f of conditional) expect([f.id, f.conditionTree]).toEqual([f.id, compileCondition(f.condition as string)]);
      for (const f of Object.values(r.model.flows).filter((f) => f.condition === null)) expect(f.conditionTree).toBeUndefined();
    }
  });

  it('given a condition the tree cannot hold, when compiled, then the diagram still deploys and the flow has no tree', async () => {
    const xml = fs.readFileSync(path.join(DIAGRAMS, 'standard-closed-loop.bpmn'), 'utf8').replace('outcome = "reject"', 'outcome in ["reject", "refuse"]');
    const r = await compileBpmn(xml);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const flow = Object.values(r.model.flows).find((f) => f.condition === 'outcome in ["reject", "refuse"]');
    expect(flow).toBeDefined();
    expect(flow?.conditionTree).toBeUndefined();
  });

  it('given a model stored without trees, when loaded with withConditionTrees, then the trees are added and nothing else changes', async () => {
    const r = await compileBpmn(fs.readFileSync(path.join(DIAGRAMS, 'dual-dispatch.bpmn'), 'utf8'));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const old: ProcessModel = { ...r.model, flows: Object.fromEntries(Object.entries(r.model.flows).map(([id, { conditionTree: _t, ...f }]) => [id, f])) };
    expect(Object.values(old.flows).some((f) => f.conditionTree)).toBe(false);
    expect(withConditionTrees(old)).toEqual(r.model);
    expect(withConditionTrees(r.model)).toBe(r.model);
  });
});
