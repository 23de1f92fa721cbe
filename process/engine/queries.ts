/**
 * What the workflow reads after each input: the outbox to write (drained by takeOutbox), the user
 * tasks to dispatch, the service tasks to run, the timers to compute, and views of open work.
 */
import type { DeadlineSpec, ReminderSpec, Tier, UserTaskModel } from '../model';
import type { EngineCore } from './core';
import type { Approval, AuditRecord, Instance, NotificationRecord, TaskInfo, TimerState } from './types';

export function openTasks(engine: EngineCore): TaskInfo[] {
  return Object.values(engine.state.instances)
    .filter((i) => i.task && i.state === 'open')
    .map((i) => i.task as TaskInfo);
}

export function openingTasks(engine: EngineCore): Instance[] {
  return Object.values(engine.state.instances).filter((i) => i.kind === 'userTask' && i.state === 'opening');
}

export function runningServices(engine: EngineCore): Instance[] {
  return Object.values(engine.state.instances).filter((i) => i.kind === 'serviceTask' && i.state === 'running');
}

export function timersToCompute(engine: EngineCore): TimerState[] {
  return Object.values(engine.state.timers).filter((t) => t.fireAt === null && t.compute);
}

/** What a user task needs resolved: its rule, tier and deadline spec. */
export function taskRequest(engine: EngineCore, inst: Instance): { rule: string; tier: Tier; deadline: DeadlineSpec; reminders: ReminderSpec[]; name: string } {
  const el = engine.el(inst.elementId) as UserTaskModel;
  return { rule: el.assignee, tier: engine.state.tier, deadline: el.deadline, reminders: el.reminders, name: inst.task?.name ?? el.name ?? el.id };
}

export function takeOutbox(engine: EngineCore): { audit: AuditRecord[]; notifications: NotificationRecord[]; tasks: TaskInfo[]; approvals: Approval[]; caseChanged: boolean } {
  const tasks: TaskInfo[] = [];
  for (const id of engine.dirtyTasks) {
    const t = Object.values(engine.state.instances).find((i) => i.task?.taskId === id)?.task ?? engine.state.doneTasks.find((d) => d.taskId === id);
    if (t) tasks.push({ ...t });
  }
  const out = {
    audit: engine.outbox,
    notifications: engine.notifications,
    tasks,
    approvals: engine.state.approvals.filter((a) => engine.dirtyApprovals.has(a.id)).map((a) => ({ ...a })),
    caseChanged: engine.caseDirty,
  };
  engine.outbox = [];
  engine.notifications = [];
  engine.dirtyTasks = new Set();
  engine.dirtyApprovals = new Set();
  engine.caseDirty = false;
  return out;
}

/** The earliest deadline among open tasks. */
export function dueAt(engine: EngineCore): string | null {
  let due: string | null = null;
  for (const t of openTasks(engine)) if (t.dueAt && (!due || t.dueAt < due)) due = t.dueAt;
  return due;
}

export function activeElements(engine: EngineCore): string[] {
  return Object.values(engine.state.instances).map((i) => i.elementId);
}

