/**
 * The case workflow's handlers: the state query, the updates on a task (claim, unclaim, complete,
 * escalate), the requests the tier above decides and their decision, comments and 撤回, and the
 * signals (催办, 督办, BPMN messages). Each update's validator refuses what the engine would
 * refuse before anything is written to the history; the update itself acts through the session.
 */
import { condition, patched, setHandler } from '@temporalio/workflow';
import { EngineError } from '../process/engine';
import {
  claimUpdate,
  commentUpdate,
  completeUpdate,
  decideUpdate,
  deferUpdate,
  escalateUpdate,
  extendUpdate,
  messageSignal,
  openedUpdate,
  returnUpdate,
  stateQuery,
  superviseSignal,
  unclaimUpdate,
  urgeSignal,
  voidUpdate,
  withdrawUpdate,
  type RequestUpdate,
} from './case-api';
import { checkActor, checkText, refused, validate } from './case-input-checks';
import { WITHDRAW_PATCH } from './case-patches';
import { now, type CaseSession } from './case-session';

/** What every action's validator checks: the case still runs, the actor is well formed, the engine agrees. */
function admitter(session: CaseSession) {
  const { engine } = session;
  return (actor: unknown, check: () => void) => {
    if (engine.state.ended) throw refused('CASE_ENDED', `case ${session.input.caseId} has ended (${engine.state.status})`);
    checkActor(actor);
    validate(check);
  };
}

export function registerStateQuery(session: CaseSession): void {
  setHandler(stateQuery, () => session.view());
}

/**
 * `opened` (intake's update-with-start): waits until the start has settled (the case row and its
 * first task written) and answers the case's status and deadline. It writes nothing and waits on
 * no timer, so it adds no command: a history without it replays as it ran.
 */
export function registerOpenedUpdate(session: CaseSession, isOpen: () => boolean): void {
  setHandler(openedUpdate, async () => {
    await condition(isOpen);
    const { engine } = session;
    const attachments = (session.input.row.attachments ?? []).map((a) => ({ id: a.id, fileName: a.fileName, mediaType: a.mediaType, size: a.size, sha256: a.sha256 }));
    return { caseId: session.input.caseId, status: engine.state.status, statusLabel: engine.state.statusLabel, dueAt: engine.state.ended ? null : engine.dueAt(), attachments };
  });
}

/** 签收, 取消签收, 办结 (placing a case without a point, classifying at 立案) and 无力处置. */
export function registerTaskUpdates(session: CaseSession): void {
  const { engine, facts } = session;
  const admit = admitter(session);

  setHandler(
    claimUpdate,
    ({ taskId, actor }) => session.act(() => ({ ...engine.claim(taskId, actor, now()) })).then((task) => ({ task, case: session.view() })),
    {
      validator: ({ taskId, actor }) => admit(actor, () => engine.validateClaim(taskId, actor)),
    },
  );

  setHandler(
    unclaimUpdate,
    ({ taskId, actor }) => session.act(() => ({ ...engine.unclaim(taskId, actor, now()) })).then((task) => ({ task, case: session.view() })),
    {
      validator: ({ taskId, actor }) => admit(actor, () => engine.validateUnclaim(taskId, actor)),
    },
  );

  setHandler(
    completeUpdate,
    ({ taskId, actor, outcome, data, place }) =>
      session
        .act(
          () => ({ ...session.completeTask(taskId, actor, outcome, data, place) }),
          () => session.classify(data),
        )
        .then((task) => ({ task, case: session.view() })),
    {
      validator: ({ taskId, actor, outcome, data, place }) => admit(actor, () => session.validateCompletion(taskId, actor, outcome, data, place)),
    },
  );

  setHandler(
    escalateUpdate,
    ({ taskId, actor, reason }) => session.act(() => ({ ...engine.escalate(taskId, actor, reason, now()) })).then((task) => ({ task, case: session.view() })),
    {
      validator: ({ taskId, actor, reason }) =>
        admit(actor, () => {
          checkText(reason, 'reason');
          engine.validateEscalate(taskId, actor);
          if (session.locating && facts.locateMe) throw refused('NOT_LOCATED', 'a case without a point is placed by its district before it goes up a tier');
        }),
    },
  );
}

/**
 * Requests the tier above decides: 回退, 延期, and (added after the first release, as new
 * handlers only, so old histories replay unchanged) 作废 and 缓办; and the decision on them.
 */
export function registerRequestUpdates(session: CaseSession): void {
  const { engine } = session;
  const admit = admitter(session);

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
        session.act(() => ({ ...engine.request(kind, taskId, actor, reason, timed ? (duration ?? null) : null, now()) })).then((approval) => ({ approval, case: session.view() })),
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
      session.act(() => engine.decide(approvalId, actor, approve, note ?? null, now())).then((approval) => ({ approval: { ...approval }, case: session.view() })),
    {
      validator: ({ approvalId, actor, approve }) =>
        admit(actor, () => {
          if (typeof approve !== 'boolean') throw refused('BAD_INPUT', 'approve must be true or false');
          engine.validateDecision(approvalId);
        }),
    },
  );
}

/** Updates on the case as a whole: a comment, and 撤回 by the reporter before dispatch. */
export function registerCaseUpdates(session: CaseSession): void {
  const { engine } = session;
  const admit = admitter(session);

  setHandler(
    commentUpdate,
    ({ taskId, actor, text }) => session.act(() => engine.comment(taskId ?? null, actor, text, now())).then(() => ({ case: session.view() })),
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
      session
        .act(() => {
          patched(WITHDRAW_PATCH);
          engine.withdraw(actor, reason, now());
        })
        .then(() => ({ case: session.view() })),
    {
      validator: ({ actor, reason }) =>
        admit(actor, () => {
          checkText(reason, 'reason', 500);
          engine.validateWithdraw(actor);
        }),
    },
  );
}

/** 催办 and 督办 by supervisors, and BPMN messages (withdraw, intervene): signals, which cannot answer. */
export function registerSignals(session: CaseSession): void {
  const { engine } = session;
  setHandler(urgeSignal, ({ actor, note, taskId }) => session.signal(actor, () => engine.urge(actor, note ?? null, taskId ?? null, now())));
  setHandler(superviseSignal, ({ actor, instruction, newDeadline }) => session.signal(actor, () => engine.supervise(actor, instruction, newDeadline ?? null, now())));
  setHandler(messageSignal, ({ name, actor, data }) =>
    session.signal(actor, () => {
      if (typeof name !== 'string' || !name) throw new EngineError('BAD_INPUT', 'message name is required');
      engine.message(name, actor, data && typeof data === 'object' && !Array.isArray(data) ? data : {}, now());
    }),
  );
}
