/**
 * Timers and deadlines as they come due: a business-calendar fire time computed, a deadline moved
 * (extension, deferral, 督办 with a new deadline), a timer fired (reminder, overdue with automatic
 * 督办 one tier up, boundary, catch event).
 */
import { tierAbove, type BoundaryEventModel } from '../model';
import type { EngineCore } from './core';
import { leave, triggerBoundary } from './lifecycle';
import { addTimer, armDeadlineBoundaries, isDeadlineBoundary, rearm } from './timer-arming';
import { run } from './token-flow';
import { SYSTEM_ACTOR, type Actor } from './types';

/** The business calendar gave a timer's fire time. */
export function timerComputed(engine: EngineCore, timerId: string, fireAt: string): void {
  const t = engine.state.timers[timerId];
  if (t && t.fireAt === null) {
    t.fireAt = fireAt;
    t.compute = null;
  }
}

/** A task's deadline moved: its overdue timer and deadline boundaries are armed again at the new one. */
export function deadlineChanged(engine: EngineCore, instanceId: string, dueAt: string, now: string, actor: Actor, reason: string | null): void {
  engine.now = now;
  const inst = engine.state.instances[instanceId];
  if (!inst?.task) return;
  const from = inst.task.dueAt;
  inst.task.dueAt = dueAt;
  inst.task.overdue = false;
  for (const t of Object.values(engine.state.timers)) if (t.instanceId === instanceId && (t.kind === 'overdue' || (t.kind === 'boundary' && isDeadlineBoundary(engine, t.elementId)))) delete engine.state.timers[t.id];
  addTimer(engine, { kind: 'overdue', instanceId, elementId: inst.elementId, fireAt: dueAt });
  armDeadlineBoundaries(engine, inst);
  engine.dirtyTasks.add(inst.task.taskId);
  engine.caseDirty = true;
  engine.audit('changeDeadline', actor, null, null, reason, { taskId: inst.task.taskId, from, to: dueAt }, engine.atTask(inst.task));
}

/** A durable timer fired: what the engine timer stands for happens (a cycle re-arms first). */
export function timerFired(engine: EngineCore, timerId: string, now: string): void {
  engine.now = now;
  const t = engine.state.timers[timerId];
  if (!t) return;
  const inst = engine.state.instances[t.instanceId];
  delete engine.state.timers[timerId];
  if (!inst) return;
  rearm(engine, t);
  switch (t.kind) {
    case 'reminder': {
      const task = inst.task;
      if (!task) return;
      engine.audit('urge', SYSTEM_ACTOR, null, null, '时限提醒', { taskId: task.taskId, automatic: true, dueAt: task.dueAt }, engine.atTask(task));
      engine.notify({
        key: `reminder:${t.id}`,
        kind: 'REMINDER',
        to: { principals: task.assignee?.userId ? [`user:${task.assignee.userId}`] : task.principals },
        taskId: task.taskId,
        title: `催办：${task.name}`,
        body: `案件 ${engine.facts.caseId} 的任务「${task.name}」将于 ${task.dueAt} 到期，请尽快办理。`,
      });
      return;
    }
    case 'overdue': {
      const task = inst.task;
      if (!task) return;
      task.overdue = true;
      engine.state.overdueCount += 1;
      engine.state.vars.overdue = true;
      engine.dirtyTasks.add(task.taskId);
      engine.caseDirty = true;
      engine.audit('overdue', SYSTEM_ACTOR, null, null, null, { taskId: task.taskId, orgUnitId: task.orgUnitId, departmentId: task.departmentId, tier: task.tier, dueAt: task.dueAt }, engine.atTask(task));
      const above = tierAbove(task.tier);
      engine.audit('supervise', SYSTEM_ACTOR, null, null, '超期自动督办', { taskId: task.taskId, automatic: true, supervisorTier: above });
      engine.notify({
        key: `supervise:${t.id}`,
        kind: 'SUPERVISE',
        to: { rule: 'role:supervisor@tier:current', tier: above },
        taskId: task.taskId,
        title: `督办：${task.name}`,
        body: `案件 ${engine.facts.caseId} 的任务「${task.name}」已超期（时限 ${task.dueAt}），请督办。`,
      });
      run(engine);
      return;
    }
    case 'boundary':
      // a deadline is recorded (overdue, supervised) before a boundary due at the same time moves
      // the case on, whichever of the two timers Temporal happens to deliver first
      for (const o of Object.values(engine.state.timers)) {
        if (o.instanceId === t.instanceId && o.kind === 'overdue' && o.fireAt && t.fireAt && o.fireAt <= t.fireAt) timerFired(engine, o.id, now);
      }
      if (!engine.state.instances[inst.id]) return;
      triggerBoundary(engine, engine.el(t.elementId) as BoundaryEventModel, inst);
      run(engine);
      return;
    case 'catch':
      engine.audit('timer', SYSTEM_ACTOR, null, null, null, { element: inst.elementId });
      leave(engine, inst);
      run(engine);
      return;
  }
}

