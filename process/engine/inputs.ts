/**
 * What the workflow feeds in besides people's actions: the case starts, a user task's candidates
 * and deadline were resolved (it is dispatched), a notify/handOver service task is done, a message
 * arrived, 立案 classified the case.
 */
import type { BoundaryEventModel, UserTaskModel } from '../model';
import type { EngineCore } from './core';
import { leave, triggerBoundary } from './lifecycle';
import { addTimer, armDeadlineBoundaries } from './timer-arming';
import { run } from './token-flow';
import { SYSTEM_ACTOR, type Actor, type TaskOpened } from './types';

export function start(engine: EngineCore, now: string): void {
  engine.now = now;
  const at = engine.patched('report-at-reported') && engine.facts.reportedAt ? engine.facts.reportedAt : now;
  engine.audit('report', engine.facts.reporter, null, 'REPORTED', null, { element: engine.model.start }, { at });
  engine.caseDirty = true;
  engine.state.tokens.push({ elementId: engine.model.start, scope: null, viaFlow: null, prev: null });
  run(engine);
}

/** The activity resolved the task's candidates and deadline. */
export function taskOpened(engine: EngineCore, instanceId: string, r: TaskOpened, now: string): void {
  engine.now = now;
  const inst = engine.state.instances[instanceId];
  if (!inst || inst.state !== 'opening' || !inst.task) return;
  const el = engine.el(inst.elementId) as UserTaskModel;
  inst.state = 'open';
  Object.assign(inst.task, { tier: r.tier, orgUnitId: r.orgUnitId, departmentId: r.departmentId, principals: r.principals, dueAt: r.dueAt, limit: r.limit });
  engine.dirtyTasks.add(inst.task.taskId);
  engine.audit(
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
    engine.atTask(inst.task),
  );
  engine.notify({ key: `task:${inst.task.taskId}`, kind: 'TASK', to: { principals: r.principals }, taskId: inst.task.taskId, title: `新任务：${inst.task.name}`, body: `案件 ${engine.facts.caseId} 待办理，时限 ${r.dueAt}` });
  r.reminderAts.forEach((at, i) => addTimer(engine, { kind: 'reminder', instanceId, elementId: `${el.id}#reminder${i}`, fireAt: at }));
  addTimer(engine, { kind: 'overdue', instanceId, elementId: el.id, fireAt: r.dueAt });
  armDeadlineBoundaries(engine, inst);
  engine.caseDirty = true;
  run(engine);
}

/** A notify/handOver service task is done: notify writes its notification (to the target rule, resolved when written). */
export function serviceDone(engine: EngineCore, instanceId: string, now: string): void {
  engine.now = now;
  const inst = engine.state.instances[instanceId];
  if (!inst || inst.kind !== 'serviceTask' || inst.state !== 'running') return;
  const el = engine.el(inst.elementId);
  let result: Record<string, unknown> = {};
  if (el.type === 'serviceTask' && el.action === 'handOver') {
    engine.state.department = el.target?.replace(/^department:/, '') ?? null;
    engine.caseDirty = true;
    result = { department: engine.state.department };
  }
  if (el.type === 'serviceTask' && el.action === 'notify' && el.target) {
    engine.notify({
      key: `notify:${inst.id}`,
      kind: 'NOTICE',
      to: { rule: el.target, tier: engine.state.tier },
      taskId: null,
      title: `${el.name ?? '通知'}：案件 ${engine.facts.caseId}`,
      body: el.message ?? `案件 ${engine.facts.caseId}`,
    });
    result = { target: el.target };
  }
  engine.audit(el.type === 'serviceTask' ? el.action : 'service', SYSTEM_ACTOR, null, null, null, { element: el.id, ...result });
  leave(engine, inst);
  run(engine);
}

/** Delivers a message to every boundary event and catch event waiting for it; returns how many. */
export function message(engine: EngineCore, name: string, actor: Actor, data: Record<string, unknown>, now: string): number {
  engine.now = now;
  let matched = 0;
  for (const inst of Object.values(engine.state.instances)) {
    if (!engine.state.instances[inst.id]) continue;
    const el = engine.el(inst.elementId);
    if (inst.kind === 'catchEvent' && el.type === 'intermediateCatchEvent' && el.trigger.kind === 'message' && el.trigger.message === name) {
      matched += 1;
      engine.mergeVars(data);
      engine.audit('message', actor, null, null, null, { element: el.id, message: name, data });
      leave(engine, inst);
      continue;
    }
    if (inst.state === 'opening' || !('boundary' in el)) continue;
    for (const b of el.boundary) {
      const be = engine.el(b) as BoundaryEventModel;
      if (be.trigger.kind === 'message' && be.trigger.message === name && engine.state.instances[inst.id]) {
        matched += 1;
        engine.mergeVars(data);
        engine.audit('message', actor, null, null, null, { element: be.id, message: name, data });
        triggerBoundary(engine, be, inst);
      }
    }
  }
  if (!matched) engine.audit('messageIgnored', actor, null, null, null, { message: name });
  run(engine);
  return matched;
}

/**
 * 立案 classified the case (a task completed with a category): later deadlines on the category's
 * limits, `department:home` and gateway conditions see the new category.
 */
export function classify(engine: EngineCore, c: { category: string; categoryMajor: string | null; homeDepartment: string | null }): void {
  engine.facts.category = c.category;
  engine.facts.categoryMajor = c.categoryMajor;
  engine.facts.homeDepartment = c.homeDepartment;
  engine.state.vars.category = c.category;
  engine.state.vars.categoryMajor = c.categoryMajor;
  engine.caseDirty = true;
}

