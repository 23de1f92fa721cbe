/**
 * How instances and tokens leave the diagram: a finished element passes its token on, a cancelled
 * one takes its task (and a sub-process its children) with it, a boundary event takes over from
 * its host, and the last token of a scope completes the sub-process or ends the case.
 */
import { FINAL_STATUSES, type BoundaryEventModel, type ElementModel } from '../model';
import type { EngineCore } from './core';
import { SYSTEM_ACTOR, type Instance, type TaskInfo, type TaskState } from './types';

/** Outgoing flows of a non-gateway element: one token each. */
export function follow(engine: EngineCore, el: ElementModel, scope: string | null, prev: string | null): void {
  if (!el.outgoing.length) {
    tokenEnded(engine, scope);
    return;
  }
  for (const f of el.outgoing) engine.state.tokens.push({ elementId: engine.model.flows[f].target, scope, viaFlow: f, prev });
}

export function leave(engine: EngineCore, inst: Instance, completedUserTask?: string): void {
  const el = engine.el(inst.elementId);
  removeInstance(engine, inst);
  if (inst.task) retireTask(engine, inst.task);
  follow(engine, el, inst.scope, completedUserTask ?? inst.prev);
}

export function retireTask(engine: EngineCore, task: TaskInfo): void {
  engine.dirtyTasks.add(task.taskId);
  engine.state.doneTasks.push(task);
  if (engine.state.doneTasks.length > 50) engine.state.doneTasks.splice(0, engine.state.doneTasks.length - 50);
  engine.caseDirty = true;
}

export function removeInstance(engine: EngineCore, inst: Instance): void {
  delete engine.state.instances[inst.id];
  for (const t of Object.values(engine.state.timers)) if (t.instanceId === inst.id) delete engine.state.timers[t.id];
}

export function cancelInstance(engine: EngineCore, inst: Instance, taskState: TaskState = 'CANCELLED'): void {
  if (!engine.state.instances[inst.id]) return;
  if (inst.kind === 'subProcess') {
    for (const child of Object.values(engine.state.instances)) if (child.scope === inst.id) cancelInstance(engine, child);
    engine.state.tokens = engine.state.tokens.filter((t) => t.scope !== inst.id);
    for (const key of Object.keys(engine.state.joins)) if (key.startsWith(`${inst.id}|`)) delete engine.state.joins[key];
  }
  if (inst.task) {
    if (inst.task.state === 'OPEN' || inst.task.state === 'CLAIMED') {
      inst.task.state = taskState;
      inst.task.completedAt = engine.now;
    }
    retireTask(engine, inst.task);
  }
  removeInstance(engine, inst);
}

/** A token finished in its scope: completes the sub-process or the case when nothing is left. */
export function tokenEnded(engine: EngineCore, scope: string | null): void {
  const busy =
    Object.values(engine.state.instances).some((i) => i.scope === scope) ||
    engine.state.tokens.some((t) => t.scope === scope) ||
    Object.entries(engine.state.joins).some(([k, j]) => k.startsWith(`${scope ?? ''}|`) && j.arrived.length > 0);
  if (busy) return;
  if (scope === null) {
    endCase(engine);
    return;
  }
  const sub = engine.state.instances[scope];
  if (sub) leave(engine, sub);
}

export function endCase(engine: EngineCore): void {
  if (engine.state.ended) return;
  engine.state.ended = true;
  const from = engine.state.status;
  if (!FINAL_STATUSES.includes(engine.state.status)) engine.state.status = 'CLOSED';
  if (engine.state.status === 'CLOSED') {
    engine.state.closedTier ??= engine.state.tier;
    engine.state.closedAt ??= engine.now;
  } else {
    engine.state.closedAt ??= engine.now;
  }
  engine.state.timers = {};
  engine.caseDirty = true;
  engine.audit('end', SYSTEM_ACTOR, from, engine.state.status, null, { closedTier: engine.state.closedTier });
}

export function triggerBoundary(engine: EngineCore, be: BoundaryEventModel, host: Instance): void {
  if (!engine.state.instances[host.id]) return;
  engine.audit('boundary', SYSTEM_ACTOR, null, null, null, { element: be.id, host: host.elementId, interrupting: be.interrupting, trigger: be.trigger.kind });
  engine.setStatus(be);
  if (be.interrupting) cancelInstance(engine, host);
  follow(engine, be, host.scope, host.prev);
}

