/**
 * FEEL conditions (the `feelin` interpreter). Pure: the compiler checks conditions with it and
 * the case workflow evaluates them over the case variables.
 */
import { evaluate, parseExpression } from 'feelin';

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
