/**
 * Gateway conditions in the workflow, without the FEEL interpreter. The compiler turns each
 * condition it can into a small JSON tree (FeelTree, process/feel.ts compileCondition), stored on
 * the flow of the compiled model; this module evaluates that tree with the semantics of feelin
 * (the interpreter the compiler checks conditions with) for the subset the tree can hold:
 * literals, names and paths, comparisons (= != < <= > >=), and/or, not(…), arithmetic.
 *
 * Why: with the SDK's reusable V8 context every cached workflow instantiates every module of the
 * workflow bundle once more, and feelin with its parser tables is most of that (bench section
 * "Open cases"). So feelin is required here only lazily, as the fallback for a condition without a
 * tree (a model compiled before trees existed, an expression the tree cannot hold) or variables
 * whose names could make feelin parse the expression differently (names with spaces or operator
 * symbols, FEEL keywords): webpack instantiates a required module only when it is first called.
 *
 * The results equal `evaluate(expression, vars).value === true` for every condition that has a
 * tree (tests/unit/feel-condition.test.ts compares them), so a case reaches the same flows whether
 * its model carries trees or not, and recorded histories replay unchanged. Pure.
 */
import type { FeelArithOp as ArithOp, FeelTree, FlowModel } from './model';

export type { FeelTree };

/**
 * Words whose use as a variable name (at any depth of the variables) can change how feelin parses
 * an expression; with such a name the condition goes to feelin itself. Names with white space
 * after feelin's normalization (spaces, `.`, `/`, `-`, `'`, `+`, `*`) do too.
 */
const PARSE_WORDS = new Set([
  'and',
  'or',
  'not',
  'in',
  'between',
  'instance',
  'of',
  'if',
  'then',
  'else',
  'for',
  'return',
  'some',
  'every',
  'satisfies',
  'function',
  'external',
  'true',
  'false',
  'null',
  'date',
  'time',
  'duration',
]);

/** Whether the flow's condition holds: its tree when it has one and the variables allow it, else feelin. */
export function conditionHolds(flow: Pick<FlowModel, 'condition' | 'conditionTree'>, vars: Record<string, unknown>): boolean {
  if (flow.condition === null) return true;
  if (flow.conditionTree && plainNames(vars, 0)) return evaluateTree(flow.conditionTree, vars);
  return feelFallback(flow.condition, vars);
}

/** feelin, loaded (and instantiated by webpack in the workflow) only when a condition needs it. */
function feelFallback(expression: string, vars: Record<string, unknown>): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const feel = require('./feel') as typeof import('./feel');
  return feel.evaluateCondition(expression, vars);
}

/** Evaluates a tree; anything but `true` (including an error, as feelin's throws) is false. */
export function evaluateTree(tree: FeelTree, vars: Record<string, unknown>): boolean {
  try {
    return value(tree, vars) === true;
  } catch {
    return false;
  }
}

/** No variable name, at any depth, that could change feelin's parse (see PARSE_WORDS). */
export function plainNames(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (depth > 64) return false;
  if (Array.isArray(value)) return value.every((v) => plainNames(v, depth + 1));
  for (const [k, v] of Object.entries(value)) {
    const n = normalizeKey(k);
    if (/\s/.test(n) || PARSE_WORDS.has(n) || !plainNames(v, depth + 1)) return false;
  }
  return true;
}

// ---- feelin's semantics, for the values a tree can meet (JSON values) ----

/** lezer-feel's normalizeContextKey. */
function normalizeKey(name: string): string {
  return name
    .replace(/\s*([./\-'+]|\*\*?)\s*/g, ' $1 ')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

/** feelin's has(): an own property, or a getter on the prototype chain below Object.prototype. */
function has(target: object, name: string): boolean {
  if (Object.prototype.hasOwnProperty.call(target, name)) return true;
  for (let proto = Object.getPrototypeOf(target); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const d = Object.getOwnPropertyDescriptor(proto, name);
    if (d) return typeof d.get === 'function';
  }
  return false;
}

/** feelin's getFromContext. */
function lookup(name: string, target: unknown): unknown {
  const t = typeOf(target);
  if (t === 'nil' || t === 'boolean' || t === 'number' || t === 'string') return undefined;
  const o = target as Record<string, unknown>;
  if (has(o, name)) return o[name];
  const n = normalizeKey(name);
  if (has(o, n)) return o[n];
  const entry = Object.entries(o).find(([key]) => n === normalizeKey(key));
  return entry ? entry[1] : undefined;
}

type FeelType = 'nil' | 'boolean' | 'number' | 'string' | 'list' | 'context' | 'literal';

/** feelin's getType, for the values a tree can meet. */
function typeOf(e: unknown): FeelType {
  if (e === null || e === undefined) return 'nil';
  if (typeof e === 'boolean') return 'boolean';
  if (typeof e === 'number') return 'number';
  if (typeof e === 'string') return 'string';
  if (Array.isArray(e)) return 'list';
  if (Object.getPrototypeOf(e) === Object.prototype) return 'context';
  return 'literal';
}

/** feelin's equals(a, b): true, false, or null when the types differ. */
function equals(a: unknown, b: unknown): boolean | null {
  if ((a === null && b !== null) || (a !== null && b === null)) return false;
  if (Array.isArray(a) && a.length < 2) a = a[0];
  if (Array.isArray(b) && b.length < 2) b = b[0];
  const aType = typeOf(a);
  const bType = typeOf(b);
  if (aType !== bType) return null;
  if (aType === 'nil') return true;
  if (aType === 'list') {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    return x.every((el, i) => equals(el, y[i]));
  }
  if (aType === 'context') {
    const x = Object.entries(a as object);
    const y = b as Record<string, unknown>;
    if (x.length !== Object.entries(y).length) return false;
    return x.every(([k, v]) => has(y, k) && equals(v, y[k]));
  }
  if (a == b) return true;
  return false;
}

/** feelin's cmp: JavaScript's ordering of the raw values. */
function cmp(a: unknown, b: unknown): number {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const x = a as any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const y = b as any;
  if (x < y) return -1;
  if (x > y) return 1;
  return 0;
}

/** `left op right` for <, <=, >, >=: feelin tests `left` against the range the right side opens. */
function order(op: '<' | '<=' | '>' | '>=', left: unknown, right: unknown): boolean | null {
  if (right === null) return null; // the empty range
  const t = typeOf(right);
  // a range of other values cannot be made: feelin throws (the condition is false)
  if (t !== 'string' && t !== 'number') throw new Error(`unsupported range: ${String(right)}`);
  if (left === null || left === undefined) return null;
  const c = cmp(left, right);
  switch (op) {
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
  }
}

function arith(op: ArithOp, left: unknown, right: unknown): unknown {
  if (Array.isArray(left) || Array.isArray(right)) return null;
  const lt = typeOf(left);
  const rt = typeOf(right);
  const types = op === '+' ? ['string', 'number'] : ['number'];
  if (lt !== rt || !types.includes(lt)) return null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const a = left as any;
  const b = right as number;
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return !b ? null : a / b;
    case '**':
    case '^':
      return Math.pow(a, b);
  }
}

function value(tree: FeelTree, vars: Record<string, unknown>): unknown {
  switch (tree[0]) {
    case 'lit':
      return tree[1];
    case 'var': {
      const v = lookup(tree[1], vars);
      return v === undefined ? null : v;
    }
    case 'path': {
      const target = value(tree[1], vars);
      const name = tree[2];
      const prop = (t: unknown) => {
        const v = lookup(name, t);
        return v === undefined ? null : v;
      };
      return Array.isArray(target) ? target.map(prop) : prop(target);
    }
    case 'cmp': {
      const left = value(tree[2], vars);
      const right = value(tree[3], vars);
      const op = tree[1];
      if (op === '=') return equals(left, right);
      if (op === '!=') {
        const r = equals(left, right);
        return r === null ? null : !r;
      }
      return order(op, left, right);
    }
    case 'and':
    case 'or': {
      const l = value(tree[1], vars);
      const r = value(tree[2], vars);
      const a = typeof l === 'boolean' ? l : null;
      const b = typeof r === 'boolean' ? r : null;
      if (tree[0] === 'and') {
        if (a === false || b === false) return false;
        if (a === true && b === true) return true;
        return null;
      }
      if (a === true || b === true) return true;
      if (a === false && b === false) return false;
      return null;
    }
    case 'not': {
      const v = value(tree[1], vars);
      return typeof v === 'boolean' ? !v : null;
    }
    case 'arith':
      return arith(tree[1], value(tree[2], vars), value(tree[3], vars));
  }
}
