/**
 * One run of a case workflow: its engine, the lock its inputs take turns under, and the loop that
 * writes each change and resolves what the engine waits for (settle), with the durable timers it
 * keeps armed for the engine's timers.
 *
 * Every input — a handler's update, a supervisor's signal, a timer — runs under the lock: the
 * engine changes, then settle() writes the change, resolves new tasks and computes deadlines until
 * the engine waits on people or time again.
 */
import { CancellationScope, isCancellation, patched, proxyActivities, proxyLocalActivities, sleep } from '@temporalio/workflow';
import type { RetryPolicy } from '@temporalio/common';
import type { CaseActivities, CasePlace, CaseSnapshot } from './case-api';
import { Engine, EngineError, newEngineState, type Actor, type TimerState } from '../process/engine';
import type { ProcessModel } from '../process/model';
import type { CaseView, CaseWorkflowInput } from './case-api';
import { asFailure, checkActor, checkPlace } from './case-input-checks';
import { LOCAL_ACTIVITIES_PATCH, LOCATE_ME_PATCH, REGISTER_CLASSIFIES_PATCH, TIMERS_IN_ONE_STEP_PATCH } from './case-patches';

/** Outcomes that end a case at 受理 (invalid, duplicate): they need no point. */
const ENDS_WITHOUT_PLACE = ['reject', 'duplicate'];

/** Retried without end (a refusal is a non-retryable ApplicationFailure), backing off from 1 s to 30 s. */
const RETRY: RetryPolicy = { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 };

/** The activities as normal activities: how the case ran before LOCAL_ACTIVITIES_PATCH. */
const remoteActs = proxyActivities<CaseActivities>({ startToCloseTimeout: '30 seconds', retry: RETRY });

/**
 * The same activities as local activities (LOCAL_ACTIVITIES_PATCH), with the same timeout and
 * retry policy: the first retries (after 1, 2, 4 and 8 s) wait in the worker within the workflow
 * task, later ones (16 s, then every 30 s: MySQL is down) on a durable timer, so a long outage
 * does not keep the workflow task open.
 */
const localActs = proxyLocalActivities<CaseActivities>({ startToCloseTimeout: '30 seconds', retry: RETRY, localRetryThreshold: '10 seconds' });

/**
 * The case's activities: local ones once LOCAL_ACTIVITIES_PATCH is on (every case started since;
 * a case already running from its next call), normal ones where a recorded history has them.
 * Called where each activity is called, never in a query or an update validator.
 */
export function caseActs(): CaseActivities {
  return patched(LOCAL_ACTIVITIES_PATCH) ? localActs : remoteActs;
}

/** The workflow's (deterministic) time. */
export const now = () => new Date().toISOString();

/** The order in which timers that fired together are applied (patch timers-in-one-step). */
const FIRING_ORDER: Record<TimerState['kind'], number> = { reminder: 0, overdue: 1, boundary: 2, catch: 3 };

function firingOrder(a: Pick<TimerState, 'id' | 'kind' | 'fireAt'>, b: Pick<TimerState, 'id' | 'kind' | 'fireAt'>): number {
  const [x, y] = [a.fireAt ?? '', b.fireAt ?? ''];
  if (x !== y) return x < y ? -1 : 1;
  const kind = FIRING_ORDER[a.kind] - FIRING_ORDER[b.kind];
  if (kind) return kind;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Serialises the inputs of one case (deterministic: a promise chain). */
class Lock {
  private tail: Promise<unknown> = Promise.resolve();
  busy = 0;
  run<T>(fn: () => Promise<T>): Promise<T> {
    this.busy += 1;
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result.finally(() => {
      this.busy -= 1;
    });
  }
}

export class CaseSession {
  readonly engine: Engine;
  readonly lock = new Lock();
  /** the first failure of a signal or timer (they cannot answer): it fails the workflow */
  failure: unknown;
  seq: number;
  readonly run: number;
  /** a case reported without a point (see LOCATE_ME_PATCH) */
  readonly locating: boolean;
  private created: boolean;
  private readonly armed = new Map<string, CancellationScope>();
  /** timers whose durable timer fired and whose step waits for the lock (patch timers-in-one-step) */
  private readonly firing = new Map<string, Pick<TimerState, 'id' | 'kind' | 'fireAt'>>();
  /** the place the next change writes (set when the case is placed) */
  private pendingPlace: CasePlace | undefined;

  constructor(
    readonly input: CaseWorkflowInput,
    model: ProcessModel,
  ) {
    const { facts } = input;
    // behaviour added after the first release is guarded where it acts (see EnginePatch)
    this.engine = new Engine(model, facts, input.carried?.engine ?? newEngineState(facts, input.vars ?? {}), (id) => patched(id));
    this.seq = input.carried?.seq ?? 0;
    this.created = !!input.carried;
    this.run = input.carried?.run ?? 1;
    this.locating = facts.locateMe === true && patched(LOCATE_ME_PATCH);
    if (this.locating && !input.carried) {
      this.engine.state.tier = 'DISTRICT';
      this.engine.state.vars.tier = 'DISTRICT';
    }
  }

  get facts() {
    return this.input.facts;
  }

  /** The case row's columns the workflow owns. */
  snapshot(): CaseSnapshot {
    const { engine, facts } = this;
    return {
      status: engine.state.status,
      statusLabel: engine.state.statusLabel,
      tier: engine.state.tier,
      unitId: facts.units[engine.state.tier],
      dueAt: engine.state.ended ? null : engine.dueAt(),
      closedTier: engine.state.closedTier,
      closedAt: engine.state.closedAt,
      acceptedAt: engine.state.acceptedAt ?? null,
    };
  }

  /** What the state query and every update answer. */
  view(): CaseView {
    const { engine, facts } = this;
    return {
      caseId: this.input.caseId,
      status: engine.state.status,
      statusLabel: engine.state.statusLabel,
      tier: engine.state.tier,
      unitId: facts.units[engine.state.tier],
      ended: engine.state.ended,
      dueAt: engine.state.ended ? null : engine.dueAt(),
      activeElements: engine.activeElements(),
      tasks: Object.values(engine.state.instances)
        .filter((i) => i.task)
        .map((i) => ({ ...(i.task as NonNullable<typeof i.task>) })),
      approvals: engine.state.approvals.map((a) => ({ ...a })),
      timers: Object.values(engine.state.timers).map((t) => ({ id: t.id, kind: t.kind, elementId: t.elementId, fireAt: t.fireAt })),
      variables: { ...engine.state.vars },
      processVersionId: this.input.processVersionId,
      reworkCount: engine.state.reworkCount,
      escalations: engine.state.escalations,
      overdueCount: engine.state.overdueCount,
      closedTier: engine.state.closedTier,
      incidents: [...engine.state.incidents],
      run: this.run,
    };
  }

  /** Writes what the engine changed since the last flush (nothing when nothing changed). */
  private async flush(): Promise<void> {
    const { engine, facts, input } = this;
    const out = engine.takeOutbox();
    if (!out.audit.length && !out.tasks.length && !out.caseChanged && !out.approvals.length && !out.notifications.length) return;
    await caseActs().applyCaseChange({
      caseId: input.caseId,
      firstSeq: this.seq + 1,
      create: this.created ? null : input.row,
      audit: out.audit,
      snapshot: this.snapshot(),
      tasks: out.tasks,
      approvals: out.approvals.map((a) => ({ ...a, approverUnitId: facts.units[a.approverTier] })),
      notifications: out.notifications,
      facts,
      ...(this.pendingPlace ? { place: this.pendingPlace } : {}),
    });
    this.pendingPlace = undefined;
    this.seq += out.audit.length;
    this.created = true;
  }

  /** Writes what changed and resolves what the engine waits for, until it waits on people or time. */
  async settle(): Promise<void> {
    const { engine, facts } = this;
    for (;;) {
      await this.flush();
      const opening = engine.openingTasks();
      const toCompute = engine.timersToCompute();
      const extensions = engine.pendingExtensions();
      const services = engine.runningServices();
      if (!opening.length && !toCompute.length && !extensions.length && !services.length) break;
      if (services.length) {
        // notify and handOver: what they write goes out with the next flush (notifications resolve their rule there)
        for (const inst of services) engine.serviceDone(inst.id, now());
        continue;
      }
      for (const inst of opening) {
        const req = engine.taskRequest(inst);
        // the limit counts from the task's creation, not from when this activity happens to run
        const from = inst.task?.createdAt || now();
        const opened = await caseActs().prepareTask({ facts, rule: req.rule, tier: req.tier, deadline: req.deadline, reminders: req.reminders, vars: engine.state.vars, now: from });
        engine.taskOpened(inst.id, opened, now());
      }
      if (toCompute.length) {
        const times = await caseActs().computeTimes({ specs: toCompute.map((t) => t.compute as NonNullable<typeof t.compute>) });
        toCompute.forEach((t, i) => engine.timerComputed(t.id, times[i]));
      }
      for (const e of extensions) {
        const [dueAt] = await caseActs().computeTimes({ specs: [{ start: e.from, duration: e.duration, calendar: e.calendar }] });
        engine.extensionApplied(e.approval.id, dueAt, now());
      }
    }
    this.reconcileTimers();
  }

  /** Cancels the durable timers of engine timers that are gone, arms one for each new engine timer with a fire time. */
  private reconcileTimers(): void {
    const { engine, armed } = this;
    for (const [id, scope] of armed) {
      if (!engine.state.timers[id]) {
        scope.cancel();
        armed.delete(id);
      }
    }
    for (const t of Object.values(engine.state.timers)) {
      if (!t.fireAt || armed.has(t.id)) continue;
      const scope = new CancellationScope();
      armed.set(t.id, scope);
      const delay = Math.max(1, Date.parse(t.fireAt) - new Date().getTime());
      scope.run(() => sleep(delay)).then(
        () => {
          if (patched(TIMERS_IN_ONE_STEP_PATCH)) {
            this.fired(t);
            return;
          }
          armed.delete(t.id);
          this.lock
            .run(async () => {
              engine.timerFired(t.id, now());
              await this.settle();
            })
            .catch((e) => {
              this.failure ??= e;
            });
        },
        (e) => {
          if (!isCancellation(e)) this.failure ??= e;
        },
      );
    }
  }

  /**
   * A durable timer fired (patch timers-in-one-step): it stays armed until its step has run, and
   * the first timer of a step queues it under the lock; every timer that fires before the step
   * starts joins it, and so does every engine timer already due when the step starts (its durable
   * timer, due at the same instant, may come in a later activation: it is then cancelled, or fires
   * into nothing). The step applies them all to the engine in firing order, then settles once.
   */
  private fired(t: TimerState): void {
    const queued = this.firing.size > 0;
    this.firing.set(t.id, { id: t.id, kind: t.kind, fireAt: t.fireAt });
    if (queued) return;
    const { engine, armed } = this;
    this.lock
      .run(async () => {
        const at = now();
        for (const d of Object.values(engine.state.timers)) if (d.fireAt && d.fireAt <= at && !this.firing.has(d.id)) this.firing.set(d.id, { id: d.id, kind: d.kind, fireAt: d.fireAt });
        const step = [...this.firing.values()].sort(firingOrder);
        this.firing.clear();
        for (const f of step) {
          armed.delete(f.id);
          engine.timerFired(f.id, now());
        }
        await this.settle();
      })
      .catch((e) => {
        this.failure ??= e;
      });
  }

  /** Before continuing as new: the durable timers of this run are dropped (the next run arms its own). */
  cancelTimers(): void {
    for (const scope of this.armed.values()) scope.cancel();
  }

  /**
   * Runs an action under the lock, then what must be known before its change is written (`then`),
   * writes it, and turns engine refusals into update failures.
   */
  act<T>(fn: () => T, then?: () => Promise<void>): Promise<T> {
    return this.lock.run(async () => {
      let result: T;
      try {
        result = fn();
      } catch (e) {
        throw asFailure(e);
      }
      if (then) await then();
      await this.settle();
      return result;
    });
  }

  /** A signal's action under the lock: signals cannot answer, so a malformed one (the API validates first) is dropped, never fails the case. */
  signal(actor: unknown, fn: () => void): void {
    if (this.engine.state.ended) return;
    try {
      checkActor(actor);
    } catch {
      return;
    }
    this.lock
      .run(async () => {
        try {
          fn();
        } catch (e) {
          if (!(e instanceof EngineError)) throw e;
        }
        await this.settle();
      })
      .catch((e) => {
        this.failure ??= e;
      });
  }

  /**
   * A task completed with a category (立案 classifies an unclassified report, or corrects the
   * category): the case's facts take it before the next tasks are dispatched, so their deadlines
   * use its limits (patch `register-classifies`; an unknown code changes nothing).
   */
  async classify(data: Record<string, unknown> | undefined): Promise<void> {
    const code = data?.category;
    if (typeof code !== 'string' || code === this.facts.category || !patched(REGISTER_CLASSIFIES_PATCH)) return;
    const found = await caseActs().loadCategoryFacts({ code });
    if (found) this.engine.classify(found);
  }

  /** Whether completing the task with this outcome places the case (it has no point yet). */
  private mustPlace(taskId: string, outcome: string | undefined, place: unknown): boolean {
    if (!this.locating || !this.facts.locateMe) return false;
    const { el } = this.engine.findTask(taskId);
    const o = outcome ?? (el.outcomes.length === 1 ? el.outcomes[0] : undefined);
    return place !== undefined || !ENDS_WITHOUT_PLACE.includes(o ?? '');
  }

  /** A completion that places the case first gives it its grid, village and township, at the village as a located report. */
  completeTask(taskId: string, actor: Actor, outcome: string | undefined, data: Record<string, unknown> | undefined, place: CasePlace | undefined) {
    const { engine, facts } = this;
    if (this.mustPlace(taskId, outcome, place)) {
      engine.validateComplete(taskId, actor, outcome, data);
      const p = place as CasePlace;
      facts.units.TOWNSHIP = p.units.TOWNSHIP;
      facts.units.VILLAGE = p.units.VILLAGE;
      facts.units.GRID = p.units.GRID;
      delete facts.locateMe;
      engine.state.tier = 'VILLAGE';
      engine.state.vars.tier = 'VILLAGE';
      this.pendingPlace = p;
    }
    return engine.complete(taskId, actor, outcome, data, now());
  }

  validateCompletion(taskId: string, actor: Actor, outcome: string | undefined, data: unknown, place: unknown): void {
    this.engine.validateComplete(taskId, actor, outcome, data);
    if (this.mustPlace(taskId, outcome, place)) checkPlace(place, this.facts.units.DISTRICT);
  }
}
