/**
 * The compiled process model: what a BPMN diagram means to the case workflow, as plain JSON.
 * Pure types and constants (imported by workflow code). Validated by
 * schema/process-model.schema.json; produced by process/compiler.ts.
 */

export const MODEL_FORMAT = 1;

export type CaseStatusCode =
  | 'REPORTED'
  | 'ACCEPTED'
  | 'REJECTED'
  | 'REGISTERED'
  | 'DISPATCHED'
  | 'IN_PROGRESS'
  | 'AWAITING_VERIFICATION'
  | 'CLOSED'
  | 'VOIDED'
  | 'WITHDRAWN'
  | 'MERGED';

export const CASE_STATUSES: readonly CaseStatusCode[] = [
  'REPORTED',
  'ACCEPTED',
  'REJECTED',
  'REGISTERED',
  'DISPATCHED',
  'IN_PROGRESS',
  'AWAITING_VERIFICATION',
  'CLOSED',
  'VOIDED',
  'WITHDRAWN',
  'MERGED',
];

/** Statuses that end a case. */
export const FINAL_STATUSES: readonly CaseStatusCode[] = ['REJECTED', 'CLOSED', 'VOIDED', 'WITHDRAWN', 'MERGED'];

export type Tier = 'GRID' | 'VILLAGE' | 'TOWNSHIP' | 'DISTRICT' | 'CITY';
/** Tiers a case can be handled at, bottom up. */
export const TIERS_UP: readonly Tier[] = ['VILLAGE', 'TOWNSHIP', 'DISTRICT', 'CITY'];
/** Every tier of the org tree, bottom up. */
export const TIER_ORDER: readonly Tier[] = ['GRID', ...TIERS_UP];

/** The tier above (a grid's: its village/community; the city's: itself): who supervises work held at a tier. */
export function tierAbove(tier: Tier): Tier {
  return TIER_ORDER[Math.min(TIER_ORDER.indexOf(tier) + 1, TIER_ORDER.length - 1)];
}

export type CalendarKind = 'CLOCK' | 'WORKING_HOURS' | 'WORKING_DAYS';

export type ServiceAction = 'notify' | 'escalateTier' | 'handOver' | 'rework' | 'evaluate' | 'close';
export const SERVICE_ACTIONS: readonly ServiceAction[] = ['notify', 'escalateTier', 'handOver', 'rework', 'evaluate', 'close'];

/** A deadline: an explicit duration on a calendar, or the category's limit for the task's tier. */
export type DeadlineSpec = { kind: 'duration'; duration: string; calendar: CalendarKind } | { kind: 'category' };

/** A reminder before the deadline: at a fraction of the limit, or a duration before it. */
export type ReminderSpec = { kind: 'fraction'; fraction: number } | { kind: 'beforeDeadline'; duration: string };

export type TimerSpec =
  | { kind: 'duration'; duration: string; calendar: CalendarKind }
  | { kind: 'date'; date: string }
  | { kind: 'cycle'; repeat: number | null; duration: string; start: string | null; calendar: CalendarKind }
  /** counted from the deadline of the user task the boundary event is attached to */
  | { kind: 'deadline'; offset: string | null; repeat: number | null; cycle: string | null; calendar: CalendarKind };

interface ElementBase {
  id: string;
  name: string | null;
  /** id of the enclosing sub-process, null at top level */
  scope: string | null;
  incoming: string[];
  outgoing: string[];
  status: CaseStatusCode | null;
  statusLabel: string | null;
}

export interface StartEventModel extends ElementBase {
  type: 'startEvent';
}

export interface EndEventModel extends ElementBase {
  type: 'endEvent';
  end: { kind: 'none' } | { kind: 'terminate' } | { kind: 'escalation'; code: string | null };
}

export interface UserTaskModel extends ElementBase {
  type: 'userTask';
  assignee: string;
  deadline: DeadlineSpec;
  reminders: ReminderSpec[];
  outcomes: string[];
  priority: number;
  escalatable: boolean;
  form: Record<string, unknown> | null;
  /** boundary events attached to this task */
  boundary: string[];
}

export interface ServiceTaskModel extends ElementBase {
  type: 'serviceTask';
  action: ServiceAction;
  target: string | null;
  message: string | null;
  boundary: string[];
}

export interface GatewayModel extends ElementBase {
  type: 'exclusiveGateway' | 'parallelGateway' | 'inclusiveGateway';
  default: string | null;
}

export interface SubProcessModel extends ElementBase {
  type: 'subProcess';
  start: string;
  boundary: string[];
}

export type EventTrigger = { kind: 'timer'; timer: TimerSpec } | { kind: 'message'; message: string } | { kind: 'escalation'; code: string | null };

export interface BoundaryEventModel extends ElementBase {
  type: 'boundaryEvent';
  attachedTo: string;
  interrupting: boolean;
  trigger: EventTrigger;
}

export interface IntermediateCatchEventModel extends ElementBase {
  type: 'intermediateCatchEvent';
  trigger: { kind: 'timer'; timer: TimerSpec } | { kind: 'message'; message: string };
}

export type ElementModel =
  | StartEventModel
  | EndEventModel
  | UserTaskModel
  | ServiceTaskModel
  | GatewayModel
  | SubProcessModel
  | BoundaryEventModel
  | IntermediateCatchEventModel;

/**
 * A condition compiled for the workflow (process/feel.ts compileCondition; evaluated by
 * process/condition.ts with feelin's semantics), as JSON:
 * - `['lit', value]`: a string, number, boolean or null literal;
 * - `['var', name]`: a case variable (null when missing);
 * - `['path', target, name]`: `target.name` (over a list: each element's);
 * - `['cmp', op, left, right]`: `=`, `!=`, `<`, `<=`, `>`, `>=`;
 * - `['and', a, b]`, `['or', a, b]`: FEEL's three-valued logic, both sides always evaluated;
 * - `['not', a]`: the built-in not(…);
 * - `['arith', op, left, right]`: `+`, `-`, `*`, `/`, `**`, `^` (unary minus is `0 - x`, as in feelin).
 */
export type FeelTree =
  | ['lit', string | number | boolean | null]
  | ['var', string]
  | ['path', FeelTree, string]
  | ['cmp', FeelCompareOp, FeelTree, FeelTree]
  | ['and' | 'or', FeelTree, FeelTree]
  | ['not', FeelTree]
  | ['arith', FeelArithOp, FeelTree, FeelTree];

export type FeelCompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type FeelArithOp = '+' | '-' | '*' | '/' | '**' | '^';

export interface FlowModel {
  id: string;
  source: string;
  target: string;
  /** FEEL expression; null = unconditional */
  condition: string | null;
  /**
   * The condition compiled for the workflow (process/condition.ts): absent when the condition
   * cannot be held by a tree, or in a model compiled before trees existed (feelin then decides).
   */
  conditionTree?: FeelTree;
}

export interface ProcessModel {
  format: typeof MODEL_FORMAT;
  /** the BPMN process id */
  id: string;
  name: string | null;
  /** the top-level start event */
  start: string;
  elements: Record<string, ElementModel>;
  flows: Record<string, FlowModel>;
}
