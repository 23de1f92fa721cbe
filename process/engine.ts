/**
 * The process interpreter: a pure, deterministic state machine over a compiled ProcessModel.
 *
 * The case workflow owns one Engine. It feeds it inputs (task actions, timer firings, messages,
 * results of activities) with the workflow's current time, and after each input reads what the
 * engine needs from the outside world:
 *   - `outbox`: audit events and projection changes to write (one transaction per flush);
 *   - instances in state `opening` (user tasks whose candidates and deadline must be resolved),
 *     `running` service tasks (notify, handOver) it completes with serviceDone() in its settle loop;
 *   - timers: `fireAt` known (arm a durable timer) or null (needs a business-calendar computation).
 * Everything in EngineState is plain JSON, so a long case continues-as-new carrying it.
 */
import { evaluateCondition } from './feel';
import { validateForm } from './form';
import {
  FINAL_STATUSES,
  TIERS_UP,
  tierAbove,
  type BoundaryEventModel,
  type CalendarKind,
  type CaseStatusCode,
  type DeadlineSpec,
  type ElementModel,
  type ProcessModel,
  type ReminderSpec,
  type Tier,
  type TimerSpec,
  type UserTaskModel,
} from './model';
import { clockDurationMs } from './timers';

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

const REQUEST_ACTION: Record<ApprovalKind, string> = { EXTENSION: 'requestExtension', RETURN: 'requestReturn', VOID: 'requestVoid', DEFERRAL: 'requestDeferral' };
const REQUEST_TITLE: Record<ApprovalKind, string> = { EXTENSION: '延期申请', RETURN: '回退申请', VOID: '作废申请', DEFERRAL: '缓办申请' };

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

const nextTier = (tier: Tier): Tier | null => {
  const i = TIERS_UP.indexOf(tier);
  return i >= 0 && i < TIERS_UP.length - 1 ? TIERS_UP[i + 1] : null;
};

export function newEngineState(facts: CaseFacts, initialVars: Record<string, unknown> = {}): EngineState {
  return {
    v: 1,
    nextId: 1,
    tokens: [],
    instances: {},
    joins: {},
    timers: {},
    approvals: [],
    vars: {
      category: facts.category,
      categoryMajor: facts.categoryMajor,
      severity: facts.severity,
      channel: facts.channel,
      tier: 'VILLAGE',
      outcome: null,
      reworkCount: 0,
      escalations: 0,
      overdue: false,
      ...initialVars,
    },
    tier: 'VILLAGE',
    status: 'REPORTED',
    statusLabel: null,
    department: null,
    ended: false,
    closedTier: null,
    closedAt: null,
    acceptedAt: null,
    reworkCount: 0,
    escalations: 0,
    overdueCount: 0,
    doneTasks: [],
    incidents: [],
  };
}

export class Engine {
  outbox: AuditRecord[] = [];
  notifications: NotificationRecord[] = [];
  /** task ids whose projection row changed since the last flush */
  dirtyTasks = new Set<string>();
  dirtyApprovals = new Set<string>();
  caseDirty = false;
  private now = '';
  private reach = new Map<string, Set<string>>();

  constructor(
    readonly model: ProcessModel,
    readonly facts: CaseFacts,
    public state: EngineState,
    /** whether a behaviour added later is on (the workflow answers with patched(); on by default) */
    private readonly patched: (id: EnginePatch) => boolean = () => true,
  ) {}

  // ---------------------------------------------------------------------------------------
  // inputs

  start(now: string): void {
    this.now = now;
    const at = this.patched('report-at-reported') && this.facts.reportedAt ? this.facts.reportedAt : now;
    this.audit('report', this.facts.reporter, null, 'REPORTED', null, { element: this.model.start }, { at });
    this.caseDirty = true;
    this.state.tokens.push({ elementId: this.model.start, scope: null, viaFlow: null, prev: null });
    this.run();
  }

  /** The activity resolved the task's candidates and deadline. */
  taskOpened(instanceId: string, r: TaskOpened, now: string): void {
    this.now = now;
    const inst = this.state.instances[instanceId];
    if (!inst || inst.state !== 'opening' || !inst.task) return;
    const el = this.el(inst.elementId) as UserTaskModel;
    inst.state = 'open';
    Object.assign(inst.task, { tier: r.tier, orgUnitId: r.orgUnitId, departmentId: r.departmentId, principals: r.principals, dueAt: r.dueAt, limit: r.limit });
    this.dirtyTasks.add(inst.task.taskId);
    this.audit(
      'dispatchTask',
      SYSTEM_ACTOR,
      null,
      null,
      null,
      {
        element: el.id,
        taskId: inst.task.taskId,
        name: inst.task.name,
        candidates: r.principals,
        orgUnitId: r.orgUnitId,
        departmentId: r.departmentId,
        dueAt: r.dueAt,
      },
      this.atTask(inst.task),
    );
    this.notify({ key: `task:${inst.task.taskId}`, kind: 'TASK', to: { principals: r.principals }, taskId: inst.task.taskId, title: `新任务：${inst.task.name}`, body: `案件 ${this.facts.caseId} 待办理，时限 ${r.dueAt}` });
    r.reminderAts.forEach((at, i) => this.addTimer({ kind: 'reminder', instanceId, elementId: `${el.id}#reminder${i}`, fireAt: at }));
    this.addTimer({ kind: 'overdue', instanceId, elementId: el.id, fireAt: r.dueAt });
    this.armDeadlineBoundaries(inst);
    this.caseDirty = true;
    this.run();
  }

  /** A notify/handOver service task is done: notify writes its notification (to the target rule, resolved when written). */
  serviceDone(instanceId: string, now: string): void {
    this.now = now;
    const inst = this.state.instances[instanceId];
    if (!inst || inst.kind !== 'serviceTask' || inst.state !== 'running') return;
    const el = this.el(inst.elementId);
    let result: Record<string, unknown> = {};
    if (el.type === 'serviceTask' && el.action === 'handOver') {
      this.state.department = el.target?.replace(/^department:/, '') ?? null;
      this.caseDirty = true;
      result = { department: this.state.department };
    }
    if (el.type === 'serviceTask' && el.action === 'notify' && el.target) {
      this.notify({
        key: `notify:${inst.id}`,
        kind: 'NOTICE',
        to: { rule: el.target, tier: this.state.tier },
        taskId: null,
        title: `${el.name ?? '通知'}：案件 ${this.facts.caseId}`,
        body: el.message ?? `案件 ${this.facts.caseId}`,
      });
      result = { target: el.target };
    }
    this.audit(el.type === 'serviceTask' ? el.action : 'service', SYSTEM_ACTOR, null, null, null, { element: el.id, ...result });
    this.leave(inst);
    this.run();
  }

  /** The business calendar gave a timer's fire time. */
  timerComputed(timerId: string, fireAt: string): void {
    const t = this.state.timers[timerId];
    if (t && t.fireAt === null) {
      t.fireAt = fireAt;
      t.compute = null;
    }
  }

  deadlineChanged(instanceId: string, dueAt: string, now: string, actor: Actor, reason: string | null): void {
    this.now = now;
    const inst = this.state.instances[instanceId];
    if (!inst?.task) return;
    const from = inst.task.dueAt;
    inst.task.dueAt = dueAt;
    inst.task.overdue = false;
    for (const t of Object.values(this.state.timers)) if (t.instanceId === instanceId && (t.kind === 'overdue' || (t.kind === 'boundary' && this.isDeadlineBoundary(t.elementId)))) delete this.state.timers[t.id];
    this.addTimer({ kind: 'overdue', instanceId, elementId: inst.elementId, fireAt: dueAt });
    this.armDeadlineBoundaries(inst);
    this.dirtyTasks.add(inst.task.taskId);
    this.caseDirty = true;
    this.audit('changeDeadline', actor, null, null, reason, { taskId: inst.task.taskId, from, to: dueAt }, this.atTask(inst.task));
  }

  timerFired(timerId: string, now: string): void {
    this.now = now;
    const t = this.state.timers[timerId];
    if (!t) return;
    const inst = this.state.instances[t.instanceId];
    delete this.state.timers[timerId];
    if (!inst) return;
    this.rearm(t);
    switch (t.kind) {
      case 'reminder': {
        const task = inst.task;
        if (!task) return;
        this.audit('urge', SYSTEM_ACTOR, null, null, '时限提醒', { taskId: task.taskId, automatic: true, dueAt: task.dueAt }, this.atTask(task));
        this.notify({
          key: `reminder:${t.id}`,
          kind: 'REMINDER',
          to: { principals: task.assignee?.userId ? [`user:${task.assignee.userId}`] : task.principals },
          taskId: task.taskId,
          title: `催办：${task.name}`,
          body: `案件 ${this.facts.caseId} 的任务「${task.name}」将于 ${task.dueAt} 到期，请尽快办理。`,
        });
        return;
      }
      case 'overdue': {
        const task = inst.task;
        if (!task) return;
        task.overdue = true;
        this.state.overdueCount += 1;
        this.state.vars.overdue = true;
        this.dirtyTasks.add(task.taskId);
        this.caseDirty = true;
        this.audit('overdue', SYSTEM_ACTOR, null, null, null, { taskId: task.taskId, orgUnitId: task.orgUnitId, departmentId: task.departmentId, tier: task.tier, dueAt: task.dueAt }, this.atTask(task));
        const above = tierAbove(task.tier);
        this.audit('supervise', SYSTEM_ACTOR, null, null, '超期自动督办', { taskId: task.taskId, automatic: true, supervisorTier: above });
        this.notify({
          key: `supervise:${t.id}`,
          kind: 'SUPERVISE',
          to: { rule: 'role:supervisor@tier:current', tier: above },
          taskId: task.taskId,
          title: `督办：${task.name}`,
          body: `案件 ${this.facts.caseId} 的任务「${task.name}」已超期（时限 ${task.dueAt}），请督办。`,
        });
        this.run();
        return;
      }
      case 'boundary':
        // a deadline is recorded (overdue, supervised) before a boundary due at the same time moves
        // the case on, whichever of the two timers Temporal happens to deliver first
        for (const o of Object.values(this.state.timers)) {
          if (o.instanceId === t.instanceId && o.kind === 'overdue' && o.fireAt && t.fireAt && o.fireAt <= t.fireAt) this.timerFired(o.id, now);
        }
        if (!this.state.instances[inst.id]) return;
        this.triggerBoundary(this.el(t.elementId) as BoundaryEventModel, inst);
        this.run();
        return;
      case 'catch':
        this.audit('timer', SYSTEM_ACTOR, null, null, null, { element: inst.elementId });
        this.leave(inst);
        this.run();
        return;
    }
  }

  /** Delivers a message to every boundary event and catch event waiting for it; returns how many. */
  message(name: string, actor: Actor, data: Record<string, unknown>, now: string): number {
    this.now = now;
    let matched = 0;
    for (const inst of Object.values(this.state.instances)) {
      if (!this.state.instances[inst.id]) continue;
      const el = this.el(inst.elementId);
      if (inst.kind === 'catchEvent' && el.type === 'intermediateCatchEvent' && el.trigger.kind === 'message' && el.trigger.message === name) {
        matched += 1;
        this.mergeVars(data);
        this.audit('message', actor, null, null, null, { element: el.id, message: name, data });
        this.leave(inst);
        continue;
      }
      if (inst.state === 'opening' || !('boundary' in el)) continue;
      for (const b of el.boundary) {
        const be = this.el(b) as BoundaryEventModel;
        if (be.trigger.kind === 'message' && be.trigger.message === name && this.state.instances[inst.id]) {
          matched += 1;
          this.mergeVars(data);
          this.audit('message', actor, null, null, null, { element: be.id, message: name, data });
          this.triggerBoundary(be, inst);
        }
      }
    }
    if (!matched) this.audit('messageIgnored', actor, null, null, null, { message: name });
    this.run();
    return matched;
  }

  // ----- task actions (each throws EngineError when illegal; validate* only checks) -----

  findTask(taskId: string): { inst: Instance; task: TaskInfo; el: UserTaskModel } {
    for (const inst of Object.values(this.state.instances)) {
      if (inst.task?.taskId === taskId) return { inst, task: inst.task, el: this.el(inst.elementId) as UserTaskModel };
    }
    if (this.state.doneTasks.some((t) => t.taskId === taskId)) throw new EngineError('TASK_NOT_ACTIVE', `task ${taskId} is already finished`);
    throw new EngineError('TASK_NOT_FOUND', `task ${taskId} is not a task of this case`);
  }

  private activeTask(taskId: string) {
    const found = this.findTask(taskId);
    if (found.inst.state !== 'open') throw new EngineError('TASK_NOT_READY', `task ${taskId} is still being dispatched`);
    return found;
  }

  validateClaim(taskId: string, actor: Actor): void {
    const { task } = this.activeTask(taskId);
    if (task.assignee && task.assignee.userId !== actor.userId) throw new EngineError('TASK_CLAIMED', `task ${taskId} is held by ${task.assignee.name}`);
  }

  claim(taskId: string, actor: Actor, now: string): TaskInfo {
    this.now = now;
    this.validateClaim(taskId, actor);
    const { task } = this.activeTask(taskId);
    if (task.assignee?.userId === actor.userId) return task;
    task.assignee = actor;
    task.state = 'CLAIMED';
    task.claimedAt = now;
    this.dirtyTasks.add(taskId);
    this.audit('claim', actor, null, null, null, { taskId }, this.atTask(task));
    return task;
  }

  validateUnclaim(taskId: string, actor: Actor): void {
    const { task } = this.activeTask(taskId);
    if (!task.assignee) throw new EngineError('TASK_NOT_CLAIMED', `task ${taskId} is not claimed`);
    if (task.assignee.userId !== actor.userId) throw new EngineError('TASK_CLAIMED', `task ${taskId} is held by ${task.assignee.name}`);
  }

  unclaim(taskId: string, actor: Actor, now: string): TaskInfo {
    this.now = now;
    this.validateUnclaim(taskId, actor);
    const { task } = this.activeTask(taskId);
    task.assignee = null;
    task.state = 'OPEN';
    task.claimedAt = null;
    this.dirtyTasks.add(taskId);
    this.audit('unclaim', actor, null, null, null, { taskId }, this.atTask(task));
    return task;
  }

  validateComplete(taskId: string, actor: Actor, outcome: string | undefined, data: unknown): void {
    const { task, el } = this.activeTask(taskId);
    if (task.assignee && task.assignee.userId !== actor.userId) throw new EngineError('TASK_CLAIMED', `task ${taskId} is held by ${task.assignee.name}`);
    const o = outcome ?? (el.outcomes.length === 1 ? el.outcomes[0] : undefined);
    if (o === undefined) throw new EngineError('OUTCOME_REQUIRED', `outcome is required: one of ${el.outcomes.join(', ')}`);
    if (!el.outcomes.includes(o)) throw new EngineError('OUTCOME_INVALID', `outcome "${o}" is not one of ${el.outcomes.join(', ')}`);
    if (data !== undefined && (data === null || typeof data !== 'object' || Array.isArray(data))) throw new EngineError('FORM_INVALID', 'data must be an object');
    if (el.form) {
      const errors = validateForm(el.form, data ?? {});
      if (errors.length) throw new EngineError('FORM_INVALID', errors.join('; '));
    }
  }

  complete(taskId: string, actor: Actor, outcome: string | undefined, data: Record<string, unknown> | undefined, now: string): TaskInfo {
    this.now = now;
    this.validateComplete(taskId, actor, outcome, data);
    const { inst, task, el } = this.activeTask(taskId);
    const o = outcome ?? el.outcomes[0];
    task.state = 'COMPLETED';
    task.outcome = o;
    task.data = data ?? {};
    task.completedAt = now;
    if (!task.assignee) task.assignee = actor;
    this.state.vars.outcome = o;
    this.mergeVars(data ?? {});
    this.audit('complete', actor, null, null, null, { taskId, element: el.id, outcome: o, data: data ?? {} }, this.atTask(task));
    this.leave(inst, el.id);
    this.run();
    return task;
  }

  validateEscalate(taskId: string, actor: Actor): void {
    const { task, el } = this.activeTask(taskId);
    if (task.assignee && task.assignee.userId !== actor.userId) throw new EngineError('TASK_CLAIMED', `task ${taskId} is held by ${task.assignee.name}`);
    if (!el.escalatable) throw new EngineError('NOT_ESCALATABLE', `task ${taskId} cannot be escalated: its assignee rule ${el.assignee} does not follow the tier`);
    if (!nextTier(this.state.tier)) throw new EngineError('TOP_TIER', `the case is already at the top tier (${this.state.tier})`);
  }

  /** 无力处置: the case moves one tier up and the task is dispatched again there. */
  escalate(taskId: string, actor: Actor, reason: string, now: string): TaskInfo {
    this.now = now;
    this.validateEscalate(taskId, actor);
    const { inst, task, el } = this.activeTask(taskId);
    task.state = 'ESCALATED';
    task.completedAt = now;
    const from = this.state.tier;
    this.moveTier(nextTier(from) as Tier);
    this.audit('escalate', actor, null, null, reason, { taskId, element: el.id, fromTier: from, toTier: this.state.tier });
    this.cancelInstance(inst, 'ESCALATED');
    this.state.tokens.push({ elementId: el.id, scope: inst.scope, viaFlow: null, prev: inst.prev });
    this.run();
    return task;
  }

  validateRequest(kind: ApprovalKind, taskId: string, actor: Actor, duration?: string): void {
    const { task, inst } = this.activeTask(taskId);
    if (task.assignee && task.assignee.userId !== actor.userId) throw new EngineError('TASK_CLAIMED', `task ${taskId} is held by ${task.assignee.name}`);
    if (this.state.approvals.some((a) => a.taskId === taskId && a.kind === kind && a.state === 'PENDING')) throw new EngineError('APPROVAL_PENDING', `a ${kind.toLowerCase()} request for task ${taskId} is already waiting for approval`);
    if (kind === 'RETURN' && !inst.prev) throw new EngineError('NOTHING_TO_RETURN_TO', `task ${taskId} has no earlier step to return to`);
    if (kind === 'EXTENSION' || kind === 'DEFERRAL') {
      if (!duration) throw new EngineError('DURATION_REQUIRED', 'duration is required (ISO 8601, e.g. P2D)');
      try {
        clockDurationMs(duration);
      } catch (e) {
        throw new EngineError('DURATION_INVALID', (e as Error).message);
      }
      if (kind === 'EXTENSION' && task.overdue) throw new EngineError('ALREADY_OVERDUE', 'an extension must be asked for before the deadline');
    }
  }

  request(kind: ApprovalKind, taskId: string, actor: Actor, reason: string, duration: string | null, now: string): Approval {
    this.now = now;
    this.validateRequest(kind, taskId, actor, duration ?? undefined);
    const { task } = this.activeTask(taskId);
    const approval: Approval = {
      id: `${this.facts.caseId}/A${this.state.nextId++}`,
      kind,
      taskId,
      state: 'PENDING',
      reason,
      duration,
      requestedBy: actor,
      requestedAt: now,
      approverTier: tierAbove(task.tier),
      decidedBy: null,
      decidedAt: null,
      note: null,
    };
    this.state.approvals.push(approval);
    this.dirtyApprovals.add(approval.id);
    this.audit(REQUEST_ACTION[kind], actor, null, null, reason, { taskId, approvalId: approval.id, duration }, this.atTask(task));
    this.notify({
      key: `approval:${approval.id}`,
      kind: 'APPROVAL',
      to: { rule: 'role:supervisor@tier:current', tier: approval.approverTier },
      taskId,
      title: `${REQUEST_TITLE[kind]}：${task.name}`,
      body: `案件 ${this.facts.caseId}：${reason}`,
    });
    return approval;
  }

  validateDecision(approvalId: string): Approval {
    const a = this.state.approvals.find((x) => x.id === approvalId);
    if (!a) throw new EngineError('APPROVAL_NOT_FOUND', `approval ${approvalId} is not a request of this case`);
    if (a.state !== 'PENDING') throw new EngineError('APPROVAL_DECIDED', `approval ${approvalId} was already ${a.state.toLowerCase()}`);
    return a;
  }

  /** Returns the approval; an approved extension leaves a deadline to recompute (see pendingExtensions). */
  decide(approvalId: string, actor: Actor, approve: boolean, note: string | null, now: string): Approval {
    this.now = now;
    const a = this.validateDecision(approvalId);
    a.state = approve ? 'APPROVED' : 'REJECTED';
    a.decidedBy = actor;
    a.decidedAt = now;
    a.note = note;
    this.dirtyApprovals.add(a.id);
    this.audit(approve ? 'approve' : 'rejectRequest', actor, null, null, note, { approvalId, kind: a.kind, taskId: a.taskId });
    if (approve) {
      let found: ReturnType<Engine['findTask']> | undefined;
      try {
        found = this.findTask(a.taskId);
      } catch {
        found = undefined;
      }
      if (a.kind === 'VOID') this.voidCase(a);
      if (found && a.kind === 'RETURN' && found.inst.prev) {
        found.task.state = 'RETURNED';
        found.task.completedAt = now;
        this.audit('return', a.requestedBy, null, null, a.reason, { taskId: a.taskId, to: found.inst.prev }, this.atTask(found.task));
        this.cancelInstance(found.inst, 'RETURNED');
        // the earlier step may lie outside the sub-process(es) the task runs in: leave them
        const targetScope = this.el(found.inst.prev).scope;
        let scope = found.inst.scope;
        while (scope !== null && this.state.instances[scope] && this.state.instances[scope].elementId !== targetScope) {
          const sub = this.state.instances[scope];
          scope = sub.scope;
          this.cancelInstance(sub);
        }
        this.state.tokens.push({ elementId: found.inst.prev, scope, viaFlow: null, prev: null });
      }
    }
    this.run();
    return a;
  }

  /** Approved extensions whose new deadline has not been computed yet. */
  pendingExtensions(): { approval: Approval; instanceId: string; from: string; duration: string; calendar: CalendarKind }[] {
    const out: { approval: Approval; instanceId: string; from: string; duration: string; calendar: CalendarKind }[] = [];
    for (const a of this.state.approvals) {
      if ((a.kind !== 'EXTENSION' && a.kind !== 'DEFERRAL') || a.state !== 'APPROVED' || !a.duration) continue;
      if (a.applied) continue;
      const inst = Object.values(this.state.instances).find((i) => i.task?.taskId === a.taskId);
      if (!inst?.task?.dueAt) {
        a.applied = true;
        continue;
      }
      out.push({ approval: a, instanceId: inst.id, from: inst.task.dueAt, duration: a.duration, calendar: inst.task.limit?.calendar ?? 'CLOCK' });
    }
    return out;
  }

  extensionApplied(approvalId: string, dueAt: string, now: string): void {
    const a = this.state.approvals.find((x) => x.id === approvalId);
    if (!a || a.applied) return;
    a.applied = true;
    const inst = Object.values(this.state.instances).find((i) => i.task?.taskId === a.taskId);
    if (inst) this.deadlineChanged(inst.id, dueAt, now, a.decidedBy ?? SYSTEM_ACTOR, `${a.kind === 'DEFERRAL' ? '缓办' : '延期'}：${a.reason}`);
  }

  /** 作废 approved: every open element is cancelled and the case ends as VOIDED. */
  private voidCase(a: Approval): void {
    for (const inst of Object.values(this.state.instances)) this.cancelInstance(inst);
    this.state.tokens = [];
    this.state.joins = {};
    const from = this.state.status;
    this.state.status = 'VOIDED';
    this.state.statusLabel = '已作废';
    this.audit('void', a.requestedBy, from, 'VOIDED', a.reason, { approvalId: a.id, approvedBy: a.decidedBy });
    this.endCase();
  }

  /**
   * 撤回 by the reporter while the report has not been dispatched yet (its status has not reached
   * DISPATCHED: 受理 and 立案 are still the centre's own work): every open element is cancelled
   * and the case ends as WITHDRAWN, whatever the diagram draws. Once dispatched, only a message
   * boundary the diagram draws (e.g. `withdraw` on 处置) can take a withdrawal.
   */
  validateWithdraw(actor: Actor): void {
    if (this.facts.reporter.userId === null || actor.userId !== this.facts.reporter.userId) throw new EngineError('NOT_REPORTER', 'only the reporter may withdraw the case');
    if (!WITHDRAWABLE_STATUSES.includes(this.state.status)) throw new EngineError('ALREADY_DISPATCHED', `the case has been dispatched (${this.state.status}): it can no longer be withdrawn`);
  }

  withdraw(actor: Actor, reason: string, now: string): void {
    this.now = now;
    this.validateWithdraw(actor);
    for (const inst of Object.values(this.state.instances)) this.cancelInstance(inst);
    this.state.tokens = [];
    this.state.joins = {};
    const from = this.state.status;
    this.state.status = 'WITHDRAWN';
    this.state.statusLabel = '已撤回';
    this.audit('withdraw', actor, from, 'WITHDRAWN', reason, {});
    this.endCase();
  }

  comment(taskId: string | null, actor: Actor, text: string, now: string): void {
    this.now = now;
    const task = taskId ? this.findTask(taskId).task : null;
    this.audit('comment', actor, null, null, text, { taskId }, task ? this.atTask(task) : undefined);
  }

  /**
   * 立案 classified the case (a task completed with a category): later deadlines on the category's
   * limits, `department:home` and gateway conditions see the new category.
   */
  classify(c: { category: string; categoryMajor: string | null; homeDepartment: string | null }): void {
    this.facts.category = c.category;
    this.facts.categoryMajor = c.categoryMajor;
    this.facts.homeDepartment = c.homeDepartment;
    this.state.vars.category = c.category;
    this.state.vars.categoryMajor = c.categoryMajor;
    this.caseDirty = true;
  }

  /** 催办 by hand: reminds whoever holds the open tasks (or one task). */
  urge(actor: Actor, note: string | null, taskId: string | null, now: string): number {
    this.now = now;
    const tasks = this.openTasks().filter((t) => !taskId || t.taskId === taskId);
    const n = this.state.nextId++;
    this.audit('urge', actor, null, null, note, { taskIds: tasks.map((t) => t.taskId), automatic: false });
    for (const task of tasks) {
      this.notify({
        key: `urge:${n}:${task.taskId}`,
        kind: 'URGE',
        to: { principals: task.assignee?.userId ? [`user:${task.assignee.userId}`] : task.principals },
        taskId: task.taskId,
        title: `催办：${task.name}`,
        body: note ?? `案件 ${this.facts.caseId} 请尽快办理。`,
      });
    }
    return tasks.length;
  }

  /** 督办 by hand: an instruction to every open task, optionally with a new deadline. */
  supervise(actor: Actor, instruction: string, newDeadline: string | null, now: string): number {
    this.now = now;
    if (typeof instruction !== 'string' || !instruction.trim()) throw new EngineError('BAD_INPUT', 'instruction is required');
    if (newDeadline !== null && (typeof newDeadline !== 'string' || Number.isNaN(Date.parse(newDeadline)))) throw new EngineError('DEADLINE_INVALID', `newDeadline "${String(newDeadline)}" is not an ISO 8601 date-time`);
    if (newDeadline !== null) newDeadline = new Date(Date.parse(newDeadline)).toISOString();
    const tasks = this.openTasks();
    const n = this.state.nextId++;
    this.audit('supervise', actor, null, null, instruction, { taskIds: tasks.map((t) => t.taskId), automatic: false, newDeadline });
    for (const task of tasks) {
      this.notify({
        key: `supervise:${n}:${task.taskId}`,
        kind: 'SUPERVISE',
        to: { principals: task.assignee?.userId ? [`user:${task.assignee.userId}`] : task.principals },
        taskId: task.taskId,
        title: `督办：${task.name}`,
        body: instruction,
      });
      if (newDeadline) {
        const inst = Object.values(this.state.instances).find((i) => i.task?.taskId === task.taskId);
        if (inst) this.deadlineChanged(inst.id, newDeadline, now, actor, instruction);
      }
    }
    return tasks.length;
  }

  openTasks(): TaskInfo[] {
    return Object.values(this.state.instances)
      .filter((i) => i.task && i.state === 'open')
      .map((i) => i.task as TaskInfo);
  }

  // ---------------------------------------------------------------------------------------
  // what the workflow must do next

  openingTasks(): Instance[] {
    return Object.values(this.state.instances).filter((i) => i.kind === 'userTask' && i.state === 'opening');
  }

  runningServices(): Instance[] {
    return Object.values(this.state.instances).filter((i) => i.kind === 'serviceTask' && i.state === 'running');
  }

  timersToCompute(): TimerState[] {
    return Object.values(this.state.timers).filter((t) => t.fireAt === null && t.compute);
  }

  /** What a user task needs resolved: its rule, tier and deadline spec. */
  taskRequest(inst: Instance): { rule: string; tier: Tier; deadline: DeadlineSpec; reminders: ReminderSpec[]; name: string } {
    const el = this.el(inst.elementId) as UserTaskModel;
    return { rule: el.assignee, tier: this.state.tier, deadline: el.deadline, reminders: el.reminders, name: inst.task?.name ?? el.name ?? el.id };
  }

  takeOutbox(): { audit: AuditRecord[]; notifications: NotificationRecord[]; tasks: TaskInfo[]; approvals: Approval[]; caseChanged: boolean } {
    const tasks: TaskInfo[] = [];
    for (const id of this.dirtyTasks) {
      const t = Object.values(this.state.instances).find((i) => i.task?.taskId === id)?.task ?? this.state.doneTasks.find((d) => d.taskId === id);
      if (t) tasks.push({ ...t });
    }
    const out = {
      audit: this.outbox,
      notifications: this.notifications,
      tasks,
      approvals: this.state.approvals.filter((a) => this.dirtyApprovals.has(a.id)).map((a) => ({ ...a })),
      caseChanged: this.caseDirty,
    };
    this.outbox = [];
    this.notifications = [];
    this.dirtyTasks = new Set();
    this.dirtyApprovals = new Set();
    this.caseDirty = false;
    return out;
  }

  /** The earliest deadline among open tasks. */
  dueAt(): string | null {
    let due: string | null = null;
    for (const t of this.openTasks()) if (t.dueAt && (!due || t.dueAt < due)) due = t.dueAt;
    return due;
  }

  activeElements(): string[] {
    return Object.values(this.state.instances).map((i) => i.elementId);
  }

  // ---------------------------------------------------------------------------------------
  // the token game

  private el(id: string): ElementModel {
    const el = this.model.elements[id];
    if (!el) throw new EngineError('MODEL', `element ${id} is not in the process model`);
    return el;
  }

  private newId(prefix: string): string {
    return `${prefix}${this.state.nextId++}`;
  }

  private audit(
    action: string,
    actor: Actor,
    fromStatus: CaseStatusCode | null,
    toStatus: CaseStatusCode | null,
    reason: string | null,
    payload: Record<string, unknown>,
    where: { tier?: Tier; at?: string } = {},
  ): void {
    this.outbox.push({ action, actor, fromStatus, toStatus, tier: where.tier ?? this.state.tier, reason, payload, at: where.at ?? this.now });
  }

  /** Where a row of a task's own work happened: at the task's tier (patch `audit-task-tier`), else the case's. */
  private atTask(task: TaskInfo): { tier?: Tier } {
    return this.patched('audit-task-tier') ? { tier: task.tier } : {};
  }

  private notify(n: NotificationRecord): void {
    this.notifications.push(n);
  }

  private mergeVars(data: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(data)) {
      if (['category', 'categoryMajor', 'tier', 'reworkCount', 'escalations', 'overdue', '__proto__', 'constructor', 'prototype'].includes(k)) continue;
      this.state.vars[k] = v;
    }
  }

  private moveTier(tier: Tier): void {
    this.state.tier = tier;
    this.state.vars.tier = tier;
    this.state.escalations += 1;
    this.state.vars.escalations = this.state.escalations;
    this.caseDirty = true;
  }

  private setStatus(el: ElementModel): void {
    if (!el.status && !el.statusLabel) return;
    const from = this.state.status;
    if (el.status && el.status !== from) {
      this.state.status = el.status;
      if (from === 'REPORTED' && !FINAL_STATUSES.includes(el.status)) this.state.acceptedAt ??= this.now;
      this.audit('status', SYSTEM_ACTOR, from, el.status, null, { element: el.id, label: el.statusLabel });
    }
    if (el.statusLabel) this.state.statusLabel = el.statusLabel;
    this.caseDirty = true;
  }

  /** Moves tokens until every one waits in an activity, a join or has ended. */
  private run(): void {
    let guard = 0;
    for (;;) {
      while (this.state.tokens.length) {
        if (++guard > 10_000) {
          this.incident(this.state.tokens[0].elementId, 'the process loops without waiting for anything');
          this.state.tokens = [];
          break;
        }
        const token = this.state.tokens.shift() as Token;
        if (token.scope !== null && !this.state.instances[token.scope]) continue; // its scope was cancelled
        this.enter(token);
      }
      if (!this.fireInclusiveJoins()) break;
    }
  }

  private incident(elementId: string, message: string): void {
    this.state.incidents.push({ elementId, message, at: this.now });
    this.audit('incident', SYSTEM_ACTOR, null, null, message, { element: elementId });
  }

  private enter(token: Token): void {
    if (this.state.ended) return;
    const el = this.el(token.elementId);
    switch (el.type) {
      case 'startEvent':
        this.setStatus(el);
        this.follow(el, token.scope, token.prev);
        return;
      case 'endEvent':
        this.setStatus(el);
        this.end(el, token);
        return;
      case 'exclusiveGateway':
      case 'inclusiveGateway':
      case 'parallelGateway':
        this.gateway(el, token);
        return;
      case 'userTask': {
        const inst = this.activate(el, token, 'userTask', 'T', 'opening');
        inst.task = {
          taskId: `${this.facts.caseId}/${inst.id}`,
          elementId: el.id,
          name: el.name ?? el.id,
          state: 'OPEN',
          rule: el.assignee,
          tier: this.state.tier,
          orgUnitId: null,
          departmentId: null,
          principals: [],
          assignee: null,
          createdAt: this.now,
          dueAt: null,
          limit: null,
          overdue: false,
          outcome: null,
          data: null,
          priority: el.priority,
          claimedAt: null,
          completedAt: null,
        };
        return;
      }
      case 'serviceTask':
        this.serviceInline(this.activate(el, token, 'serviceTask', 'S', 'running'));
        return;
      case 'subProcess': {
        const inst = this.activate(el, token, 'subProcess', 'P', 'open');
        this.state.tokens.push({ elementId: el.start, scope: inst.id, viaFlow: null, prev: token.prev });
        return;
      }
      case 'intermediateCatchEvent': {
        const inst = this.activate(el, token, 'catchEvent', 'C', 'waiting');
        if (el.trigger.kind === 'timer') this.armTimer(el.trigger.timer, 'catch', inst.id, el.id, this.now);
        return;
      }
      case 'boundaryEvent':
        // reached only through its trigger
        this.follow(el, token.scope, token.prev);
        return;
    }
  }

  /** The instance an activity or catch event runs as, its status applied and its boundary timers armed. */
  private activate(el: ElementModel, token: Token, kind: Instance['kind'], prefix: string, state: Instance['state']): Instance {
    // 结案 writes its own transition, from the status the case had
    const closes = el.type === 'serviceTask' && el.action === 'close' && this.patched('close-once');
    if (!closes) this.setStatus(el);
    const inst: Instance = { id: this.newId(prefix), elementId: el.id, scope: token.scope, kind, state, prev: token.prev };
    this.state.instances[inst.id] = inst;
    this.armBoundaries(inst);
    return inst;
  }

  /** Service actions that need no outside help run at once; the others wait for the workflow. */
  private serviceInline(inst: Instance): void {
    const el = this.el(inst.elementId);
    if (el.type !== 'serviceTask') return;
    switch (el.action) {
      case 'escalateTier': {
        const up = nextTier(this.state.tier);
        const from = this.state.tier;
        if (up) this.moveTier(up);
        this.audit('escalate', SYSTEM_ACTOR, null, null, up ? null : '已在最高层级', { element: el.id, fromTier: from, toTier: this.state.tier });
        this.leave(inst);
        return;
      }
      case 'rework':
        this.state.reworkCount += 1;
        this.state.vars.reworkCount = this.state.reworkCount;
        this.caseDirty = true;
        this.audit('rework', SYSTEM_ACTOR, null, null, null, { element: el.id, reworkCount: this.state.reworkCount });
        this.leave(inst);
        return;
      case 'close': {
        const from = this.state.status;
        this.state.status = 'CLOSED';
        this.state.statusLabel = el.statusLabel ?? this.state.statusLabel;
        this.state.closedTier = this.state.tier;
        this.state.closedAt = this.now;
        this.caseDirty = true;
        this.audit('close', SYSTEM_ACTOR, from, 'CLOSED', null, { element: el.id, closedTier: this.state.tier });
        this.leave(inst);
        return;
      }
      case 'evaluate': {
        const onTime = this.state.overdueCount === 0;
        this.state.vars.onTime = onTime;
        this.audit('evaluate', SYSTEM_ACTOR, null, null, null, {
          element: el.id,
          onTime,
          overdueCount: this.state.overdueCount,
          reworkCount: this.state.reworkCount,
          escalations: this.state.escalations,
          closedTier: this.state.closedTier ?? this.state.tier,
        });
        this.leave(inst);
        return;
      }
      default:
        return; // notify, handOver: the workflow calls serviceDone() (workflows/case.ts settle)
    }
  }

  /** Outgoing flows of a non-gateway element: one token each. */
  private follow(el: ElementModel, scope: string | null, prev: string | null): void {
    if (!el.outgoing.length) {
      this.tokenEnded(scope);
      return;
    }
    for (const f of el.outgoing) this.state.tokens.push({ elementId: this.model.flows[f].target, scope, viaFlow: f, prev });
  }

  private leave(inst: Instance, completedUserTask?: string): void {
    const el = this.el(inst.elementId);
    this.removeInstance(inst);
    if (inst.task) this.retireTask(inst.task);
    this.follow(el, inst.scope, completedUserTask ?? inst.prev);
  }

  private retireTask(task: TaskInfo): void {
    this.dirtyTasks.add(task.taskId);
    this.state.doneTasks.push(task);
    if (this.state.doneTasks.length > 50) this.state.doneTasks.splice(0, this.state.doneTasks.length - 50);
    this.caseDirty = true;
  }

  private removeInstance(inst: Instance): void {
    delete this.state.instances[inst.id];
    for (const t of Object.values(this.state.timers)) if (t.instanceId === inst.id) delete this.state.timers[t.id];
  }

  private cancelInstance(inst: Instance, taskState: TaskState = 'CANCELLED'): void {
    if (!this.state.instances[inst.id]) return;
    if (inst.kind === 'subProcess') {
      for (const child of Object.values(this.state.instances)) if (child.scope === inst.id) this.cancelInstance(child);
      this.state.tokens = this.state.tokens.filter((t) => t.scope !== inst.id);
      for (const key of Object.keys(this.state.joins)) if (key.startsWith(`${inst.id}|`)) delete this.state.joins[key];
    }
    if (inst.task) {
      if (inst.task.state === 'OPEN' || inst.task.state === 'CLAIMED') {
        inst.task.state = taskState;
        inst.task.completedAt = this.now;
      }
      this.retireTask(inst.task);
    }
    this.removeInstance(inst);
  }

  /** A token finished in its scope: completes the sub-process or the case when nothing is left. */
  private tokenEnded(scope: string | null): void {
    const busy =
      Object.values(this.state.instances).some((i) => i.scope === scope) ||
      this.state.tokens.some((t) => t.scope === scope) ||
      Object.entries(this.state.joins).some(([k, j]) => k.startsWith(`${scope ?? ''}|`) && j.arrived.length > 0);
    if (busy) return;
    if (scope === null) {
      this.endCase();
      return;
    }
    const sub = this.state.instances[scope];
    if (sub) this.leave(sub);
  }

  private endCase(): void {
    if (this.state.ended) return;
    this.state.ended = true;
    const from = this.state.status;
    if (!FINAL_STATUSES.includes(this.state.status)) this.state.status = 'CLOSED';
    if (this.state.status === 'CLOSED') {
      this.state.closedTier ??= this.state.tier;
      this.state.closedAt ??= this.now;
    } else {
      this.state.closedAt ??= this.now;
    }
    this.state.timers = {};
    this.caseDirty = true;
    this.audit('end', SYSTEM_ACTOR, from, this.state.status, null, { closedTier: this.state.closedTier });
  }

  private end(el: Extract<ElementModel, { type: 'endEvent' }>, token: Token): void {
    if (el.end.kind === 'terminate') {
      if (token.scope === null) {
        for (const inst of Object.values(this.state.instances)) this.cancelInstance(inst);
        this.state.tokens = [];
        this.state.joins = {};
        this.audit('terminate', SYSTEM_ACTOR, null, null, null, { element: el.id });
        this.endCase();
        return;
      }
      const sub = this.state.instances[token.scope];
      if (!sub) return;
      for (const child of Object.values(this.state.instances)) if (child.scope === sub.id) this.cancelInstance(child);
      this.state.tokens = this.state.tokens.filter((t) => t.scope !== sub.id);
      this.audit('terminate', SYSTEM_ACTOR, null, null, null, { element: el.id, scope: sub.elementId });
      this.leave(sub);
      return;
    }
    if (el.end.kind === 'escalation') {
      const code = el.end.code;
      this.audit('throwEscalation', SYSTEM_ACTOR, null, null, null, { element: el.id, code });
      // the nearest enclosing sub-process with a matching escalation boundary catches it
      let scopeId = token.scope;
      while (scopeId !== null) {
        const sub = this.state.instances[scopeId];
        if (!sub) break;
        const subEl = this.el(sub.elementId) as Extract<ElementModel, { type: 'subProcess' }>;
        const catcher = subEl.boundary
          .map((b) => this.el(b) as BoundaryEventModel)
          .find((b) => b.trigger.kind === 'escalation' && (b.trigger.code === null || b.trigger.code === code));
        if (catcher) {
          if (!catcher.interrupting) this.tokenEnded(token.scope);
          this.triggerBoundary(catcher, sub);
          return;
        }
        scopeId = sub.scope;
      }
    }
    this.tokenEnded(token.scope);
  }

  private gateway(el: Extract<ElementModel, { type: 'exclusiveGateway' | 'inclusiveGateway' | 'parallelGateway' }>, token: Token): void {
    const scope = token.scope;
    if (el.type !== 'exclusiveGateway' && el.incoming.length > 1) {
      const key = `${scope ?? ''}|${el.id}`;
      const join = (this.state.joins[key] ??= { arrived: [], prev: null });
      join.arrived.push(token.viaFlow ?? '');
      join.prev = token.prev ?? join.prev;
      if (el.type === 'parallelGateway') {
        if (!el.incoming.every((f) => join.arrived.includes(f))) return;
        for (const f of el.incoming) join.arrived.splice(join.arrived.indexOf(f), 1);
        if (!join.arrived.length) delete this.state.joins[key];
        this.split(el, scope, join.prev);
      }
      // inclusive joins fire in fireInclusiveJoins() once nothing else can arrive
      return;
    }
    this.split(el, scope, token.prev);
  }

  private split(el: Extract<ElementModel, { type: 'exclusiveGateway' | 'inclusiveGateway' | 'parallelGateway' }>, scope: string | null, prev: string | null): void {
    this.setStatus(el);
    if (el.type === 'parallelGateway') {
      this.follow(el, scope, prev);
      return;
    }
    const vars = this.state.vars;
    const candidates = el.outgoing.filter((f) => f !== el.default);
    const taken: string[] = [];
    for (const f of candidates) {
      const cond = this.model.flows[f].condition;
      if (cond === null || evaluateCondition(cond, vars)) {
        taken.push(f);
        if (el.type === 'exclusiveGateway') break;
      }
    }
    if (!taken.length && el.default) taken.push(el.default);
    if (!taken.length) {
      if (!el.outgoing.length) {
        this.tokenEnded(scope);
        return;
      }
      this.incident(el.id, 'no condition of the gateway holds and it has no default flow');
      return;
    }
    for (const f of taken) this.state.tokens.push({ elementId: this.model.flows[f].target, scope, viaFlow: f, prev });
  }

  /** Fires every inclusive join that no other token of its scope can still reach. */
  private fireInclusiveJoins(): boolean {
    let fired = false;
    for (const [key, join] of Object.entries(this.state.joins)) {
      const [scopeKey, gatewayId] = key.split('|');
      const el = this.el(gatewayId);
      if (el.type !== 'inclusiveGateway' || !join.arrived.length) continue;
      const scope = scopeKey === '' ? null : scopeKey;
      const upstream = this.upstreamOf(gatewayId);
      const pending =
        Object.values(this.state.instances).some((i) => i.scope === scope && upstream.has(i.elementId)) ||
        this.state.tokens.some((t) => t.scope === scope && upstream.has(t.elementId)) ||
        Object.entries(this.state.joins).some(([k, j]) => k !== key && k.startsWith(`${scopeKey}|`) && j.arrived.length > 0 && upstream.has(k.split('|')[1]));
      if (pending) continue;
      delete this.state.joins[key];
      this.split(el, scope, join.prev);
      fired = true;
    }
    return fired;
  }

  /** Elements of the same scope from which the gateway can be reached (not through itself). */
  private upstreamOf(gatewayId: string): Set<string> {
    let set = this.reach.get(gatewayId);
    if (set) return set;
    set = new Set();
    const queue = [gatewayId];
    const hostOf = new Map<string, string>();
    for (const e of Object.values(this.model.elements)) if (e.type === 'boundaryEvent') hostOf.set(e.id, e.attachedTo);
    while (queue.length) {
      const id = queue.pop() as string;
      const el = this.model.elements[id];
      if (!el) continue;
      const preds = el.incoming.map((f) => this.model.flows[f].source);
      if (hostOf.has(id)) preds.push(hostOf.get(id) as string);
      for (const p of preds) {
        if (p === gatewayId || set.has(p)) continue;
        set.add(p);
        queue.push(p);
      }
    }
    this.reach.set(gatewayId, set);
    return set;
  }

  // ----- boundary events and timers -----

  private armBoundaries(inst: Instance): void {
    const el = this.el(inst.elementId);
    if (!('boundary' in el)) return;
    for (const b of el.boundary) {
      const be = this.el(b) as BoundaryEventModel;
      if (be.trigger.kind === 'timer' && be.trigger.timer.kind !== 'deadline') this.armTimer(be.trigger.timer, 'boundary', inst.id, be.id, this.now);
    }
  }

  private isDeadlineBoundary(elementId: string): boolean {
    const el = this.model.elements[elementId];
    return !!el && el.type === 'boundaryEvent' && el.trigger.kind === 'timer' && el.trigger.timer.kind === 'deadline';
  }

  private armDeadlineBoundaries(inst: Instance): void {
    const el = this.el(inst.elementId);
    if (!('boundary' in el) || !inst.task?.dueAt) return;
    for (const b of el.boundary) {
      const be = this.el(b) as BoundaryEventModel;
      if (be.trigger.kind === 'timer' && be.trigger.timer.kind === 'deadline') this.armTimer(be.trigger.timer, 'boundary', inst.id, be.id, inst.task.dueAt);
    }
  }

  private addTimer(t: { kind: TimerState['kind']; instanceId: string; elementId: string; fireAt: string | null; compute?: TimerState['compute']; repeatsLeft?: number | null; every?: TimerState['every'] }): void {
    const id = `${t.instanceId}:${t.elementId}:${this.state.nextId++}`;
    this.state.timers[id] = {
      id,
      fireAt: t.fireAt,
      compute: t.compute ?? null,
      kind: t.kind,
      instanceId: t.instanceId,
      elementId: t.elementId,
      repeatsLeft: t.repeatsLeft ?? 0,
      every: t.every ?? null,
      fired: 0,
    };
  }

  /** A timer of a boundary or catch event, `base` being now (or the deadline for deadline timers). */
  private armTimer(spec: TimerSpec, kind: 'boundary' | 'catch', instanceId: string, elementId: string, base: string): void {
    const after = (start: string, duration: string, calendar: CalendarKind) =>
      calendar === 'CLOCK' ? { fireAt: new Date(Date.parse(start) + clockDurationMs(duration)).toISOString(), compute: null } : { fireAt: null, compute: { start, duration, calendar } };
    switch (spec.kind) {
      case 'duration':
        this.addTimer({ kind, instanceId, elementId, ...after(base, spec.duration, spec.calendar) });
        return;
      case 'date':
        this.addTimer({ kind, instanceId, elementId, fireAt: spec.date });
        return;
      case 'cycle': {
        const start = spec.start && spec.start > base ? spec.start : null;
        const first = start ? { fireAt: start, compute: null } : after(base, spec.duration, spec.calendar);
        this.addTimer({ kind, instanceId, elementId, ...first, repeatsLeft: spec.repeat === null ? null : spec.repeat - 1, every: { duration: spec.duration, calendar: spec.calendar } });
        return;
      }
      case 'deadline': {
        const first = spec.offset ? after(base, spec.offset, spec.calendar) : spec.cycle ? after(base, spec.cycle, spec.calendar) : { fireAt: base, compute: null };
        const repeats = spec.cycle ? (spec.repeat === null ? null : spec.repeat - 1) : 0;
        this.addTimer({ kind, instanceId, elementId, ...first, repeatsLeft: repeats, every: spec.cycle ? { duration: spec.cycle, calendar: spec.calendar } : null });
        return;
      }
    }
  }

  /** Cycles: the next firing of a timer that just fired. */
  private rearm(t: TimerState): void {
    if (!t.every || t.repeatsLeft === 0 || !t.fireAt) return;
    const start = t.fireAt;
    const next =
      t.every.calendar === 'CLOCK'
        ? { fireAt: new Date(Date.parse(start) + clockDurationMs(t.every.duration)).toISOString(), compute: null }
        : { fireAt: null, compute: { start, duration: t.every.duration, calendar: t.every.calendar } };
    const id = `${t.instanceId}:${t.elementId}:${this.state.nextId++}`;
    this.state.timers[id] = { ...t, id, ...next, repeatsLeft: t.repeatsLeft === null ? null : t.repeatsLeft - 1, fired: t.fired + 1 };
  }

  private triggerBoundary(be: BoundaryEventModel, host: Instance): void {
    if (!this.state.instances[host.id]) return;
    this.audit('boundary', SYSTEM_ACTOR, null, null, null, { element: be.id, host: host.elementId, interrupting: be.interrupting, trigger: be.trigger.kind });
    this.setStatus(be);
    if (be.interrupting) this.cancelInstance(host);
    this.follow(be, host.scope, host.prev);
  }
}
