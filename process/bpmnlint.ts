/** bpmnlint's recommended rules over parsed BPMN, as compile issues (server side only). */
import type { CompileIssue } from './compiler';

/** Rules whose findings GridCase reports differently or not at all. */
const RULE_OVERRIDES: Record<string, 'off' | 'warn' | 'error'> = {
  // GridCase supports inclusive gateways.
  'no-inclusive-gateway': 'off',
  // An unnamed element is a readability problem, not a reason to refuse a deployable model.
  'label-required': 'warn',
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Moddle = any;

/**
 * A new Linter per diagram: some bpmnlint rules (no-duplicate-sequence-flows) keep state in the
 * rule instance, so a shared linter reports flows of an earlier diagram as duplicates.
 */
function linter(): { lint(definitions: Moddle): Promise<Record<string, { id?: string; message: string; category: string }[]>> } {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { Linter } = require('bpmnlint');
  const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return new Linter({ config: { extends: 'bpmnlint:recommended', rules: RULE_OVERRIDES }, resolver: new NodeResolver() });
}

/** `types`: id → BPMN type of the diagram's elements (from the compiler's one walk over them). */
export async function runBpmnlint(definitions: Moddle, types: Map<string, string>): Promise<CompileIssue[]> {
  const reports = await linter().lint(definitions);
  const issues: CompileIssue[] = [];
  for (const [rule, list] of Object.entries(reports)) {
    for (const r of list) {
      if (r.category !== 'error' && r.category !== 'warn') continue;
      const element = r.id ?? definitions.id ?? 'definitions';
      issues.push({ element, type: types.get(element) ?? 'bpmn:BaseElement', message: r.message, severity: r.category === 'error' ? 'error' : 'warning', rule: `bpmnlint/${rule}` });
    }
  }
  return issues;
}
