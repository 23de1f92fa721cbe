/**
 * FEEL conditions (the `feelin` interpreter). Pure: the compiler checks conditions with it and
 * compiles them into trees (FeelTree) that the case workflow evaluates without it
 * (process/condition.ts); feelin itself evaluates only conditions that have no tree.
 */
import { evaluate, parseExpression } from 'feelin';
import type { FeelArithOp, FeelCompareOp, FeelTree, ProcessModel } from './model';

/** Why the expression is not FEEL, or null when it parses. */
export function checkFeel(expression: string): string | null {
  if (/^\$\{[\s\S]*\}$/.test(expression.trim())) return 'this is a JUEL/EL expression (${…}); write FEEL, e.g. outcome = "reject"';
  try {
    const tree = parseExpression(expression, {}, undefined);
    let bad: { from: number } | null = null;
    tree.iterate({
      enter(node) {
        if (node.type.isError && !bad) bad = { from: node.from };
      },
    });
    if (bad) return `syntax error at position ${(bad as { from: number }).from + 1}`;
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Evaluates a condition; anything but `true` (including an error) is false. */
export function evaluateCondition(expression: string, variables: Record<string, unknown>): boolean {
  try {
    return evaluate(expression, variables).value === true;
  } catch {
    return false;
  }
}

const COMPARE_OPS: readonly string[] = ['=', '!=', '<', '<=', '>', '>='] satisfies FeelCompareOp[];
const ARITH_OPS: readonly string[] = ['+', '-', '*', '/', '**', '^'] satisfies FeelArithOp[];

/** A node of feelin's syntax tree with its children (skipped ones, i.e. comments, left out). */
interface SyntaxNode {
  name: string;
  text: string;
  children: SyntaxNode[];
}

function syntaxTree(expression: string): SyntaxNode | null {
  const root: SyntaxNode = { name: '__ROOT', text: expression, children: [] };
  const stack = [root];
  let error = false;
  parseExpression(expression, {}, undefined).iterate({
    enter(ref) {
      if (ref.type.isError) error = true;
      if (ref.type.isSkipped) return false;
      const node: SyntaxNode = { name: ref.name, text: expression.slice(ref.from, ref.to), children: [] };
      stack[stack.length - 1].children.push(node);
      stack.push(node);
      return undefined;
    },
    leave(ref) {
      if (!ref.type.isSkipped) stack.pop();
    },
  });
  return error || root.children.length !== 1 ? null : root.children[0];
}

/** The value feelin gives a literal, when JSON can carry it. */
function literal(text: string): FeelTree | null {
  let v: unknown;
  try {
    v = evaluate(text, {}).value;
  } catch {
    return null;
  }
  if (v === null || typeof v === 'boolean' || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v) && !Object.is(v, -0))) return ['lit', v as string | number | boolean | null];
  return null;
}

/** Whether feelin resolves the name to one of its built-in functions when no variable has it. */
function isBuiltin(name: string): boolean {
  try {
    return evaluate(name, {}).value !== null;
  } catch {
    return true;
  }
}

/** A single-identifier name node (VariableName or PathName with one Identifier). */
function simpleName(node: SyntaxNode): string | null {
  return node.children.length === 1 && node.children[0].name === 'Identifier' ? node.children[0].text : null;
}

function toTree(node: SyntaxNode): FeelTree | null {
  const c = node.children;
  switch (node.name) {
    case 'Expression':
      return c.length === 1 ? toTree(c[0]) : null;
    case 'ParenthesizedExpression':
      return c.length === 3 ? toTree(c[1]) : null;
    case 'NumericLiteral':
    case 'StringLiteral':
    case 'BooleanLiteral':
    case 'null':
      return literal(node.text);
    case 'VariableName': {
      const name = simpleName(node);
      return name === null || isBuiltin(name) ? null : ['var', name];
    }
    case 'PathExpression': {
      if (c.length !== 3 || c[1].name !== '.' || c[2].name !== 'PathName') return null;
      const target = toTree(c[0]);
      const name = simpleName(c[2]);
      return target && name !== null ? ['path', target, name] : null;
    }
    case 'Comparison': {
      if (c.length !== 3 || c[1].name !== 'CompareOp' || !COMPARE_OPS.includes(c[1].text)) return null;
      const [l, r] = [toTree(c[0]), toTree(c[2])];
      return l && r ? ['cmp', c[1].text as FeelCompareOp, l, r] : null;
    }
    case 'Conjunction':
    case 'Disjunction': {
      if (c.length !== 3) return null;
      const [l, r] = [toTree(c[0]), toTree(c[2])];
      return l && r ? [node.name === 'Conjunction' ? 'and' : 'or', l, r] : null;
    }
    case 'ArithmeticExpression': {
      if (c.length === 3 && c[1].name === 'ArithOp' && ARITH_OPS.includes(c[1].text)) {
        const [l, r] = [toTree(c[0]), toTree(c[2])];
        return l && r ? ['arith', c[1].text as FeelArithOp, l, r] : null;
      }
      // unary: feelin computes it as 0 - x (0 + x)
      if (c.length === 2 && c[0].name === 'ArithOp' && ARITH_OPS.includes(c[0].text)) {
        const x = toTree(c[1]);
        return x ? ['arith', c[0].text as FeelArithOp, ['lit', 0], x] : null;
      }
      return null;
    }
    case 'FunctionInvocation': {
      // not(x): the built-in, one positional argument
      if (c.length !== 4 || c[0].name !== 'VariableName' || simpleName(c[0]) !== 'not' || c[2].name !== 'PositionalParameters' || c[2].children.length !== 1) return null;
      const x = toTree(c[2].children[0]);
      return x ? ['not', x] : null;
    }
    default:
      return null;
  }
}

/**
 * The tree of a FEEL condition for the workflow (process/condition.ts), or null when it holds
 * something the tree cannot (lists, ranges, `in`, `between`, `if`, functions but not(…), dates …,
 * or a name feelin would read as a built-in function): such a condition is still valid and is
 * evaluated by feelin in the workflow.
 */
export function compileCondition(expression: string): FeelTree | null {
  try {
    const node = syntaxTree(expression);
    return node ? toTree(node) : null;
  } catch {
    return null;
  }
}

/**
 * The model with a tree on every flow whose condition has one and lacks it (models compiled
 * before trees existed, loaded from the database); the model itself when nothing is added.
 */
export function withConditionTrees(model: ProcessModel): ProcessModel {
  let flows: ProcessModel['flows'] | null = null;
  for (const [id, flow] of Object.entries(model.flows)) {
    if (flow.condition === null || flow.conditionTree) continue;
    const tree = compileCondition(flow.condition);
    if (!tree) continue;
    flows ??= { ...model.flows };
    flows[id] = { ...flow, conditionTree: tree };
  }
  return flows ? { ...model, flows } : model;
}
