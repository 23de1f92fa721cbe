/**
 * Requests the tier above decides, on the pure engine: 延期 (extension) and its new deadline,
 * 回退 (return) to the step before, 作废 (void) ending the case, a rejection changing nothing, and
 * the refusals (a second pending request, no duration, nothing to return to, a decided request).
 */
import { EngineCase, LIMING, refusal, SUPERVISOR } from '../support/engine';

describe('engine approvals', () => {
  it('given 处置 open at the village, when 李明 asks for an extension, then a PENDING approval for the township is recorded and its supervisors are notified', async () => {
    const c = await EngineCase.atHandling();
    const { taskId } = c.task('Task_Handle');
    const approval = c.engine.request('EXTENSION', taskId, LIMING, '需协调', 'P2D', c.now());
    c.settle();
    expect(approval).toMatchObject({ kind: 'EXTENSION', state: 'PENDING', approverTier: 'TOWNSHIP', duration: 'P2D', taskId });
    expect(c.audit.at(-1)).toMatchObject({ action: 'requestExtension', reason: '需协调' });
    expect(c.notifications.at(-1)).toMatchObject({ kind: 'APPROVAL', to: { rule: 'role:supervisor@tier:current', tier: 'TOWNSHIP' }, title: '延期申请：处置' });
  });

  it('given a pending extension, when another is asked for, then APPROVAL_PENDING; when one comes without a duration, then DURATION_REQUIRED', async () => {
    const c = await EngineCase.atHandling();
    const { taskId } = c.task('Task_Handle');
    c.engine.request('EXTENSION', taskId, LIMING, '需协调', 'P2D', c.now());
    expect(refusal(() => c.engine.request('EXTENSION', taskId, LIMING, '再延', 'P1D', c.now()))).toBe('APPROVAL_PENDING');
    expect(refusal(() => c.engine.validateRequest('DEFERRAL', taskId, LIMING))).toBe('DURATION_REQUIRED');
    expect(refusal(() => c.engine.validateRequest('DEFERRAL', taskId, LIMING, 'two days'))).toBe('DURATION_INVALID');
  });

  it('given a pending extension of two days, when the township approves it, then the deadline moves two days and the overdue timer with it', async () => {
    const c = await EngineCase.atHandling();
    const { taskId, dueAt: from } = c.task('Task_Handle');
    const approval = c.engine.request('EXTENSION', taskId, LIMING, '需协调', 'P2D', c.now());
    c.settle();
    c.engine.decide(approval.id, SUPERVISOR, true, '同意', c.now());
    expect(c.engine.pendingExtensions()).toMatchObject([{ approval: { id: approval.id }, from, duration: 'P2D' }]);
    c.settle();
    const dueAt = new Date(Date.parse(from as string) + 2 * 86_400_000).toISOString();
    expect(c.task('Task_Handle').dueAt).toBe(dueAt);
    expect(c.timers('overdue', 'Task_Handle').map((t) => t.fireAt)).toEqual([dueAt]);
    expect(c.engine.pendingExtensions()).toEqual([]);
    expect(c.audit.at(-1)).toMatchObject({ action: 'changeDeadline', actor: SUPERVISOR, payload: { from, to: dueAt } });
  });

  it('given a pending extension, when the township rejects it, then the deadline stays and a second decision is refused APPROVAL_DECIDED', async () => {
    const c = await EngineCase.atHandling();
    const { taskId, dueAt } = c.task('Task_Handle');
    const approval = c.engine.request('EXTENSION', taskId, LIMING, '需协调', 'P2D', c.now());
    expect(c.engine.decide(approval.id, SUPERVISOR, false, '不同意', c.now())).toMatchObject({ state: 'REJECTED', decidedBy: SUPERVISOR });
    c.settle();
    expect(c.task('Task_Handle').dueAt).toBe(dueAt);
    expect(refusal(() => c.engine.decide(approval.id, SUPERVISOR, true, null, c.now()))).toBe('APPROVAL_DECIDED');
    expect(refusal(() => c.engine.validateDecision('DC-20261124-00042/A999'))).toBe('APPROVAL_NOT_FOUND');
  });

  it('given 派遣 open after 立案, when a return is approved, then 派遣 is RETURNED and 立案 opens again', async () => {
    const c = await EngineCase.atDispatch();
    const dispatch = c.task('Task_Dispatch');
    const approval = c.engine.request('RETURN', dispatch.taskId, LIMING, '分类有误', null, c.now());
    c.engine.decide(approval.id, SUPERVISOR, true, null, c.now());
    c.settle();
    expect(c.openElements()).toEqual(['Task_Register']);
    expect(c.engine.state.doneTasks.find((t) => t.taskId === dispatch.taskId)?.state).toBe('RETURNED');
    expect(c.audit.find((a) => a.action === 'return')).toMatchObject({ actor: LIMING, payload: { to: 'Task_Register' } });
  });

  it('given 受理, the first step, when a return is asked for, then NOTHING_TO_RETURN_TO', async () => {
    const c = await EngineCase.start('standard-closed-loop.bpmn');
    expect(refusal(() => c.engine.request('RETURN', c.task('Task_Accept').taskId, LIMING, '退回', null, c.now()))).toBe('NOTHING_TO_RETURN_TO');
  });

  it('given 处置 open, when a void is approved, then every task is cancelled and the case ends VOIDED', async () => {
    const c = await EngineCase.atHandling();
    const { taskId } = c.task('Task_Handle');
    const approval = c.engine.request('VOID', taskId, LIMING, '重复上报', null, c.now());
    c.engine.decide(approval.id, SUPERVISOR, true, null, c.now());
    c.settle();
    expect(c.engine.state).toMatchObject({ ended: true, status: 'VOIDED', statusLabel: '已作废' });
    expect(c.engine.openTasks()).toEqual([]);
    expect(c.engine.state.doneTasks.find((t) => t.taskId === taskId)?.state).toBe('CANCELLED');
    expect(c.engine.state.timers).toEqual({});
  });
});
