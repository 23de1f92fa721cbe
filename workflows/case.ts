/**
 * The case workflow (one per case, workflow id = case number): interprets the case's pinned
 * process model with the pure engine in process/engine/, and is the only writer of the case's
 * projection and audit log (through idempotent activities, one transaction per change).
 *
 * Every input — a handler's update, a supervisor's signal, a timer — runs under one lock: the
 * engine changes, then `settle()` writes the change, resolves new tasks and computes deadlines
 * until the engine waits on people or time again (case-session.ts). An update returns only after
 * its change is written, so the API reads its own write. The handlers are in case-handlers.ts.
 */
import { allHandlersFinished, condition, continueAsNew, workflowInfo } from '@temporalio/workflow';
import type { ProcessModel } from '../process/model';
import type { CaseView, CaseWorkflowInput } from './case-api';
import { registerCaseUpdates, registerOpenedUpdate, registerRequestUpdates, registerSignals, registerStateQuery, registerTaskUpdates } from './case-handlers';
import { caseActs, CaseSession, now } from './case-session';

export { LOCAL_ACTIVITIES_PATCH, LOCATE_ME_PATCH, WITHDRAW_PATCH } from './case-patches';

export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseView> {
  const session = new CaseSession(input, await processModel(input));

  registerStateQuery(session);
  registerTaskUpdates(session);
  registerRequestUpdates(session);
  registerCaseUpdates(session);
  registerSignals(session);
  // `opened` answers once the start has settled (a carried-over run is open from the start)
  let opened = !!input.carried;
  registerOpenedUpdate(session, () => opened);

  await startOrResume(session);
  opened = true;
  await untilEndedOrTooLong(session);
  if (!session.engine.state.ended) await continueIfStillRunning(session);
  await condition(() => allHandlersFinished() && session.lock.busy === 0);
  return session.view();
}

/**
 * The model normally comes with the input (so the handlers exist from the first workflow task); a
 * caller that gives only the version id has it loaded.
 */
async function processModel(input: CaseWorkflowInput): Promise<ProcessModel> {
  return input.model ?? (await caseActs().loadProcessModel({ processVersionId: input.processVersionId })).model;
}

/** A new case starts its process; a case carried over from the previous run settles what it left. */
async function startOrResume(session: CaseSession): Promise<void> {
  if (!session.input.carried) {
    await session.lock.run(async () => {
      session.engine.start(now());
      await session.settle();
    });
  } else {
    await session.lock.run(() => session.settle());
  }
}

/** Waits until the case ends, a signal or timer failed (which fails the workflow), or the history grew too long while idle. */
async function untilEndedOrTooLong(session: CaseSession): Promise<void> {
  const { input } = session;
  const historyTooLong = () => {
    const info = workflowInfo();
    return info.continueAsNewSuggested || (input.historyLimit !== undefined && info.historyLength > input.historyLimit);
  };
  await condition(() => session.engine.state.ended || session.failure !== undefined || (historyTooLong() && session.lock.busy === 0));
  if (session.failure !== undefined) throw session.failure;
}

/** Once every handler has finished, a case still running continues as new, carrying the engine's state. */
async function continueIfStillRunning(session: CaseSession): Promise<void> {
  await condition(() => allHandlersFinished() && session.lock.busy === 0);
  if (!session.engine.state.ended) {
    session.cancelTimers();
    await continueAsNew<typeof caseWorkflow>({ ...session.input, carried: { engine: session.engine.state, seq: session.seq, run: session.run + 1 } });
  }
}
