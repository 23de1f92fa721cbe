/**
 * Timers on the pure engine: a task's reminders (催办) and deadline (overdue, automatic 督办 one
 * tier up), an interrupting deadline boundary moving 处置 up a tier, a non-interrupting cycle on
 * the business calendar (computed by the workflow, then repeating a fixed number of times), and
 * 督办 by hand with a new deadline.
 */
import { EngineCase, SUPERVISOR } from '../support/engine';

describe('engine timers', () => {
  it('given 处置 dispatched, when it opens, then its two reminders, its overdue timer and its deadline boundary are armed', async () => {
    const c = await EngineCase.atHandling();
    const task = c.task('Task_Handle');
    expect(c.timers('reminder', 'Task_Handle')).toHaveLength(2);
    expect(c.timers('overdue', 'Task_Handle').map((t) => t.fireAt)).toEqual([task.dueAt]);
    expect(c.timers('boundary', 'BoundaryEvent_HandleOverdue').map((t) => t.fireAt)).toEqual([task.dueAt]);
  });

  it('given 处置 open, when its first reminder fires, then an automatic urge is recorded and its candidates are reminded', async () => {
    const c = await EngineCase.atHandling();
    const [first] = c.timers('reminder', 'Task_Handle').sort((a, b) => String(a.fireAt).localeCompare(String(b.fireAt)));
    c.fire(first.id);
    expect(c.audit.at(-1)).toMatchObject({ action: 'urge', reason: '时限提醒', payload: { automatic: true } });
    expect(c.notifications.at(-1)).toMatchObject({ kind: 'REMINDER', to: { principals: ['unit:4:HANDLER'] }, title: '催办：处置' });
    expect(c.engine.state.timers[first.id]).toBeUndefined();
    expect(c.openElements()).toEqual(['Task_Handle']);
  });

  it('given 受理 open, when its deadline passes, then it is overdue and supervised by the township', async () => {
    const c = await EngineCase.start('standard-closed-loop.bpmn');
    const [overdue] = c.timers('overdue', 'Task_Accept');
    c.fire(overdue.id);
    expect(c.task('Task_Accept').overdue).toBe(true);
    expect(c.engine.state.overdueCount).toBe(1);
    expect(c.engine.state.vars.overdue).toBe(true);
    expect(c.actions().slice(-2)).toEqual(['overdue', 'supervise']);
    expect(c.notifications.at(-1)).toMatchObject({ kind: 'SUPERVISE', to: { rule: 'role:supervisor@tier:current', tier: 'TOWNSHIP' } });
  });

  it('given 处置 open at the village, when its deadline boundary fires, then the overdue is recorded first and 处置 moves to the township', async () => {
    const c = await EngineCase.atHandling();
    const [boundary] = c.timers('boundary', 'BoundaryEvent_HandleOverdue');
    c.fire(boundary.id);
    const actions = c.actions();
    expect(actions.indexOf('overdue')).toBeGreaterThan(-1);
    expect(actions.indexOf('overdue')).toBeLessThan(actions.indexOf('boundary'));
    expect(c.engine.state.tier).toBe('TOWNSHIP');
    expect(c.task('Task_Handle')).toMatchObject({ tier: 'TOWNSHIP', overdue: false });
    expect(c.engine.state.overdueCount).toBe(1);
  });

  it('given the department task of a dual dispatch, when its deadline cycle (R3/P1D on working days) fires, then the workflow computes each next firing, 督办 is notified and the task stays open, three times only', async () => {
    const c = await EngineCase.start('dual-dispatch.bpmn');
    c.complete('Task_AcceptRegister', 'accept');
    const fired: string[] = [];
    for (let i = 0; i < 3; i++) {
      const [cycle] = c.timers('boundary', 'BoundaryEvent_DepartmentOverdue');
      expect(cycle).toMatchObject({ fired: i, repeatsLeft: 2 - i });
      c.fire(cycle.id);
      fired.push(cycle.id);
    }
    expect(c.timers('boundary', 'BoundaryEvent_DepartmentOverdue')).toEqual([]);
    expect(c.notifications.filter((n) => n.kind === 'NOTICE' && n.body === '双派单案件部门处置已超期，请督办')).toHaveLength(3);
    expect(c.openElements().sort()).toEqual(['Task_DepartmentHandle', 'Task_Watch']);
    expect(new Set(fired).size).toBe(3);
  });

  it('given 处置 open, when a supervisor supervises with a new deadline, then the task takes it and its overdue timer is re-armed at it', async () => {
    const c = await EngineCase.atHandling();
    const newDeadline = '2026-12-01T10:00:00.000Z';
    expect(c.engine.supervise(SUPERVISOR, '限期处置', '2026-12-01T18:00:00+08:00', c.now())).toBe(1);
    c.settle();
    expect(c.task('Task_Handle').dueAt).toBe(newDeadline);
    expect(c.timers('overdue', 'Task_Handle').map((t) => t.fireAt)).toEqual([newDeadline]);
    expect(c.timers('boundary', 'BoundaryEvent_HandleOverdue').map((t) => t.fireAt)).toEqual([newDeadline]);
    expect(c.notifications.at(-1)).toMatchObject({ kind: 'SUPERVISE', body: '限期处置' });
  });
});
