/**
 * The engine's data: what it reads (the case's facts), what it keeps (EngineState and the
 * instances, tokens, timers and approvals in it, all plain JSON so a long case continues-as-new
 * carrying it) and what it hands the workflow to write (audit rows, notifications, task rows).
 */
import type { CalendarKind, CaseStatusCode, Tier } from '../model';

export interface Actor {
  userId: number | null;
  name: string;
}

export const SYSTEM_ACTOR: Actor = { userId: null, name: '系统' };

export type TaskState = 'OPEN' | 'CLAIMED' | 'COMPLETED' | 'ESCALATED' | 'RETURNED' | 'CANCELLED';

export interface TaskInfo {
  taskId: string;
  elementId: string;
  name: string;
  state: TaskState;
  rule: string;
  tier: Tier;
  orgUnitId: number | null;
  departmentId: number | null;
  principals: string[];
  assignee: Actor | null;
  createdAt: string;
  dueAt: string | null;
  /** the limit the deadline was computed from, for extensions */
  limit: { duration: string; calendar: CalendarKind } | null;
  overdue: boolean;
  outcome: string | null;
  data: Record<string, unknown> | null;
  priority: number;
  claimedAt: string | null;
  completedAt: string | null;
}

export interface Instance {
  id: string;
  elementId: string;
  /** the sub-process instance this runs in, null at top level */
  scope: string | null;
  kind: 'userTask' | 'serviceTask' | 'subProcess' | 'catchEvent';
  state: 'opening' | 'open' | 'running' | 'waiting';
  /** the user task completed before this one on the token's path (for returns) */
  prev: string | null;
  task?: TaskInfo;
}

export interface TimerState {
  id: string;
  /** absolute ISO time, or null until the business calendar has been consulted */
  fireAt: string | null;
  /** what to compute fireAt from when null */
  compute: { start: string; duration: string; calendar: CalendarKind } | { start: string; due: string; fraction: number; calendar: CalendarKind } | null;
  kind: 'reminder' | 'overdue' | 'boundary' | 'catch';
  instanceId: string;
  elementId: string;
  /** repeats left after this firing (cycles); null = forever; 0 = none */
  repeatsLeft: number | null;
  every: { duration: string; calendar: CalendarKind } | null;
  fired: number;
}

export interface Token {
  elementId: string;
  scope: string | null;
  viaFlow: string | null;
  prev: string | null;
}

export type ApprovalKind = 'EXTENSION' | 'RETURN' | 'VOID' | 'DEFERRAL';

/** The statuses before 派遣 (dispatch): a report the reporter may still withdraw (撤回). */
export const WITHDRAWABLE_STATUSES: readonly CaseStatusCode[] = ['REPORTED', 'ACCEPTED', 'REGISTERED'];

export interface Approval {
  id: string;
  /** 延期 extension, 回退 return, 作废 void (ends the case), 缓办 deferral (moves the deadline) */
  kind: ApprovalKind;
  taskId: string;
  state: 'PENDING' | 'APPROVED' | 'REJECTED';
  reason: string;
  /** extension asked for (ISO duration) */
  duration: string | null;
  requestedBy: Actor;
  requestedAt: string;
  /** the tier whose supervisors decide */
  approverTier: Tier;
  decidedBy: Actor | null;
  decidedAt: string | null;
  note: string | null;
  /** an approved extension whose new deadline has been set */
  applied?: boolean;
}

/** One audit row (case_events) the workflow must write, in order. */
export interface AuditRecord {
  action: string;
  actor: Actor;
  fromStatus: CaseStatusCode | null;
  toStatus: CaseStatusCode | null;
  tier: Tier;
  reason: string | null;
  payload: Record<string, unknown>;
  at: string;
}

export interface NotificationRecord {
  /** unique per logical message */
  key: string;
  kind: 'REMINDER' | 'URGE' | 'SUPERVISE' | 'OVERDUE' | 'NOTICE' | 'APPROVAL' | 'TASK';
  /** principals ("unit:12:HANDLER", "user:5") or an assignee rule to resolve */
  to: { principals: string[] } | { rule: string; tier: Tier };
  taskId: string | null;
  title: string;
  body: string;
}

export interface CaseFacts {
  caseId: string;
  category: string | null;
  categoryMajor: string | null;
  /** home department kind (归口) of the category */
  homeDepartment: string | null;
  severity: number;
  channel: string;
  reporter: Actor;
  reportedAt: string;
  /** org unit ids along the case's path */
  units: { GRID: number; VILLAGE: number; TOWNSHIP: number; DISTRICT: number; CITY: number };
  /**
   * Reported without a point (Open311 with only an address): the units below the district are
   * the district until the first task places the point (workflows/case.ts). The engine itself
   * never reads it.
   */
  locateMe?: boolean;
}

export interface EngineState {
  v: 1;
  nextId: number;
  tokens: Token[];
  instances: Record<string, Instance>;
  /** joins waiting for tokens: key `${scope}|${gatewayId}` → arrived flow ids and the prev marker */
  joins: Record<string, { arrived: string[]; prev: string | null }>;
  timers: Record<string, TimerState>;
  approvals: Approval[];
  vars: Record<string, unknown>;
  tier: Tier;
  status: CaseStatusCode;
  statusLabel: string | null;
  /** the department the case was handed over to (handOver), if any */
  department: string | null;
  ended: boolean;
  closedTier: Tier | null;
  closedAt: string | null;
  /** when the case was taken on (受理): its status first left REPORTED for one that does not end it (absent in states carried from before it was kept) */
  acceptedAt?: string | null;
  reworkCount: number;
  escalations: number;
  overdueCount: number;
  /** tasks that finished (kept short: the projection has the full list) */
  doneTasks: TaskInfo[];
  incidents: { elementId: string; message: string; at: string }[];
}

export class EngineError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

/**
 * Behaviour added after the first release, each named by the id the case workflow guards it with
 * (`patched(id)`), so that recorded histories replay as they ran:
 *   - `audit-task-tier`: rows of a task's own work (dispatched, claimed, completed, requests,
 *     comments, reminders, overdue, deadline changes, return) record the tier the task is at (a
 *     reporter's 核查 at GRID, a department's task at DISTRICT), not the case's tier;
 *   - `close-once`: 结案 is one row, from the status the case had (the close task's own status is
 *     not written before it as a separate `status` row);
 *   - `report-at-reported`: the `report` row carries the time of the report (the case row's
 *     reportedAt), not the time the workflow started.
 */
export type EnginePatch = 'audit-task-tier' | 'close-once' | 'report-at-reported';

export interface TaskOpened {
  tier: Tier;
  orgUnitId: number | null;
  departmentId: number | null;
  principals: string[];
  dueAt: string;
  limit: { duration: string; calendar: CalendarKind };
  /** fire times of the task's reminders, in the order of the model's reminders */
  reminderAts: string[];
}

