/**
 * A handler's actions on a user task: claim (签收), unclaim, complete, escalate (无力处置: one tier
 * up). Each validate* only checks and throws EngineError when the action is refused; the action
 * itself validates again, then acts.
 */
import { validateForm } from '../form';
import type { Tier, UserTaskModel } from '../model';
import { nextTier, type EngineCore } from './core';
import { cancelInstance, leave } from './lifecycle';
import { run } from './token-flow';
import { EngineError, type Actor, type Instance, type TaskInfo } from './types';

export function findTask(engine: EngineCore, taskId: string): { inst: Instance; task: TaskInfo; el: UserTaskModel } {
  for (const inst of Object.values(engine.state.instances)) {
    if (inst.task?.taskId === taskId) return { inst, task: inst.task, el: engine.el(inst.elementId) as UserTaskModel };
  }
  if (engine.state.doneTasks.some((t) => t.taskId === taskId)) throw new EngineError('TASK_NOT_ACTIVE', `task ${taskId} is already finished`);
  throw new EngineError('TASK_NOT_FOUND', `task ${taskId} is not a task of this case`);
}

export function activeTask(engine: EngineCore, taskId: string) {
  const found = findTask(engine, taskId);
  if (found.inst.state !== 'open') throw new EngineError('TASK_NOT_READY', `task ${taskId} is still being dispatched`);
  return found;
}

export function validateClaim(engine: EngineCore, taskId: string, actor: Actor): void {
  const { task } = activeTask(engine, taskId);
  if (task.assignee && task.assignee.userId !== actor.userId) throw new EngineError('TASK_CLAIMED', `task ${taskId} is held by ${task.assignee.name}`);
}

export function claim(engine: EngineCore, taskId: string, actor: Actor, now: string): TaskInfo {
  engine.now = now;
  validateClaim(engine, taskId, actor);
  const { task } = activeTask(engine, taskId);
  if (task.assignee?.userId === actor.userId) return task;
  task.assignee = actor;
  task.state = 'CLAIMED';
  task.claimedAt = now;
  engine.dirtyTasks.add(taskId);
  engine.audit('claim', actor, null, null, null, { taskId }, engine.atTask(task));
  return task;
}

export function validateUnclaim(engine: EngineCore, taskId: string, actor: Actor): void {
  const { task } = activeTask(engine, taskId);
  if (!task.assignee) throw new EngineError('TASK_NOT_CLAIMED', `task ${taskId} is not claimed`);
  if (task.assignee.userId !== actor.userId) throw new EngineError('TASK_CLAIMED', `task ${taskId} is held by ${task.assignee.name}`);
}

export function unclaim(engine: EngineCore, taskId: string, actor: Actor, now: string): TaskInfo {
  engine.now = now;
  validateUnclaim(engine, taskId, actor);
  const { task } = activeTask(engine, taskId);
  task.assignee = null;
  task.state = 'OPEN';
  task.claimedAt = null;
  engine.dirtyTasks.add(taskId);
  engine.audit('unclaim', actor, null, null, null, { taskId }, engine.atTask(task));
  return task;
}

export function validateComplete(engine: EngineCore, taskId: string, actor: Actor, outcome: string | undefined, data: unknown): void {
  const { task, el } = activeTask(engine, taskId);
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

export function complete(engine: EngineCore, taskId: string, actor: Actor, outcome: string | undefined, data: Record<string, unknown> | undefined, now: string): TaskInfo {
  engine.now = now;
  validateComplete(engine, taskId, actor, outcome, data);
  const { inst, task, el } = activeTask(engine, taskId);
  const o = outcome ?? el.outcomes[0];
  task.state = 'COMPLETED';
  task.outcome = o;
  task.data = data ?? {};
  task.completedAt = now;
  if (!task.assignee) task.assignee = actor;
  engine.state.vars.outcome = o;
  engine.mergeVars(data ?? {});
  engine.audit('complete', actor, null, null, null, { taskId, element: el.id, outcome: o, data: data ?? {} }, engine.atTask(task));
  leave(engine, inst, el.id);
  run(engine);
  return task;
}

export function validateEscalate(engine: EngineCore, taskId: string, actor: Actor): void {
  const { task, el } = activeTask(engine, taskId);
  if (task.assignee && task.assignee.userId !== actor.userId) throw new EngineError('TASK_CLAIMED', `task ${taskId} is held by ${task.assignee.name}`);
  if (!el.escalatable) throw new EngineError('NOT_ESCALATABLE', `task ${taskId} cannot be escalated: its assignee rule ${el.assignee} does not follow the tier`);
  if (!nextTier(engine.state.tier)) throw new EngineError('TOP_TIER', `the case is already at the top tier (${engine.state.tier})`);
}

/** 无力处置: the case moves one tier up and the task is dispatched again there. */
export function escalate(engine: EngineCore, taskId: string, actor: Actor, reason: string, now: string): TaskInfo {
  engine.now = now;
  validateEscalate(engine, taskId, actor);
  const { inst, task, el } = activeTask(engine, taskId);
  task.state = 'ESCALATED';
  task.completedAt = now;
  const from = engine.state.tier;
  engine.moveTier(nextTier(from) as Tier);
  engine.audit('escalate', actor, null, null, reason, { taskId, element: el.id, fromTier: from, toTier: engine.state.tier });
  cancelInstance(engine, inst, 'ESCALATED');
  engine.state.tokens.push({ elementId: el.id, scope: inst.scope, viaFlow: null, prev: inst.prev });
  run(engine);
  return task;
}

