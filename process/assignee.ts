/**
 * Assignee rules of user tasks (grid:assignee), parsed. Pure: shared by the compiler, the
 * workflow and the activity that resolves a rule to people.
 */

export type TierRef = 'current' | 'parent' | 'village' | 'township' | 'district' | 'city';
export const TIER_REFS: readonly TierRef[] = ['current', 'parent', 'village', 'township', 'district', 'city'];
export const RULE_ROLES = ['administrator', 'dispatcher', 'handler', 'grid_worker', 'supervisor', 'auditor'] as const;
export type RuleRole = (typeof RULE_ROLES)[number];

export type AssigneeRule =
  | { kind: 'tier'; tier: TierRef }
  | { kind: 'department'; department: string }
  | { kind: 'departmentHome' }
  | { kind: 'departmentVariable'; variable: string }
  | { kind: 'role'; role: RuleRole; tier: TierRef }
  | { kind: 'reporter' };

const DEPT = /^[A-Z][A-Z0-9_-]{0,15}$/;
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses a rule; throws an Error whose message says what a valid rule looks like. */
export function parseAssigneeRule(text: string): AssigneeRule {
  const rule = text.trim();
  if (rule === 'reporter') return { kind: 'reporter' };
  const tier = /^tier:(.+)$/.exec(rule);
  if (tier) return { kind: 'tier', tier: tierRef(tier[1], rule) };
  const dept = /^department:(.+)$/.exec(rule);
  if (dept) {
    const d = dept[1];
    if (d === 'home') return { kind: 'departmentHome' };
    if (d.startsWith('$')) {
      if (!VARIABLE.test(d.slice(1))) throw new Error(`assignee "${rule}": "${d.slice(1)}" is not a variable name`);
      return { kind: 'departmentVariable', variable: d.slice(1) };
    }
    if (!DEPT.test(d)) throw new Error(`assignee "${rule}": "${d}" is not a department kind (CG, HB …), "home" or "$variable"`);
    return { kind: 'department', department: d };
  }
  const role = /^role:([a-z_]+)@tier:(.+)$/.exec(rule);
  if (role) {
    if (!(RULE_ROLES as readonly string[]).includes(role[1])) throw new Error(`assignee "${rule}": role "${role[1]}" is not one of ${RULE_ROLES.join(', ')}`);
    return { kind: 'role', role: role[1] as RuleRole, tier: tierRef(role[2], rule) };
  }
  throw new Error(
    `assignee "${rule}" is not a rule: use tier:current, tier:parent, tier:<village|township|district|city>, department:<kind>, department:home, department:$<variable>, role:<role>@tier:<tier> or reporter`,
  );
}

function tierRef(text: string, rule: string): TierRef {
  if (!(TIER_REFS as readonly string[]).includes(text)) throw new Error(`assignee "${rule}": tier "${text}" is not one of ${TIER_REFS.join(', ')}`);
  return text as TierRef;
}

export function isTierBased(rule: AssigneeRule): boolean {
  return rule.kind === 'tier' && (rule.tier === 'current' || rule.tier === 'parent');
}
