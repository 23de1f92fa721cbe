/**
 * The pure engine without Temporal, for the engine's unit tests: a reference process compiled from
 * processes/, an Engine over it, and the workflow's settle loop played by hand with fixed answers
 * (every task dispatched to its tier's unit with a one-day clock deadline, every business-calendar
 * time a day after its start). What the engine writes is kept in `audit` and `notifications`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { compileBpmn } from '../../process/compiler';
import { Engine, newEngineState, type Actor, type AuditRecord, type CaseFacts, type NotificationRecord, type TaskInfo } from '../../process/engine';
import type { ProcessModel } from '../../process/model';
import { clockDurationMs } from '../../process/timers';

export const REPORTER: Actor = { userId: 10, name: '王芳' };
export const LIMING: Actor = { userId: 11, name: '李明' };
export const XUWENBO: Actor = { userId: 12, name: '许文博' };
export const SUPERVISOR: Actor = { userId: 13, name: '韩立新' };

const DAY = 86_400_000;
const models = new Map<string, Promise<ProcessModel>>();

/** A reference process of diagrams/, compiled once per test file. */
export function referenceModel(file: string): Promise<ProcessModel> {
  let model = models.get(file);
  if (!model) {
    model = compileBpmn(fs.readFileSync(path.resolve(__dirname, '../../diagrams', file), 'utf8')).then((r) => {
      if (!r.ok) throw new Error(`${file}: ${JSON.stringify(r.errors)}`);
      return r.model;
    });
    models.set(file, model);
  }
  return model;
}

export class EngineCase {
  readonly engine: Engine;
  readonly facts: CaseFacts;
  readonly audit: AuditRecord[] = [];
  readonly notifications: NotificationRecord[] = [];
  private clock = Date.parse('2026-11-24T01:00:00Z');

  /** A case of the process, started and settled: its first task is open. */
  static async start(file: string): Promise<EngineCase> {
    const c = new EngineCase(await referenceModel(file));
    c.engine.start(c.now());
    c.settle();
    return c;
  }

  private constructor(readonly model: ProcessModel) {
    this.facts = {
      caseId: 'DC-20261124-00042',
      category: 'WJ02',
      categoryMajor: 'WJ',
      homeDepartment: 'CG',
      severity: 0,
      channel: 'GRID_APP',
      reporter: REPORTER,
      reportedAt: new Date(this.clock).toISOString(),
      units: { GRID: 5, VILLAGE: 4, TOWNSHIP: 3, DISTRICT: 2, CITY: 1 },
    };
    this.engine = new Engine(model, this.facts, newEngineState(this.facts));
  }

  /** The workflow's clock: a minute later at each call. */
  now(): string {
    this.clock += 60_000;
    return new Date(this.clock).toISOString();
  }

  /** Sets the clock to a time (a timer's fire time). */
  at(iso: string): string {
    this.clock = Date.parse(iso);
    return iso;
  }

  /** The workflow's settle loop: dispatch new tasks, run service tasks, compute timers and extensions. */
  settle(): void {
    for (;;) {
      this.flush();
      const services = this.engine.runningServices();
      const opening = this.engine.openingTasks();
      const toCompute = this.engine.timersToCompute();
      const extensions = this.engine.pendingExtensions();
      if (!services.length && !opening.length && !toCompute.length && !extensions.length) return;
      for (const inst of services) this.engine.serviceDone(inst.id, this.now());
      for (const inst of opening) {
        const req = this.engine.taskRequest(inst);
        const unit = this.facts.units[req.tier];
        const created = Date.parse(inst.task?.createdAt ?? this.now());
        const dueAt = new Date(created + DAY).toISOString();
        const reminderAts = req.reminders.map((r) => new Date(created + (r.kind === 'fraction' ? r.fraction * DAY : DAY / 2)).toISOString());
        this.engine.taskOpened(inst.id, { tier: req.tier, orgUnitId: unit, departmentId: null, principals: [`unit:${unit}:HANDLER`], dueAt, limit: { duration: 'P1D', calendar: 'CLOCK' }, reminderAts }, this.now());
      }
      for (const t of toCompute) this.engine.timerComputed(t.id, new Date(Date.parse(t.compute?.start ?? '') + DAY).toISOString());
      for (const e of extensions) this.engine.extensionApplied(e.approval.id, new Date(Date.parse(e.from) + clockDurationMs(e.duration)).toISOString(), this.now());
    }
  }

  private flush(): void {
    const out = this.engine.takeOutbox();
    this.audit.push(...out.audit);
    this.notifications.push(...out.notifications);
  }

  /** The open task of an element (fails when there is none). */
  task(elementId: string): TaskInfo {
    const task = this.engine.openTasks().find((t) => t.elementId === elementId);
    if (!task) throw new Error(`no open task of ${elementId}; open: ${this.openElements().join(', ')}`);
    return task;
  }

  openElements(): string[] {
    return this.engine.openTasks().map((t) => t.elementId);
  }

  /** Completes the open task of an element, then settles. */
  complete(elementId: string, outcome?: string, data?: Record<string, unknown>, actor: Actor = LIMING): TaskInfo {
    const task = this.engine.complete(this.task(elementId).taskId, actor, outcome, data, this.now());
    this.settle();
    return task;
  }

  /** Fires a timer at its fire time, then settles. */
  fire(timerId: string): void {
    const fireAt = this.engine.state.timers[timerId]?.fireAt;
    if (!fireAt) throw new Error(`timer ${timerId} is not armed`);
    this.engine.timerFired(timerId, this.at(fireAt));
    this.settle();
  }

  /** The armed timers of a kind, optionally of one element. */
  timers(kind: 'reminder' | 'overdue' | 'boundary' | 'catch', elementId?: string) {
    return Object.values(this.engine.state.timers).filter((t) => t.kind === kind && (!elementId || t.elementId === elementId || t.elementId.startsWith(`${elementId}#`)));
  }

  actions(): string[] {
    return this.audit.map((a) => a.action);
  }

  /** Up to 立案 done: 派遣 is open (standard closed loop). */
  static async atDispatch(): Promise<EngineCase> {
    const c = await EngineCase.start('standard-closed-loop.bpmn');
    c.complete('Task_Accept', 'accept');
    c.complete('Task_Register', 'done');
    return c;
  }

  /** Up to 派遣 done: 处置 is open at the village (standard closed loop). */
  static async atHandling(): Promise<EngineCase> {
    const c = await EngineCase.atDispatch();
    c.complete('Task_Dispatch', 'done');
    return c;
  }
}

/** The EngineError code an action throws (fails when it does not throw). */
export function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
  throw new Error('the engine accepted the action');
}
