/**
 * What GridCase's checks report: the issue shape shared by the compiler, the plugin's rules and
 * the API, and the plugin's rule names (one per family of checks). Pure types and constants.
 */

export interface CompileIssue {
  /** id of the BPMN element (or the process / definitions id) */
  element: string;
  /** its BPMN type, e.g. bpmn:UserTask */
  type: string;
  message: string;
  severity: 'error' | 'warning';
  /** the lint rule or check that found it: gridcase/<rule>, bpmnlint/<rule>, or parse */
  rule: string;
}

/** The bpmnlint plugin's name: its rules are gridcase/<rule>, its config plugin:gridcase/recommended. */
export const PLUGIN = 'gridcase';

/**
 * GridCase's lint rules, one per family of checks; each is a rule of the plugin
 * (process/lint-plugin/rules/<rule>.ts) and reports the issues compileDefinitions tags with it.
 */
export const GRIDCASE_RULES = [
  'process',
  'supported',
  'grid-attributes',
  'user-task-assignee',
  'user-task-deadline',
  'form',
  'service-task-action',
  'condition',
  'timer',
  'message',
  'flow',
  'boundary',
  'gateway',
  'start',
  'reachable',
  'reaches-end',
  'gateway-default',
  'gateway-conditions',
  'conditional-flow',
  'model-schema',
] as const;

export type GridcaseRule = (typeof GRIDCASE_RULES)[number];

/** An issue as the checks find it, with its rule's short name. */
export type Finding = Omit<CompileIssue, 'rule' | 'severity'> & { severity: 'error'; rule: GridcaseRule };
