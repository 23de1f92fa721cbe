/**
 * Requests the tier above decides (回退 return, 延期 extension, 作废 void, 缓办 deferral) and their
 * decisions: an approved return sends the token back to the step before, a void ends the case, an
 * extension or deferral leaves a new deadline for the workflow to compute.
 */
import { tierAbove, type CalendarKind } from '../model';
import { clockDurationMs } from '../timers';
import type { EngineCore } from './core';
import { deadlineChanged } from './deadlines';
import { cancelInstance, endCase } from './lifecycle';
import { activeTask, findTask } from './task-actions';
import { run } from './token-flow';
import { EngineError, SYSTEM_ACTOR, type Actor, type Approval, type ApprovalKind } from './types';

const REQUEST_ACTION: Record<ApprovalKind, string> = { EXTENSION: 'requestExtension', RETURN: 'requestReturn', VOID: 'requestVoid', DEFERRAL: 'requestDeferral' };
const REQUEST_TITLE: Record<ApprovalKind, string> = { EXTENSION: '延期申请', RETURN: '回退申请', VOID: '作废申请', DEFERRAL: '缓办申请' };

export function validateRequest(engine: EngineCore, kind: ApprovalKind, taskId: string, actor: Actor, duration?: string): void {
  const { task, inst } = activeTask(engine, taskId);
  if (task.assignee && task.assignee.userId !== actor.userId) throw new EngineError('TASK_CLAIMED', `task ${taskId} is held by ${task.assignee.name}`);
  if (engine.state.approvals.some((a) => a.taskId === taskId && a.kind === kind && a.state === 'PENDING')) throw new EngineError('APPROVAL_PENDING', `a ${kind.toLowerCase()} request for task ${taskId} is already waiting for approval`);
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

export function request(engine: EngineCore, kind: ApprovalKind, taskId: string, actor: Actor, reason: string, duration: string | null, now: string): Approval {
  engine.now = now;
  validateRequest(engine, kind, taskId, actor, duration ?? undefined);
  const { task } = activeTask(engine, taskId);
  const approval: Approval = {
    id: `${engine.facts.caseId}/A${engine.state.nextId++}`,
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
  engine.state.approvals.push(approval);
  engine.dirtyApprovals.add(approval.id);
  engine.audit(REQUEST_ACTION[kind], actor, null, null, reason, { taskId, approvalId: approval.id, duration }, engine.atTask(task));
  engine.notify({
    key: `approval:${approval.id}`,
    kind: 'APPROVAL',
    to: { rule: 'role:supervisor@tier:current', tier: approval.approverTier },
    taskId,
    title: `${REQUEST_TITLE[kind]}：${task.name}`,
    body: `案件 ${engine.facts.caseId}：${reason}`,
  });
  return approval;
}

export function validateDecision(engine: EngineCore, approvalId: string): Approval {
  const a = engine.state.approvals.find((x) => x.id === approvalId);
  if (!a) throw new EngineError('APPROVAL_NOT_FOUND', `approval ${approvalId} is not a request of this case`);
  if (a.state !== 'PENDING') throw new EngineError('APPROVAL_DECIDED', `approval ${approvalId} was already ${a.state.toLowerCase()}`);
  return a;
}

/** Returns the approval; an approved extension leaves a deadline to recompute (see pendingExtensions). */
export function decide(engine: EngineCore, approvalId: string, actor: Actor, approve: boolean, note: string | null, now: string): Approval {
  engine.now = now;
  const a = validateDecision(engine, approvalId);
  a.state = approve ? 'APPROVED' : 'REJECTED';
  a.decidedBy = actor;
  a.decidedAt = now;
  a.note = note;
  engine.dirtyApprovals.add(a.id);
  engine.audit(approve ? 'approve' : 'rejectRequest', actor, null, null, note, { approvalId, kind: a.kind, taskId: a.taskId });
  if (approve) {
    let found: ReturnType<typeof findTask> | undefined;
    try {
      found = findTask(engine, a.taskId);
    } catch {
      found = undefined;
    }
    if (a.kind === 'VOID') voidCase(engine, a);
    if (found && a.kind === 'RETURN' && found.inst.prev) {
      found.task.state = 'RETURNED';
      found.task.completedAt = now;
      engine.audit('return', a.requestedBy, null, null, a.reason, { taskId: a.taskId, to: found.inst.prev }, engine.atTask(found.task));
      cancelInstance(engine, found.inst, 'RETURNED');
      // the earlier step may lie outside the sub-process(es) the task runs in: leave them
      const targetScope = engine.el(found.inst.prev).scope;
      let scope = found.inst.scope;
      while (scope !== null && engine.state.instances[scope] && engine.state.instances[scope].elementId !== targetScope) {
        const sub = engine.state.instances[scope];
        scope = sub.scope;
        cancelInstance(engine, sub);
      }
      engine.state.tokens.push({ elementId: found.inst.prev, scope, viaFlow: null, prev: null });
    }
  }
  run(engine);
  return a;
}

/** Approved extensions whose new deadline has not been computed yet. */
export function pendingExtensions(engine: EngineCore): { approval: Approval; instanceId: string; from: string; duration: string; calendar: CalendarKind }[] {
  const out: { approval: Approval; instanceId: string; from: string; duration: string; calendar: CalendarKind }[] = [];
  for (const a of engine.state.approvals) {
    if ((a.kind !== 'EXTENSION' && a.kind !== 'DEFERRAL') || a.state !== 'APPROVED' || !a.duration) continue;
    if (a.applied) continue;
    const inst = Object.values(engine.state.instances).find((i) => i.task?.taskId === a.taskId);
    if (!inst?.task?.dueAt) {
      a.applied = true;
      continue;
    }
    out.push({ approval: a, instanceId: inst.id, from: inst.task.dueAt, duration: a.duration, calendar: inst.task.limit?.calendar ?? 'CLOCK' });
  }
  return out;
}

export function extensionApplied(engine: EngineCore, approvalId: string, dueAt: string, now: string): void {
  const a = engine.state.approvals.find((x) => x.id === approvalId);
  if (!a || a.applied) return;
  a.applied = true;
  const inst = Object.values(engine.state.instances).find((i) => i.task?.taskId === a.taskId);
  if (inst) deadlineChanged(engine, inst.id, dueAt, now, a.decidedBy ?? SYSTEM_ACTOR, `${a.kind === 'DEFERRAL' ? '缓办' : '延期'}：${a.reason}`);
}

/** 作废 approved: every open element is cancelled and the case ends as VOIDED. */
export function voidCase(engine: EngineCore, a: Approval): void {
  for (const inst of Object.values(engine.state.instances)) cancelInstance(engine, inst);
  engine.state.tokens = [];
  engine.state.joins = {};
  const from = engine.state.status;
  engine.state.status = 'VOIDED';
  engine.state.statusLabel = '已作废';
  engine.audit('void', a.requestedBy, from, 'VOIDED', a.reason, { approvalId: a.id, approvedBy: a.decidedBy });
  endCase(engine);
}

