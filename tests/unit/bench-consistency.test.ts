/** The scale-out bench's judgment of lost or duplicated cases (bench/lib/consistency.ts). */
import { judgeCases, problemCount, type CaseFacts } from '../../bench/lib/consistency';

/** A run in which every answered case was rejected and everything is where it should be. */
function cleanRun(ids: string[]): CaseFacts {
  return {
    answered: new Map(ids.map((id) => [id, 1])),
    leftOpen: new Set(),
    rows: ids.map((id) => ({ id, status: 'REJECTED' })),
    tasks: ids.map((caseId) => ({ caseId, elementId: 'Task_Accept', state: 'COMPLETED', outcome: 'reject' })),
    audit: new Map(ids.map((id) => [id, { intact: true, rows: 4 }])),
    workflows: new Map(ids.map((id) => [id, 'COMPLETED'])),
  };
}

describe('judging a scale-out run', () => {
  it('given every case rejected once, with its task, chain and closed workflow, finds no problem', () => {
    // given
    const facts = cleanRun(['DC-1', 'DC-2', 'DC-3']);
    // when
    const c = judgeCases(facts);
    // then
    expect(problemCount(c)).toBe(0);
    expect(c.reported).toBe(3);
    expect(c.workflowStatuses).toEqual({ COMPLETED: 3 });
  });

  it('given an answered case without a row, and a tagged row nobody was answered about, reports one lost and one unanswered', () => {
    // given
    const facts = cleanRun(['DC-1', 'DC-2']);
    facts.rows = [{ id: 'DC-1', status: 'REJECTED' }, { id: 'DC-9', status: 'REPORTED' }];
    // when
    const c = judgeCases(facts);
    // then
    expect(c.missing).toEqual(['DC-2']);
    expect(c.unanswered).toEqual(['DC-9']);
  });

  it('given an id answered twice, and a case with two 受理 task rows, reports a duplicate of each kind', () => {
    // given
    const facts = cleanRun(['DC-1', 'DC-2']);
    facts.answered.set('DC-1', 2);
    facts.tasks.push({ caseId: 'DC-2', elementId: 'Task_Accept', state: 'OPEN', outcome: null });
    // when
    const c = judgeCases(facts);
    // then
    expect(c.duplicated).toEqual(['DC-1']);
    expect(c.duplicateTasks).toEqual(['DC-2 (Task_Accept, Task_Accept)']);
  });

  it('given a case left open by a failed loop, expects it at 受理 with its workflow running; rejected after all, closed', () => {
    // given one case still at 受理 and one whose reject went through though its answer was lost
    const facts = cleanRun(['DC-1', 'DC-2']);
    facts.leftOpen = new Set(['DC-1', 'DC-2']);
    facts.rows[0].status = 'REPORTED';
    facts.tasks[0] = { caseId: 'DC-1', elementId: 'Task_Accept', state: 'OPEN', outcome: null };
    facts.workflows.set('DC-1', 'RUNNING');
    // when
    const c = judgeCases(facts);
    // then both are as expected
    expect(problemCount(c)).toBe(0);
    // and a case whose reject was answered yet still at 受理, or a rejected case whose workflow still runs, is not
    facts.leftOpen.delete('DC-1');
    facts.workflows.set('DC-2', 'RUNNING');
    const d = judgeCases(facts);
    expect(d.wrongStatus).toEqual(['DC-1 REPORTED']);
    expect(d.workflowsWrong).toEqual(['DC-1 RUNNING', 'DC-2 RUNNING']);
  });

  it('given a rejected case whose task is open, a broken chain and a missing workflow, reports each', () => {
    // given
    const facts = cleanRun(['DC-1', 'DC-2', 'DC-3']);
    facts.tasks[0].state = 'OPEN';
    facts.audit.set('DC-2', { intact: false, rows: 4, reason: 'row 3: hash mismatch' });
    facts.workflows.delete('DC-3');
    // when
    const c = judgeCases(facts);
    // then
    expect(c.wrongStatus).toEqual(['DC-1 (task OPEN reject)']);
    expect(c.auditBroken).toEqual(['DC-2: row 3: hash mismatch']);
    expect(c.workflowsWrong).toEqual(['DC-3 NOT_FOUND']);
  });
});
