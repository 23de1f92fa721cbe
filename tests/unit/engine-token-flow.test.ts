/**
 * The engine's token flow, driven directly (no Temporal): exclusive gateways on the outcome,
 * a parallel split and its join, a thrown escalation caught by its sub-process's boundary, and the
 * closing service tasks ending the case.
 */
import { EngineCase } from '../support/engine';

describe('engine token flow', () => {
  it('given a new report, when the case starts, then 受理 is dispatched at the village and the case is REPORTED', async () => {
    const c = await EngineCase.start('standard-closed-loop.bpmn');
    expect(c.openElements()).toEqual(['Task_Accept']);
    expect(c.task('Task_Accept')).toMatchObject({ tier: 'VILLAGE', orgUnitId: 4, state: 'OPEN', principals: ['unit:4:HANDLER'] });
    expect(c.engine.state.status).toBe('REPORTED');
    expect(c.actions()).toEqual(['report', 'dispatchTask']);
  });

  it('given 受理 open, when it is completed with reject, then the exclusive gateway takes the reject flow and the case ends REJECTED', async () => {
    const c = await EngineCase.start('standard-closed-loop.bpmn');
    c.complete('Task_Accept', 'reject');
    expect(c.engine.state.ended).toBe(true);
    expect(c.engine.state.status).toBe('REJECTED');
    expect(c.engine.openTasks()).toEqual([]);
    expect(c.audit.at(-1)).toMatchObject({ action: 'end', fromStatus: 'REJECTED', toStatus: 'REJECTED' });
  });

  it('given 受理 open, when it is completed with accept, then the gateway falls to its default flow and 立案 opens', async () => {
    const c = await EngineCase.start('standard-closed-loop.bpmn');
    c.complete('Task_Accept', 'accept');
    expect(c.openElements()).toEqual(['Task_Register']);
    expect(c.engine.state.status).toBe('REGISTERED');
    expect(c.engine.state.acceptedAt).not.toBeNull();
  });

  it('given a dual-dispatch case accepted, when the parallel gateway splits, then the department and the watch tasks are both open', async () => {
    const c = await EngineCase.start('dual-dispatch.bpmn');
    c.complete('Task_AcceptRegister', 'accept');
    expect(c.openElements().sort()).toEqual(['Task_DepartmentHandle', 'Task_Watch']);
    expect(c.engine.state.status).toBe('IN_PROGRESS');
  });

  it('given both branches open, when only one completes, then the parallel join waits; when the other completes, then 核查 opens once', async () => {
    const c = await EngineCase.start('dual-dispatch.bpmn');
    c.complete('Task_AcceptRegister', 'accept');
    c.complete('Task_DepartmentHandle', 'done', { feedback: '已清理' });
    expect(c.openElements()).toEqual(['Task_Watch']);
    expect(Object.keys(c.engine.state.joins)).toEqual(['|Gateway_Join']);
    c.complete('Task_Watch', 'done', undefined, c.facts.reporter);
    expect(c.openElements()).toEqual(['Task_Verify']);
    expect(c.engine.state.joins).toEqual({});
  });

  it('given 处置 open at the village, when it is completed with cannotHandle, then the escalation end is caught by the sub-process boundary and 处置 opens again one tier up', async () => {
    const c = await EngineCase.atHandling();
    c.complete('Task_Handle', 'cannotHandle', { feedback: '无法处置' });
    expect(c.actions()).toEqual(expect.arrayContaining(['throwEscalation', 'boundary', 'escalate']));
    expect(c.engine.state.tier).toBe('TOWNSHIP');
    expect(c.engine.state.escalations).toBe(1);
    expect(c.task('Task_Handle')).toMatchObject({ tier: 'TOWNSHIP', orgUnitId: 3 });
  });

  it('given 核查 open, when the reporter passes it, then 结案 and 评价 run and the case ends CLOSED at the village', async () => {
    const c = await EngineCase.atHandling();
    c.complete('Task_Handle', 'done', { feedback: '已清理' });
    expect(c.openElements()).toEqual(['Task_Verify']);
    c.complete('Task_Verify', 'pass', undefined, c.facts.reporter);
    expect(c.engine.state).toMatchObject({ ended: true, status: 'CLOSED', closedTier: 'VILLAGE' });
    expect(c.engine.state.vars.onTime).toBe(true);
    expect(c.actions().slice(-3)).toEqual(['close', 'evaluate', 'end']);
    expect(c.engine.state.timers).toEqual({});
  });

  it('given 核查 open, when the reporter fails it, then the rework service counts it and 处置 opens again', async () => {
    const c = await EngineCase.atHandling();
    c.complete('Task_Handle', 'done', { feedback: '已清理' });
    c.complete('Task_Verify', 'fail', undefined, c.facts.reporter);
    expect(c.engine.state.reworkCount).toBe(1);
    expect(c.openElements()).toEqual(['Task_Handle']);
  });
});
