/**
 * What supervisors and anyone in the case's scope do to the case as a whole: comment, 催办 (urge
 * whoever holds the open tasks) and 督办 (an instruction to every open task, optionally with a new
 * deadline).
 */
import type { EngineCore } from './core';
import { deadlineChanged } from './deadlines';
import { openTasks } from './queries';
import { findTask } from './task-actions';
import { EngineError, type Actor } from './types';

export function comment(engine: EngineCore, taskId: string | null, actor: Actor, text: string, now: string): void {
  engine.now = now;
  const task = taskId ? findTask(engine, taskId).task : null;
  engine.audit('comment', actor, null, null, text, { taskId }, task ? engine.atTask(task) : undefined);
}

/** 催办 by hand: reminds whoever holds the open tasks (or one task). */
export function urge(engine: EngineCore, actor: Actor, note: string | null, taskId: string | null, now: string): number {
  engine.now = now;
  const tasks = openTasks(engine).filter((t) => !taskId || t.taskId === taskId);
  const n = engine.state.nextId++;
  engine.audit('urge', actor, null, null, note, { taskIds: tasks.map((t) => t.taskId), automatic: false });
  for (const task of tasks) {
    engine.notify({
      key: `urge:${n}:${task.taskId}`,
      kind: 'URGE',
      to: { principals: task.assignee?.userId ? [`user:${task.assignee.userId}`] : task.principals },
      taskId: task.taskId,
      title: `催办：${task.name}`,
      body: note ?? `案件 ${engine.facts.caseId} 请尽快办理。`,
    });
  }
  return tasks.length;
}

/** 督办 by hand: an instruction to every open task, optionally with a new deadline. */
export function supervise(engine: EngineCore, actor: Actor, instruction: string, newDeadline: string | null, now: string): number {
  engine.now = now;
  if (typeof instruction !== 'string' || !instruction.trim()) throw new EngineError('BAD_INPUT', 'instruction is required');
  if (newDeadline !== null && (typeof newDeadline !== 'string' || Number.isNaN(Date.parse(newDeadline)))) throw new EngineError('DEADLINE_INVALID', `newDeadline "${String(newDeadline)}" is not an ISO 8601 date-time`);
  if (newDeadline !== null) newDeadline = new Date(Date.parse(newDeadline)).toISOString();
  const tasks = openTasks(engine);
  const n = engine.state.nextId++;
  engine.audit('supervise', actor, null, null, instruction, { taskIds: tasks.map((t) => t.taskId), automatic: false, newDeadline });
  for (const task of tasks) {
    engine.notify({
      key: `supervise:${n}:${task.taskId}`,
      kind: 'SUPERVISE',
      to: { principals: task.assignee?.userId ? [`user:${task.assignee.userId}`] : task.principals },
      taskId: task.taskId,
      title: `督办：${task.name}`,
      body: instruction,
    });
    if (newDeadline) {
      const inst = Object.values(engine.state.instances).find((i) => i.task?.taskId === task.taskId);
      if (inst) deadlineChanged(engine, inst.id, newDeadline, now, actor, instruction);
    }
  }
  return tasks.length;
}

