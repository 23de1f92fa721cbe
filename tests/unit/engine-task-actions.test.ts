/**
 * A handler's actions on a task, driven on the pure engine: claim and unclaim, completion with its
 * outcome and form checked, escalation one tier up (无力处置), 撤回 by the reporter, and the
 * refusals of each (EngineError codes the API turns into 4xx).
 */
import { EngineCase, LIMING, refusal, REPORTER, XUWENBO } from '../support/engine';

describe('engine task actions', () => {
  it('given an open task, when 李明 claims it, then it is CLAIMED by him and a claim row is written at the task tier', async () => {
    const c = await EngineCase.start('standard-closed-loop.bpmn');
    const task = c.engine.claim(c.task('Task_Accept').taskId, LIMING, c.now());
    expect(task).toMatchObject({ state: 'CLAIMED', assignee: LIMING });
    c.settle();
    expect(c.audit.at(-1)).toMatchObject({ action: 'claim', actor: LIMING, tier: 'VILLAGE', payload: { taskId: task.taskId } });
  });

  it('given a task claimed by 李明, when 许文博 claims, completes or unclaims it, then each is refused TASK_CLAIMED', async () => {
    const c = await EngineCase.start('standard-closed-loop.bpmn');
    const { taskId } = c.task('Task_Accept');
    c.engine.claim(taskId, LIMING, c.now());
    expect(refusal(() => c.engine.claim(taskId, XUWENBO, c.now()))).toBe('TASK_CLAIMED');
    expect(refusal(() => c.engine.complete(taskId, XUWENBO, 'accept', undefined, c.now()))).toBe('TASK_CLAIMED');
    expect(refusal(() => c.engine.unclaim(taskId, XUWENBO, c.now()))).toBe('TASK_CLAIMED');
    expect(c.task('Task_Accept').assignee).toEqual(LIMING);
  });

  it('given a task claimed by 李明, when he unclaims it, then it is OPEN again with no assignee; when he unclaims again, then TASK_NOT_CLAIMED', async () => {
    const c = await EngineCase.start('standard-closed-loop.bpmn');
    const { taskId } = c.task('Task_Accept');
    c.engine.claim(taskId, LIMING, c.now());
    expect(c.engine.unclaim(taskId, LIMING, c.now())).toMatchObject({ state: 'OPEN', assignee: null, claimedAt: null });
    expect(refusal(() => c.engine.unclaim(taskId, LIMING, c.now()))).toBe('TASK_NOT_CLAIMED');
  });

  it('given 受理 with three outcomes, when it is completed without one or with an unknown one, then OUTCOME_REQUIRED and OUTCOME_INVALID, and the task stays open', async () => {
    const c = await EngineCase.start('standard-closed-loop.bpmn');
    const { taskId } = c.task('Task_Accept');
    expect(refusal(() => c.engine.complete(taskId, LIMING, undefined, undefined, c.now()))).toBe('OUTCOME_REQUIRED');
    expect(refusal(() => c.engine.complete(taskId, LIMING, 'maybe', undefined, c.now()))).toBe('OUTCOME_INVALID');
    expect(c.openElements()).toEqual(['Task_Accept']);
  });

  it('given 立案 with a single outcome, when it is completed without one, then that outcome is taken', async () => {
    const c = await EngineCase.start('standard-closed-loop.bpmn');
    c.complete('Task_Accept', 'accept');
    expect(c.complete('Task_Register')).toMatchObject({ state: 'COMPLETED', outcome: 'done', assignee: LIMING });
    expect(c.openElements()).toEqual(['Task_Dispatch']);
  });

  it('given 处置 whose form requires feedback, when it is completed without it, then FORM_INVALID; with it, then the data becomes case variables', async () => {
    const c = await EngineCase.atHandling();
    const { taskId } = c.task('Task_Handle');
    expect(refusal(() => c.engine.validateComplete(taskId, LIMING, 'done', {}))).toBe('FORM_INVALID');
    expect(refusal(() => c.engine.validateComplete(taskId, LIMING, 'done', ['feedback']))).toBe('FORM_INVALID');
    c.complete('Task_Handle', 'done', { feedback: '已清理' });
    expect(c.engine.state.vars).toMatchObject({ feedback: '已清理', outcome: 'done' });
  });

  it('given a task id that is finished, unknown, or still being dispatched, when it is acted on, then TASK_NOT_ACTIVE, TASK_NOT_FOUND and TASK_NOT_READY', async () => {
    const c = await EngineCase.start('standard-closed-loop.bpmn');
    const accepted = c.complete('Task_Accept', 'accept');
    expect(refusal(() => c.engine.claim(accepted.taskId, LIMING, c.now()))).toBe('TASK_NOT_ACTIVE');
    expect(refusal(() => c.engine.claim('DC-20261124-00042/T999', LIMING, c.now()))).toBe('TASK_NOT_FOUND');
    // 立案 completed without settling: 派遣 exists but its candidates are not resolved yet
    c.engine.complete(c.task('Task_Register').taskId, LIMING, 'done', undefined, c.now());
    const [opening] = c.engine.openingTasks();
    expect(refusal(() => c.engine.claim(opening.task?.taskId ?? '', LIMING, c.now()))).toBe('TASK_NOT_READY');
  });

  it('given 处置 open at the village, when 李明 escalates it, then the task is ESCALATED and 处置 is dispatched again at the township', async () => {
    const c = await EngineCase.atHandling();
    const before = c.task('Task_Handle');
    const escalated = c.engine.escalate(before.taskId, LIMING, '无力处置', c.now());
    c.settle();
    expect(escalated).toMatchObject({ state: 'ESCALATED' });
    expect(c.engine.state.tier).toBe('TOWNSHIP');
    expect(c.engine.state.vars).toMatchObject({ tier: 'TOWNSHIP', escalations: 1 });
    const after = c.task('Task_Handle');
    expect(after.taskId).not.toBe(before.taskId);
    expect(after).toMatchObject({ tier: 'TOWNSHIP', orgUnitId: 3, principals: ['unit:3:HANDLER'] });
    expect(c.audit.find((a) => a.action === 'escalate')).toMatchObject({ reason: '无力处置', payload: { fromTier: 'VILLAGE', toTier: 'TOWNSHIP' } });
  });

  it('given the case at the city, when a task is escalated, then TOP_TIER', async () => {
    const c = await EngineCase.atHandling();
    for (const tier of ['TOWNSHIP', 'DISTRICT', 'CITY']) {
      c.engine.escalate(c.task('Task_Handle').taskId, LIMING, '无力处置', c.now());
      c.settle();
      expect(c.engine.state.tier).toBe(tier);
    }
    expect(refusal(() => c.engine.escalate(c.task('Task_Handle').taskId, LIMING, '无力处置', c.now()))).toBe('TOP_TIER');
  });

  it("given 核查 assigned to the reporter, when it is escalated, then NOT_ESCALATABLE (its rule does not follow the tier)", async () => {
    const c = await EngineCase.atHandling();
    c.complete('Task_Handle', 'done', { feedback: '已清理' });
    expect(refusal(() => c.engine.escalate(c.task('Task_Verify').taskId, REPORTER, '无力处置', c.now()))).toBe('NOT_ESCALATABLE');
  });

  it('given a report not yet dispatched, when someone else withdraws it, then NOT_REPORTER; when the reporter does, then the case ends WITHDRAWN', async () => {
    const c = await EngineCase.start('standard-closed-loop.bpmn');
    expect(refusal(() => c.engine.withdraw(LIMING, '误报', c.now()))).toBe('NOT_REPORTER');
    c.engine.withdraw(REPORTER, '误报', c.now());
    c.settle();
    expect(c.engine.state).toMatchObject({ ended: true, status: 'WITHDRAWN', statusLabel: '已撤回' });
    expect(c.engine.openTasks()).toEqual([]);
  });

  it('given a dispatched case, when the reporter withdraws it, then ALREADY_DISPATCHED', async () => {
    const c = await EngineCase.atHandling();
    expect(refusal(() => c.engine.withdraw(REPORTER, '误报', c.now()))).toBe('ALREADY_DISPATCHED');
    expect(c.engine.state.ended).toBe(false);
  });
});
