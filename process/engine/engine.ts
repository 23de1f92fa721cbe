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
 *
 * Engine is the EngineCore (core.ts: model, facts, state, outbox) with the public API; each method
 * hands over to the module of its concern.
 */
import type { CalendarKind, DeadlineSpec, ReminderSpec, Tier, UserTaskModel } from '../model';
import * as approvals from './approvals';
import { EngineCore } from './core';
import * as deadlines from './deadlines';
import * as inputs from './inputs';
import * as queries from './queries';
import * as supervision from './supervision';
import * as taskActions from './task-actions';
import * as withdrawal from './withdrawal';
import type { Actor, Approval, ApprovalKind, AuditRecord, Instance, NotificationRecord, TaskInfo, TaskOpened, TimerState } from './types';

export class Engine extends EngineCore {
  // ----- the workflow's inputs (inputs.ts, deadlines.ts) -----

  start(now: string): void {
    inputs.start(this, now);
  }

  taskOpened(instanceId: string, r: TaskOpened, now: string): void {
    inputs.taskOpened(this, instanceId, r, now);
  }

  serviceDone(instanceId: string, now: string): void {
    inputs.serviceDone(this, instanceId, now);
  }

  timerComputed(timerId: string, fireAt: string): void {
    deadlines.timerComputed(this, timerId, fireAt);
  }

  deadlineChanged(instanceId: string, dueAt: string, now: string, actor: Actor, reason: string | null): void {
    deadlines.deadlineChanged(this, instanceId, dueAt, now, actor, reason);
  }

  timerFired(timerId: string, now: string): void {
    deadlines.timerFired(this, timerId, now);
  }

  message(name: string, actor: Actor, data: Record<string, unknown>, now: string): number {
    return inputs.message(this, name, actor, data, now);
  }

  classify(c: { category: string; categoryMajor: string | null; homeDepartment: string | null }): void {
    inputs.classify(this, c);
  }

  // ----- task actions: each throws EngineError when refused; validate* only checks (task-actions.ts) -----

  findTask(taskId: string): { inst: Instance; task: TaskInfo; el: UserTaskModel } {
    return taskActions.findTask(this, taskId);
  }

  validateClaim(taskId: string, actor: Actor): void {
    taskActions.validateClaim(this, taskId, actor);
  }

  claim(taskId: string, actor: Actor, now: string): TaskInfo {
    return taskActions.claim(this, taskId, actor, now);
  }

  validateUnclaim(taskId: string, actor: Actor): void {
    taskActions.validateUnclaim(this, taskId, actor);
  }

  unclaim(taskId: string, actor: Actor, now: string): TaskInfo {
    return taskActions.unclaim(this, taskId, actor, now);
  }

  validateComplete(taskId: string, actor: Actor, outcome: string | undefined, data: unknown): void {
    taskActions.validateComplete(this, taskId, actor, outcome, data);
  }

  complete(taskId: string, actor: Actor, outcome: string | undefined, data: Record<string, unknown> | undefined, now: string): TaskInfo {
    return taskActions.complete(this, taskId, actor, outcome, data, now);
  }

  validateEscalate(taskId: string, actor: Actor): void {
    taskActions.validateEscalate(this, taskId, actor);
  }

  escalate(taskId: string, actor: Actor, reason: string, now: string): TaskInfo {
    return taskActions.escalate(this, taskId, actor, reason, now);
  }

  // ----- requests the tier above decides (approvals.ts) -----

  validateRequest(kind: ApprovalKind, taskId: string, actor: Actor, duration?: string): void {
    approvals.validateRequest(this, kind, taskId, actor, duration);
  }

  request(kind: ApprovalKind, taskId: string, actor: Actor, reason: string, duration: string | null, now: string): Approval {
    return approvals.request(this, kind, taskId, actor, reason, duration, now);
  }

  validateDecision(approvalId: string): Approval {
    return approvals.validateDecision(this, approvalId);
  }

  decide(approvalId: string, actor: Actor, approve: boolean, note: string | null, now: string): Approval {
    return approvals.decide(this, approvalId, actor, approve, note, now);
  }

  pendingExtensions(): { approval: Approval; instanceId: string; from: string; duration: string; calendar: CalendarKind }[] {
    return approvals.pendingExtensions(this);
  }

  extensionApplied(approvalId: string, dueAt: string, now: string): void {
    approvals.extensionApplied(this, approvalId, dueAt, now);
  }

  // ----- the case as a whole: 撤回, comments, 催办, 督办 (withdrawal.ts, supervision.ts) -----

  validateWithdraw(actor: Actor): void {
    withdrawal.validateWithdraw(this, actor);
  }

  withdraw(actor: Actor, reason: string, now: string): void {
    withdrawal.withdraw(this, actor, reason, now);
  }

  comment(taskId: string | null, actor: Actor, text: string, now: string): void {
    supervision.comment(this, taskId, actor, text, now);
  }

  urge(actor: Actor, note: string | null, taskId: string | null, now: string): number {
    return supervision.urge(this, actor, note, taskId, now);
  }

  supervise(actor: Actor, instruction: string, newDeadline: string | null, now: string): number {
    return supervision.supervise(this, actor, instruction, newDeadline, now);
  }

  // ----- what the workflow must do next (queries.ts) -----

  openTasks(): TaskInfo[] {
    return queries.openTasks(this);
  }

  openingTasks(): Instance[] {
    return queries.openingTasks(this);
  }

  runningServices(): Instance[] {
    return queries.runningServices(this);
  }

  timersToCompute(): TimerState[] {
    return queries.timersToCompute(this);
  }

  taskRequest(inst: Instance): { rule: string; tier: Tier; deadline: DeadlineSpec; reminders: ReminderSpec[]; name: string } {
    return queries.taskRequest(this, inst);
  }

  takeOutbox(): { audit: AuditRecord[]; notifications: NotificationRecord[]; tasks: TaskInfo[]; approvals: Approval[]; caseChanged: boolean } {
    return queries.takeOutbox(this);
  }

  dueAt(): string | null {
    return queries.dueAt(this);
  }

  activeElements(): string[] {
    return queries.activeElements(this);
  }
}
