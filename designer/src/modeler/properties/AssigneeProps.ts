/**
 * The assignee-rule picker (grid:assignee of user tasks; also grid:target of service tasks): a
 * select of the rule kind, then the one or two controls that kind needs (a tier, a department,
 * a form variable, a role and a tier), and an example of whom the rule reaches, from the org
 * tree in scope.
 */
import type { RuleRole } from '@process/assignee';
import { TIER_REFS } from '@process/assignee';
import { entry, h, isSelectEntryEdited, isTextFieldEntryEdited, SelectEntry, TextFieldEntry, useServices, type EntryDefinition, type FunctionComponent } from './panel';
import { roleOptions, tierOptions } from './labels';
import { ABSOLUTE_TIERS, DEPARTMENT_KIND, departmentOptions, describeRule, kindOptions, RULE_KINDS, ruleExample, ruleState, ruleText, switchKind, VARIABLE_NAME, type RuleKind, type RuleState } from './rules';
import { formElements } from './form';
import { attr, is, setAttrs, type DiagramElement, type Translate } from './util';
import type { GridDesignerOptions } from '../options';

export interface RulePickerConfig {
  /** the attribute the rule is written to */
  attribute: 'grid:assignee' | 'grid:target';
  /** entry id prefix, unique in the panel */
  idPrefix: string;
  /** label of the kind select (an English translate key) */
  label: string;
  kinds: readonly RuleKind[];
  required: boolean;
  /** the role a switch to "role at a tier" starts with */
  defaultRole: RuleRole;
}

export const ASSIGNEE_PICKER: RulePickerConfig = {
  attribute: 'grid:assignee',
  idPrefix: 'grid-assignee',
  label: 'Assignee',
  kinds: RULE_KINDS,
  required: true,
  defaultRole: 'handler',
};

interface PickerProps {
  id: string;
  element: DiagramElement;
  config: RulePickerConfig;
  /** show the "e.g. …" example under this control (the picker's last one) */
  example: boolean;
}

function useRule(element: DiagramElement, config: RulePickerConfig) {
  const services = useServices();
  const state = ruleState(attr(element, config.attribute));
  const write = (text: string) => setAttrs(services.modeling, element, { [config.attribute]: text || undefined });
  const example = (s: RuleState) => ruleExample(s, services.options, services.translate);
  return { ...services, t: services.translate, state, write, example };
}

const RuleKindEntry: FunctionComponent<PickerProps> = ({ id, element, config, example }) => {
  const r = useRule(element, config);
  const { t, state } = r;
  return h(SelectEntry, {
    id,
    element,
    label: t(config.label),
    getValue: () => state.kind,
    setValue: (kind: string) => r.write(kind === '' || kind === 'invalid' ? '' : switchKind(state, kind as RuleKind, r.options, config.defaultRole)),
    getOptions: () => kindOptions(t, config.kinds, state),
    validate: (kind: string) =>
      kind === 'invalid' ? state.error : kind === '' ? (config.required ? t('Required') : null) : !(config.kinds as readonly string[]).includes(kind) ? t('Not allowed here') : null,
    description: example ? (r.example(state) ?? undefined) : undefined,
  });
};

const RuleTierEntry: FunctionComponent<PickerProps> = ({ id, element, config, example }) => {
  const r = useRule(element, config);
  return h(SelectEntry, {
    id,
    element,
    label: r.t(r.state.kind === 'role' ? 'At tier' : 'Tier'),
    getValue: () => r.state.tier,
    setValue: (tier: string) => r.write(ruleText({ ...r.state, tier: tier as RuleState['tier'] })),
    getOptions: () => tierOptions(r.t, r.state.kind === 'role' ? TIER_REFS : ABSOLUTE_TIERS),
    description: example ? (r.example(r.state) ?? undefined) : undefined,
  });
};

const RuleRoleEntry: FunctionComponent<PickerProps> = ({ id, element, config }) => {
  const r = useRule(element, config);
  return h(SelectEntry, {
    id,
    element,
    label: r.t('Role'),
    getValue: () => r.state.role,
    setValue: (role: string) => r.write(ruleText({ ...r.state, role: role as RuleRole })),
    getOptions: () => roleOptions(r.t),
  });
};

const RuleDepartmentEntry: FunctionComponent<PickerProps> = ({ id, element, config, example }) => {
  const r = useRule(element, config);
  const description = example ? (r.example(r.state) ?? undefined) : undefined;
  if (r.options.departments.length) {
    return h(SelectEntry, {
      id,
      element,
      label: r.t('Department'),
      getValue: () => r.state.department,
      setValue: (kind: string) => r.write(ruleText({ ...r.state, department: kind })),
      getOptions: () => departmentOptions(r.t, r.options, r.state.department),
      description,
    });
  }
  return h(TextFieldEntry, {
    id,
    element,
    label: r.t('Department kind'),
    debounce: r.debounce,
    getValue: () => r.state.department,
    setValue: (kind: string | undefined, error?: string | null) => {
      if (!error && kind) r.write(ruleText({ ...r.state, department: kind }));
    },
    validate: (kind: string | undefined) => (kind && DEPARTMENT_KIND.test(kind) ? null : r.t('A department kind in capitals: CG, HB, FY …')),
    description: description ?? r.t('Capitals, e.g. CG, HB, FY'),
  });
};

/** Names of the form fields of the diagram's user tasks (where a dispatcher's form can choose a department). */
function formFieldNames(elements: DiagramElement[]): string[] {
  const names = new Set<string>();
  for (const el of elements) {
    for (const form of formElements(el.businessObject)) {
      try {
        const schema = JSON.parse(String(form.get('schema') ?? '')) as { properties?: Record<string, unknown> };
        for (const name of Object.keys(schema.properties ?? {})) names.add(name);
      } catch {
        // an unreadable form is reported by the form entry and the linter
      }
    }
  }
  return [...names];
}

const RuleVariableEntry: FunctionComponent<PickerProps> = ({ id, element, config, example }) => {
  const r = useRule(element, config);
  const fields = formFieldNames(r.elementRegistry.filter((el) => is(el, 'bpmn:UserTask')));
  const hint = fields.length ? r.t('Form fields in this diagram: {names}', { names: fields.join(', ') }) : r.t('The name of a form field whose value is a department kind (CG, HB …)');
  const ex = example ? r.example(r.state) : null;
  return h(TextFieldEntry, {
    id,
    element,
    label: r.t('Form field'),
    debounce: r.debounce,
    getValue: () => r.state.variable,
    setValue: (variable: string | undefined, error?: string | null) => {
      if (!error && variable) r.write(ruleText({ ...r.state, variable }));
    },
    validate: (variable: string | undefined) => (variable && VARIABLE_NAME.test(variable) ? null : r.t('A variable name: letters, digits and _, not starting with a digit')),
    description: ex ? `${hint} · ${ex}` : hint,
  });
};

/** The picker's entries for the element as it is now (the controls follow the chosen kind). */
export function rulePickerEntries(element: DiagramElement, config: RulePickerConfig): EntryDefinition[] {
  const state = ruleState(attr(element, config.attribute));
  const p = config.idPrefix;
  const base = { config, example: false };
  const entries: EntryDefinition[] = [];
  const add = (component: FunctionComponent<PickerProps>, id: string, isEdited: (n: HTMLElement | null) => boolean) => entries.push(entry(component, { ...base, id }, isEdited));
  add(RuleKindEntry, `${p}-kind`, isSelectEntryEdited);
  switch (state.kind) {
    case 'tier':
      add(RuleTierEntry, `${p}-tier`, isSelectEntryEdited);
      break;
    case 'department':
      add(RuleDepartmentEntry, `${p}-department`, isSelectEntryEdited);
      break;
    case 'department:$':
      add(RuleVariableEntry, `${p}-variable`, isTextFieldEntryEdited);
      break;
    case 'role':
      add(RuleRoleEntry, `${p}-role`, isSelectEntryEdited);
      add(RuleTierEntry, `${p}-role-tier`, isSelectEntryEdited);
      break;
    default:
      break;
  }
  entries[entries.length - 1].example = true;
  return entries;
}

/** The rule in words, for read-only views. */
export function describeRuleAttr(element: DiagramElement, attribute: string, options: GridDesignerOptions, t: Translate): { value: string; example: string | null } {
  const state = ruleState(attr(element, attribute));
  return { value: describeRule(state, options, t), example: ruleExample(state, options, t) };
}
