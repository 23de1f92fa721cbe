/**
 * Assignee rules (grid:assignee, grid:target) as the picker sees them: a kind plus the one or
 * two values that kind needs, and back to the rule text the engine parses
 * (process/assignee.ts). Pure.
 */
import { parseAssigneeRule, type RuleRole, type TierRef } from '@process/assignee';
import type { SelectOption } from '@bpmn-io/properties-panel/dist/index.esm.js';
import type { GridDesignerOptions, OrgUnitOption } from '../options';
import { ROLE_NAMES, TIER_LEVELS, TIER_NAMES } from './labels';
import type { Translate } from './util';

export type RuleKind = 'tier:current' | 'tier:parent' | 'tier' | 'department' | 'department:home' | 'department:$' | 'role' | 'reporter';
export type AbsoluteTier = Exclude<TierRef, 'current' | 'parent'>;

export const RULE_KINDS: readonly RuleKind[] = ['tier:current', 'tier:parent', 'tier', 'department', 'department:home', 'department:$', 'role', 'reporter'];
export const DEPARTMENT_KINDS: readonly RuleKind[] = ['department', 'department:home', 'department:$'];
export const ABSOLUTE_TIERS: readonly AbsoluteTier[] = ['village', 'township', 'district', 'city'];

export const KIND_NAMES: Record<RuleKind, string> = {
  'tier:current': 'Current tier',
  'tier:parent': 'Parent tier',
  tier: 'A given tier',
  department: 'A department',
  'department:home': 'Home department',
  'department:$': 'Department chosen in a form',
  role: 'Role at a tier',
  reporter: 'Reporter',
};

export const DEPARTMENT_KIND = /^[A-Z][A-Z0-9_-]{0,15}$/;
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface RuleState {
  /** '' when the attribute is not set, 'invalid' when the text is not a rule */
  kind: RuleKind | '' | 'invalid';
  tier: TierRef;
  department: string;
  variable: string;
  role: RuleRole;
  /** the text as written */
  text: string;
  /** why the text is not a rule */
  error: string;
}

export function ruleState(text: string | undefined | null): RuleState {
  const state: RuleState = { kind: '', tier: 'current', department: '', variable: '', role: 'handler', text: (text ?? '').trim(), error: '' };
  if (!state.text) return state;
  try {
    const rule = parseAssigneeRule(state.text);
    switch (rule.kind) {
      case 'tier':
        if (rule.tier === 'current' || rule.tier === 'parent') state.kind = `tier:${rule.tier}`;
        else state.kind = 'tier';
        state.tier = rule.tier;
        break;
      case 'department':
        state.kind = 'department';
        state.department = rule.department;
        break;
      case 'departmentHome':
        state.kind = 'department:home';
        break;
      case 'departmentVariable':
        state.kind = 'department:$';
        state.variable = rule.variable;
        break;
      case 'role':
        state.kind = 'role';
        state.role = rule.role;
        state.tier = rule.tier;
        break;
      case 'reporter':
        state.kind = 'reporter';
        break;
    }
  } catch (e) {
    state.kind = 'invalid';
    state.error = (e as Error).message;
  }
  return state;
}

/** The rule text of a state ('' when the kind lacks its value). */
export function ruleText(state: Pick<RuleState, 'kind' | 'tier' | 'department' | 'variable' | 'role'>): string {
  switch (state.kind) {
    case 'tier:current':
    case 'tier:parent':
    case 'department:home':
    case 'reporter':
      return state.kind;
    case 'tier':
      return `tier:${state.tier}`;
    case 'department':
      return state.department ? `department:${state.department}` : '';
    case 'department:$':
      return state.variable ? `department:$${state.variable}` : '';
    case 'role':
      return `role:${state.role}@tier:${state.tier}`;
    default:
      return '';
  }
}

/** The rule written when the picker switches to `kind`, keeping what the previous rule had that still fits. */
export function switchKind(previous: RuleState, kind: RuleKind, options: GridDesignerOptions, defaultRole: RuleRole = 'handler'): string {
  const next = { ...previous, kind };
  if (kind === 'tier' && !(ABSOLUTE_TIERS as readonly string[]).includes(previous.tier)) next.tier = 'township';
  if (kind === 'role' && previous.kind !== 'role') {
    next.role = defaultRole;
  }
  if (kind === 'department' && !next.department) next.department = options.departments[0]?.kind ?? 'CG';
  if (kind === 'department:$' && !next.variable) next.variable = 'department';
  return ruleText(next);
}

export function kindOptions(t: Translate, kinds: readonly RuleKind[], state: RuleState): SelectOption[] {
  const options: SelectOption[] = [];
  if (state.kind === '' || state.kind === 'invalid') options.push({ value: state.kind, label: state.kind === '' ? t('(choose)') : t('{value} (not valid)', { value: state.text }) });
  for (const k of kinds) options.push({ value: k, label: t(KIND_NAMES[k]) });
  if (state.kind !== '' && state.kind !== 'invalid' && !kinds.includes(state.kind)) options.push({ value: state.kind, label: t('{value} (not valid)', { value: state.text }) });
  return options;
}

export function departmentOptions(t: Translate, options: GridDesignerOptions, current: string): SelectOption[] {
  const list: SelectOption[] = options.departments.map((d) => ({ value: d.kind, label: `${d.name} · ${d.kind}` }));
  if (current && !options.departments.some((d) => d.kind === current)) list.push({ value: current, label: t('{value} (not in this scope)', { value: current }) });
  return list;
}

/** One unit per absolute tier along one org path (the first village and its ancestors), to show whom a rule reaches. */
export function exampleChain(units: readonly OrgUnitOption[]): Partial<Record<AbsoluteTier, OrgUnitOption>> {
  const byId = new Map(units.map((u) => [u.id, u]));
  const levelOf = Object.fromEntries(Object.entries(TIER_LEVELS).map(([tier, level]) => [level, tier as AbsoluteTier])) as Record<string, AbsoluteTier>;
  const chain: Partial<Record<AbsoluteTier, OrgUnitOption>> = {};
  const start = ABSOLUTE_TIERS.map((tier) => units.find((u) => u.level === TIER_LEVELS[tier])).find(Boolean);
  for (let u = start, guard = 0; u && guard < 16; u = u.parentId === null ? undefined : byId.get(u.parentId), guard++) {
    const tier = levelOf[u.level];
    if (tier && !chain[tier]) chain[tier] = u;
  }
  for (const tier of ABSOLUTE_TIERS) chain[tier] ??= units.find((u) => u.level === TIER_LEVELS[tier]);
  return chain;
}

/** Whom the rule reaches, by example from the org tree in scope ("e.g. 东华门第一社区"); null when there is nothing to show. */
export function ruleExample(state: RuleState, options: GridDesignerOptions, t: Translate): string | null {
  const chain = exampleChain(options.orgUnits);
  const unitAt = (tier: TierRef): OrgUnitOption | undefined => (tier === 'current' ? chain.village : tier === 'parent' ? chain.township : chain[tier]);
  const department = (kind: string) => options.departments.find((d) => d.kind === kind);
  switch (state.kind) {
    case 'tier:current':
    case 'tier:parent':
    case 'tier': {
      const unit = unitAt(state.tier);
      return unit ? t('e.g. {unit}', { unit: unit.name }) : null;
    }
    case 'role': {
      const unit = unitAt(state.tier);
      return unit ? t('e.g. {role} of {unit}', { role: t(ROLE_NAMES[state.role]), unit: unit.name }) : null;
    }
    case 'department': {
      const d = department(state.department);
      if (!d) return null;
      return chain.district ? t('e.g. {department} of {district}', { department: d.name, district: chain.district.name }) : t('e.g. {unit}', { unit: d.name });
    }
    case 'department:home':
      return chain.district ? t('e.g. the home department of the case category in {district}', { district: chain.district.name }) : null;
    case 'department:$': {
      const d = options.departments[0];
      return d ? t('e.g. {variable} = "{kind}" → {department}', { variable: state.variable, kind: d.kind, department: d.name }) : null;
    }
    default:
      return null;
  }
}

/** What the rule means, in words (read-only view, summaries). */
export function describeRule(state: RuleState, options: GridDesignerOptions, t: Translate): string {
  switch (state.kind) {
    case '':
      return t('(not set)');
    case 'invalid':
      return t('{value} (not valid)', { value: state.text });
    case 'tier:current':
    case 'tier:parent':
      return t(KIND_NAMES[state.kind]);
    case 'tier':
      return t(TIER_NAMES[state.tier]);
    case 'department': {
      const d = options.departments.find((x) => x.kind === state.department);
      return d ? `${d.name} · ${d.kind}` : state.department;
    }
    case 'department:$':
      return `${t(KIND_NAMES[state.kind])}: ${state.variable}`;
    case 'role':
      return `${t(ROLE_NAMES[state.role])} @ ${t(TIER_NAMES[state.tier])}`;
    default:
      return t(KIND_NAMES[state.kind]);
  }
}
