/**
 * The case workflow (one per case, workflow id = case number): interprets the case's pinned
 * process model with the pure engine in process/engine/, and is the only writer of the case's
 * projection and audit log (through idempotent activities, one transaction per change).
 *
 * Every input — a handler's update, a supervisor's signal, a timer — runs under one lock: the
 * engine changes, then `settle()` writes the change, resolves new tasks and computes deadlines
 * until the engine waits on people or time again. An update returns only after its change is
 * written, so the API reads its own write.
 */
import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { CaseActivities, CasePlace, CaseSnapshot } from '../activities/cases';
import { Engine, EngineError, newEngineState, type Actor } from '../process/engine';
import {
  claimUpdate,
  commentUpdate,
  completeUpdate,
  decideUpdate,
  escalateUpdate,
  extendUpdate,
  voidUpdate,
  deferUpdate,
  messageSignal,
  returnUpdate,
  stateQuery,
  superviseSignal,
  unclaimUpdate,
  urgeSignal,
  withdrawUpdate,
  type CaseView,
  type CaseWorkflowInput,
  type RequestUpdate,
} from './case-api';

/**
 * Cases reported without a point (facts.locateMe, added after the first release): they start at
 * the district, and completing their first task places them (grid, village, township; the tier
 * back to the village, where a located report starts). Only such cases reach the patch, so the
 * histories of every other case replay unchanged.
 */
export const LOCATE_ME_PATCH = 'locate-me';
/**
 * 撤回 before dispatch (withdrawUpdate, added after the first release as a new update handler, so
 * histories without it replay unchanged). The marker names the histories that used it, so a later
 * change to what it does can branch on it.
 */
export const WITHDRAW_PATCH = 'withdraw-before-dispatch';
/** Outcomes that end a case at 受理 (invalid, duplicate): they need no point. */
const ENDS_WITHOUT_PLACE = ['reject', 'duplicate'];

const acts = proxyActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
});

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

const now = () => new Date().toISOString();

function asFailure(e: unknown): unknown {
  if (e instanceof EngineError) return ApplicationFailure.create({ message: e.message, type: e.code, nonRetryable: true });
  return e;
}

function checkActor(actor: unknown): asserts actor is Actor {
  const a = actor as Actor | undefined;
  if (!a || typeof a !== 'object' || typeof a.name !== 'string' || !a.name || (a.userId !== null && !Number.isInteger(a.userId))) {
    throw ApplicationFailure.create({ message: 'actor must be { userId: integer | null, name: string }', type: 'BAD_INPUT', nonRetryable: true });
  }
}

function checkPlace(place: unknown, districtId: number): asserts place is CasePlace {
  const p = place as CasePlace | undefined;
  const ints = (...xs: unknown[]) => xs.every((x) => Number.isInteger(x));
  const finite = (...xs: unknown[]) => xs.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (!p || typeof p !== 'object' || !p.units || !p.sent || typeof p.orgPath !== 'string' || !ints(p.gridId, p.units.TOWNSHIP, p.units.VILLAGE, p.units.GRID) || !finite(p.lat, p.lng, p.sent.lat, p.sent.lng)) {
    throw ApplicationFailure.create({ message: 'this case was reported without a point: place it (data.location) to complete the task', type: 'LOCATION_REQUIRED', nonRetryable: true });
  }
  if (!p.orgPath.includes(`/${districtId}/`)) {
    throw ApplicationFailure.create({ message: "the point lies outside the case's district", type: 'OUTSIDE_DISTRICT', nonRetryable: true });
  }
}

function checkText(value: unknown, field: string, max = 2000): void {
  if (typeof value !== 'string' || !value.trim() || value.length > max) {
    throw ApplicationFailure.create({ message: `${field} must be a non-empty string of at most ${max} characters`, type: 'BAD_INPUT', nonRetryable: true });
  }
}

export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseView> {
  const { caseId, facts } = input;
  // The model normally comes with the input (so the handlers below exist from the first workflow
  // task); a caller that gives only the version id has it loaded.
  const model = input.model ?? (await acts.loadProcessModel({ processVersionId: input.processVersionId })).model;
  // behaviour added after the first release is guarded where it acts (see EnginePatch)
  const engine = new Engine(model, facts, input.carried?.engine ?? newEngineState(facts, input.vars ?? {}), (id) => patched(id));
  let seq = input.carried?.seq ?? 0;
  let created = !!input.carried;
  const run = input.carried?.run ?? 1;
  const lock = new Lock();
  const armed = new Map<string, CancellationScope>();
  let failure: unknown;
  // a case reported without a point (see LOCATE_ME_PATCH)
  const locating = facts.locateMe === true && patched(LOCATE_ME_PATCH);
  if (locating && !input.carried) {
    engine.state.tier = 'DISTRICT';
    engine.state.vars.tier = 'DISTRICT';
  }
  /** the place the next change writes (set when the case is placed) */
  let pendingPlace: CasePlace | undefined;

  const snapshot = (): CaseSnapshot => ({
    status: engine.state.status,
    statusLabel: engine.state.statusLabel,
    tier: engine.state.tier,
    unitId: facts.units[engine.state.tier],
    dueAt: engine.state.ended ? null : engine.dueAt(),
    closedTier: engine.state.closedTier,
    closedAt: engine.state.closedAt,
    acceptedAt: engine.state.acceptedAt ?? null,
  });

  const view = (): CaseView => ({
    caseId,
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
    processVersionId: input.processVersionId,
    reworkCount: engine.state.reworkCount,
    escalations: engine.state.escalations,
    overdueCount: engine.state.overdueCount,
    closedTier: engine.state.closedTier,
    incidents: [...engine.state.incidents],
    run,
  });

  async function flush(): Promise<void> {
    const out = engine.takeOutbox();
    if (!out.audit.length && !out.tasks.length && !out.caseChanged && !out.approvals.length && !out.notifications.length) return;
    await acts.applyCaseChange({
      caseId,
      firstSeq: seq + 1,
      create: created ? null : input.row,
      audit: out.audit,
      snapshot: snapshot(),
      tasks: out.tasks,
      approvals: out.approvals.map((a) => ({ ...a, approverUnitId: facts.units[a.approverTier] })),
      notifications: out.notifications,
      facts,
      ...(pendingPlace ? { place: pendingPlace } : {}),
    });
    pendingPlace = undefined;
    seq += out.audit.length;
    created = true;
  }

  /** Writes what changed and resolves what the engine waits for, until it waits on people or time. */
  async function settle(): Promise<void> {
    for (;;) {
      await flush();
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
        const opened = await acts.prepareTask({ facts, rule: req.rule, tier: req.tier, deadline: req.deadline, reminders: req.reminders, vars: engine.state.vars, now: from });
        engine.taskOpened(inst.id, opened, now());
      }
      if (toCompute.length) {
        const times = await acts.computeTimes({ specs: toCompute.map((t) => t.compute as NonNullable<typeof t.compute>) });
        toCompute.forEach((t, i) => engine.timerComputed(t.id, times[i]));
      }
      for (const e of extensions) {
        const [dueAt] = await acts.computeTimes({ specs: [{ start: e.from, duration: e.duration, calendar: e.calendar }] });
        engine.extensionApplied(e.approval.id, dueAt, now());
      }
    }
    reconcileTimers();
  }

  function reconcileTimers(): void {
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
          armed.delete(t.id);
          lock
            .run(async () => {
              engine.timerFired(t.id, now());
              await settle();
            })
            .catch((e) => {
              failure ??= e;
            });
        },
        (e) => {
          if (!isCancellation(e)) failure ??= e;
        },
      );
    }
  }

  /**
   * Runs an action under the lock, then what must be known before its change is written (`then`),
   * writes it, and turns engine refusals into update failures.
   */
  const act = <T>(fn: () => T, then?: () => Promise<void>): Promise<T> =>
    lock.run(async () => {
      let result: T;
      try {
        result = fn();
      } catch (e) {
        throw asFailure(e);
      }
      if (then) await then();
      await settle();
      return result;
    });

  /**
   * A task completed with a category (立案 classifies an unclassified report, or corrects the
   * category): the case's facts take it before the next tasks are dispatched, so their deadlines
   * use its limits (patch `register-classifies`; an unknown code changes nothing).
   */
  const classify = async (data: Record<string, unknown> | undefined): Promise<void> => {
    const code = data?.category;
    if (typeof code !== 'string' || code === facts.category || !patched('register-classifies')) return;
    const found = await acts.loadCategoryFacts({ code });
    if (found) engine.classify(found);
  };

  const validate = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      throw asFailure(e);
    }
  };

  const refuseEnded = () => {
    if (engine.state.ended) throw ApplicationFailure.create({ message: `case ${caseId} has ended (${engine.state.status})`, type: 'CASE_ENDED', nonRetryable: true });
  };

  /** What every action's validator checks: the case still runs, the actor is well formed, the engine agrees. */
  const admit = (actor: unknown, check: () => void) => {
    refuseEnded();
    checkActor(actor);
    validate(check);
  };

  setHandler(stateQuery, view);

  setHandler(
    claimUpdate,
    ({ taskId, actor }) => act(() => ({ ...engine.claim(taskId, actor, now()) })).then((task) => ({ task, case: view() })),
    {
      validator: ({ taskId, actor }) => admit(actor, () => engine.validateClaim(taskId, actor)),
    },
  );

  setHandler(
    unclaimUpdate,
    ({ taskId, actor }) => act(() => ({ ...engine.unclaim(taskId, actor, now()) })).then((task) => ({ task, case: view() })),
    {
      validator: ({ taskId, actor }) => admit(actor, () => engine.validateUnclaim(taskId, actor)),
    },
  );

  /** Whether completing the task with this outcome places the case (it has no point yet). */
  const mustPlace = (taskId: string, outcome: string | undefined, place: unknown) => {
    if (!locating || !facts.locateMe) return false;
    const { el } = engine.findTask(taskId);
    const o = outcome ?? (el.outcomes.length === 1 ? el.outcomes[0] : undefined);
    return place !== undefined || !ENDS_WITHOUT_PLACE.includes(o ?? '');
  };

  /** A completion that places the case first gives it its grid, village and township, at the village as a located report. */
  const completeTask = (taskId: string, actor: Actor, outcome: string | undefined, data: Record<string, unknown> | undefined, place: CasePlace | undefined) => {
    if (mustPlace(taskId, outcome, place)) {
      engine.validateComplete(taskId, actor, outcome, data);
      const p = place as CasePlace;
      facts.units.TOWNSHIP = p.units.TOWNSHIP;
      facts.units.VILLAGE = p.units.VILLAGE;
      facts.units.GRID = p.units.GRID;
      delete facts.locateMe;
      engine.state.tier = 'VILLAGE';
      engine.state.vars.tier = 'VILLAGE';
      pendingPlace = p;
    }
    return engine.complete(taskId, actor, outcome, data, now());
  };

  const validateCompletion = (taskId: string, actor: Actor, outcome: string | undefined, data: unknown, place: unknown) => {
    engine.validateComplete(taskId, actor, outcome, data);
    if (mustPlace(taskId, outcome, place)) checkPlace(place, facts.units.DISTRICT);
  };

  setHandler(
    completeUpdate,
    ({ taskId, actor, outcome, data, place }) =>
      act(
        () => ({ ...completeTask(taskId, actor, outcome, data, place) }),
        () => classify(data),
      ).then((task) => ({ task, case: view() })),
    {
      validator: ({ taskId, actor, outcome, data, place }) => admit(actor, () => validateCompletion(taskId, actor, outcome, data, place)),
    },
  );

  setHandler(
    escalateUpdate,
    ({ taskId, actor, reason }) => act(() => ({ ...engine.escalate(taskId, actor, reason, now()) })).then((task) => ({ task, case: view() })),
    {
      validator: ({ taskId, actor, reason }) =>
        admit(actor, () => {
          checkText(reason, 'reason');
          engine.validateEscalate(taskId, actor);
          if (locating && facts.locateMe) throw ApplicationFailure.create({ message: 'a case without a point is placed by its district before it goes up a tier', type: 'NOT_LOCATED', nonRetryable: true });
        }),
    },
  );

  // requests the tier above decides: 回退, 延期, and (added after the first release, as new
  // handlers only, so old histories replay unchanged) 作废 and 缓办
  const REQUESTS = [
    [returnUpdate, 'RETURN'],
    [extendUpdate, 'EXTENSION'],
    [voidUpdate, 'VOID'],
    [deferUpdate, 'DEFERRAL'],
  ] as const;
  for (const [update, kind] of REQUESTS) {
    const timed = kind === 'EXTENSION' || kind === 'DEFERRAL';
    setHandler(
      update as RequestUpdate,
      ({ taskId, actor, duration, reason }) =>
        act(() => ({ ...engine.request(kind, taskId, actor, reason, timed ? (duration ?? null) : null, now()) })).then((approval) => ({ approval, case: view() })),
      {
        validator: ({ taskId, actor, duration, reason }) =>
          admit(actor, () => {
            checkText(reason, 'reason');
            engine.validateRequest(kind, taskId, actor, timed ? duration : undefined);
          }),
      },
    );
  }

  setHandler(
    decideUpdate,
    ({ approvalId, actor, approve, note }) =>
      // the approval as it stands once its effects (an extension's new deadline) are written
      act(() => engine.decide(approvalId, actor, approve, note ?? null, now())).then((approval) => ({ approval: { ...approval }, case: view() })),
    {
      validator: ({ approvalId, actor, approve }) =>
        admit(actor, () => {
          if (typeof approve !== 'boolean') throw ApplicationFailure.create({ message: 'approve must be true or false', type: 'BAD_INPUT', nonRetryable: true });
          engine.validateDecision(approvalId);
        }),
    },
  );

  setHandler(
    commentUpdate,
    ({ taskId, actor, text }) => act(() => engine.comment(taskId ?? null, actor, text, now())).then(() => ({ case: view() })),
    {
      validator: ({ taskId, actor, text }) => {
        checkActor(actor);
        checkText(text, 'text');
        if (taskId !== undefined) validate(() => engine.findTask(taskId));
      },
    },
  );

  setHandler(
    withdrawUpdate,
    ({ actor, reason }) =>
      act(() => {
        patched(WITHDRAW_PATCH);
        engine.withdraw(actor, reason, now());
      }).then(() => ({ case: view() })),
    {
      validator: ({ actor, reason }) =>
        admit(actor, () => {
          checkText(reason, 'reason', 500);
          engine.validateWithdraw(actor);
        }),
    },
  );

  // Signals cannot answer: a malformed one (the API validates first) is dropped, never fails the case.
  const signal = (actor: unknown, fn: () => void) => {
    if (engine.state.ended) return;
    try {
      checkActor(actor);
    } catch {
      return;
    }
    lock
      .run(async () => {
        try {
          fn();
        } catch (e) {
          if (!(e instanceof EngineError)) throw e;
        }
        await settle();
      })
      .catch((e) => {
        failure ??= e;
      });
  };

  setHandler(urgeSignal, ({ actor, note, taskId }) => signal(actor, () => engine.urge(actor, note ?? null, taskId ?? null, now())));
  setHandler(superviseSignal, ({ actor, instruction, newDeadline }) => signal(actor, () => engine.supervise(actor, instruction, newDeadline ?? null, now())));
  setHandler(messageSignal, ({ name, actor, data }) =>
    signal(actor, () => {
      if (typeof name !== 'string' || !name) throw new EngineError('BAD_INPUT', 'message name is required');
      engine.message(name, actor, data && typeof data === 'object' && !Array.isArray(data) ? data : {}, now());
    }),
  );

  if (!input.carried) {
    await lock.run(async () => {
      engine.start(now());
      await settle();
    });
  } else {
    await lock.run(settle);
  }

  const historyTooLong = () => {
    const info = workflowInfo();
    return info.continueAsNewSuggested || (input.historyLimit !== undefined && info.historyLength > input.historyLimit);
  };

  await condition(() => engine.state.ended || failure !== undefined || (historyTooLong() && lock.busy === 0));
  if (failure !== undefined) throw failure;
  if (!engine.state.ended) {
    await condition(() => allHandlersFinished() && lock.busy === 0);
    if (!engine.state.ended) {
      for (const scope of armed.values()) scope.cancel();
      await continueAsNew<typeof caseWorkflow>({ ...input, carried: { engine: engine.state, seq, run: run + 1 } });
    }
  }
  await condition(() => allHandlersFinished() && lock.busy === 0);
  return view();
}
