/**
 * A case's path rebuilt from its rows (api/services/case-path.ts), on rows the real engine writes:
 * the pure Engine of process/engine/ is driven as the case workflow drives it (start, open each
 * task, run the service tasks, fire timers) and its audit rows and task rows are what casePath
 * reads. Deadline escalation, "cannot handle" thrown out of 处置, rework, and a parallel join.
 */
import { casePath, type PathEvent, type PathTask, type Ref } from '../../api/services/case-path';
import { Engine, newEngineState, type Actor, type CaseFacts } from '../../process/engine';
import type { ProcessModel, Tier } from '../../process/model';
import { referenceModel } from '../support/engine';

const UNITS: Record<Tier, Ref> = {
  GRID: { id: 5, name: '东华门第一社区第3网格' },
  VILLAGE: { id: 4, name: '东华门第一社区' },
  TOWNSHIP: { id: 3, name: '东华门街道' },
  DISTRICT: { id: 2, name: '东城区' },
  CITY: { id: 1, name: '北京市' },
};
const BY_ID = new Map(Object.values(UNITS).map((u) => [u.id, u]));
const liming: Actor = { userId: 11, name: '李明' };
const xuwenbo: Actor = { userId: 12, name: '许文博' };
const gao: Actor = { userId: 13, name: '高志明' };
const wangfang: Actor = { userId: 10, name: '王芳' };
const zhao: Actor = { userId: 14, name: '赵强' };

/** The engine with the workflow's settle loop around it, keeping the rows it writes. */
class Case {
  readonly engine: Engine;
  readonly rows: PathEvent[] = [];
  readonly tasks = new Map<string, PathTask>();
  private clock = Date.parse('2026-11-24T01:00:00Z');
  private seq = 0;

  constructor(readonly model: ProcessModel) {
    const facts: CaseFacts = {
      caseId: 'DC-20261124-00042',
      category: 'WJ02',
      categoryMajor: 'WJ',
      homeDepartment: 'CG',
      severity: 0,
      channel: 'GRID_APP',
      reporter: wangfang,
      reportedAt: new Date(this.clock).toISOString(),
      units: { GRID: 5, VILLAGE: 4, TOWNSHIP: 3, DISTRICT: 2, CITY: 1 },
    };
    this.engine = new Engine(model, facts, newEngineState(facts));
    this.engine.start(this.now());
    this.settle();
  }

  now(): string {
    this.clock += 60_000;
    return new Date(this.clock).toISOString();
  }

  private flush() {
    const out = this.engine.takeOutbox();
    for (const a of out.audit) {
      this.rows.push({ seq: ++this.seq, at: new Date(a.at), action: a.action, actorId: a.actor.userId, actorName: a.actor.name, tier: a.tier, reason: a.reason, payload: a.payload });
    }
    for (const t of out.tasks) {
      if (t.orgUnitId === null) continue;
      this.tasks.set(t.taskId, {
        id: t.taskId,
        elementId: t.elementId,
        state: t.state,
        tier: t.tier,
        unit: BY_ID.get(t.orgUnitId) ?? null,
        department: t.departmentId ? { id: t.departmentId, name: '城管委' } : null,
        assignee: t.assignee?.userId ? { id: t.assignee.userId, name: t.assignee.name } : null,
        createdAt: new Date(t.createdAt),
        completedAt: t.completedAt ? new Date(t.completedAt) : null,
        dueAt: t.dueAt ? new Date(t.dueAt) : null,
        outcome: t.outcome,
      });
    }
  }

  /** As workflows/case.ts settle(): write, open tasks, finish service tasks, until it waits. */
  settle() {
    for (;;) {
      this.flush();
      const opening = this.engine.openingTasks();
      const services = this.engine.runningServices();
      if (!opening.length && !services.length) break;
      for (const s of services) this.engine.serviceDone(s.id, this.now());
      for (const inst of opening) {
        const req = this.engine.taskRequest(inst);
        const tier: Tier = req.rule === 'reporter' ? 'GRID' : req.rule.startsWith('department:') ? 'DISTRICT' : req.tier;
        const created = inst.task?.createdAt ?? this.now();
        const dueAt = new Date(Date.parse(created) + 3_600_000).toISOString();
        this.engine.taskOpened(inst.id, { tier, orgUnitId: UNITS[tier].id, departmentId: req.rule.startsWith('department:') ? 9 : null, principals: [`unit:${UNITS[tier].id}:HANDLER`], dueAt, limit: { duration: 'PT1H', calendar: 'CLOCK' }, reminderAts: [] }, this.now());
      }
    }
  }

  private open(elementId: string) {
    const t = this.engine.openTasks().find((x) => x.elementId === elementId);
    if (!t) throw new Error(`no open ${elementId}: ${JSON.stringify(this.engine.activeElements())}`);
    return t;
  }

  complete(elementId: string, who: Actor, outcome?: string, data?: Record<string, unknown>) {
    this.engine.complete(this.open(elementId).taskId, who, outcome, data, this.now());
    this.settle();
  }

  escalate(elementId: string, who: Actor, reason: string) {
    this.engine.escalate(this.open(elementId).taskId, who, reason, this.now());
    this.settle();
  }

  /** The deadline of the task passes: its interrupting deadline boundary fires (after the overdue mark). */
  deadlinePasses(elementId: string) {
    const t = this.open(elementId);
    const timer = Object.values(this.engine.state.timers).find((x) => x.kind === 'boundary' && this.engine.state.instances[x.instanceId]?.task?.taskId === t.taskId);
    if (!timer) throw new Error(`no deadline boundary on ${elementId}`);
    this.engine.timerFired(timer.id, this.now());
    this.settle();
  }

  path() {
    const ended = this.engine.state.ended ? { status: this.engine.state.status, at: new Date(this.engine.state.closedAt as string) } : null;
    return casePath({ model: this.model, tasks: [...this.tasks.values()], events: this.rows, ended, unitOf: (tier) => (tier ? UNITS[tier] : null) });
  }
}

const visits = (p: ReturnType<Case['path']>, id: string) => p.elements.find((e) => e.elementId === id)?.visits ?? [];

describe('a case path rebuilt from what the engine wrote', () => {
  let standard: ProcessModel;
  let dual: ProcessModel;
  beforeAll(async () => {
    [standard, dual] = await Promise.all([referenceModel('standard-closed-loop.bpmn'), referenceModel('dual-dispatch.bpmn')]);
  });

  it('given 处置 overdue at the community, "cannot handle" at the street, a failed verification at the district, then it shows every visit, both escalation routes, the rework loop and each hop', () => {
    const c = new Case(standard);
    c.complete('Task_Accept', liming, 'accept');
    c.complete('Task_Register', liming);
    c.complete('Task_Dispatch', liming);
    c.deadlinePasses('Task_Handle');
    c.complete('Task_Handle', xuwenbo, 'cannotHandle', { feedback: '需区城管执法' });
    c.complete('Task_Handle', gao, 'done', { feedback: '已拆除' });
    c.complete('Task_Verify', wangfang, 'fail');
    c.complete('Task_Handle', gao, 'done', { feedback: '已彻底拆除' });
    c.complete('Task_Verify', wangfang, 'pass');
    expect(c.engine.state).toMatchObject({ ended: true, status: 'CLOSED' });

    const p = c.path();
    expect(p.active).toEqual([]);
    // 处置: interrupted by its deadline at the community, "cannot handle" at the street, done twice at the district
    expect(visits(p, 'Task_Handle').map((v) => [v.state, v.tier, v.unit?.name, v.actor?.name ?? null, v.outcome, v.via])).toEqual([
      ['CANCELLED', 'VILLAGE', '东华门第一社区', null, null, 'flow'],
      ['COMPLETED', 'TOWNSHIP', '东华门街道', '许文博', 'cannotHandle', 'flow'],
      ['COMPLETED', 'DISTRICT', '东城区', '高志明', 'done', 'flow'],
      ['COMPLETED', 'DISTRICT', '东城区', '高志明', 'done', 'flow'],
    ]);
    expect(visits(p, 'Task_Verify').map((v) => v.outcome)).toEqual(['fail', 'pass']);
    // the deadline route, the "cannot handle" route out of the sub-process, the rework loop, the end
    expect(p.flows).toEqual(
      expect.arrayContaining([
        'Flow_OverdueToEscalate',
        'Flow_EscalateOverdueToAgain',
        'Flow_HandleToCannotHandle',
        'Flow_CannotHandleToEscalate',
        'Flow_EscalateToEnterHandling',
        'Flow_VerifyToRework',
        'Flow_ReworkToEnterHandling',
        'Flow_VerifyToClose',
        'Flow_EvaluateToClosed',
      ]),
    );
    expect(p.flows).not.toContain('Flow_AcceptToRejected');
    expect(p.flows).not.toContain('Flow_WithdrawToWithdrawn');
    expect(visits(p, 'BoundaryEvent_HandleOverdue')).toEqual([expect.objectContaining({ via: 'boundary', actor: { id: null, name: '系统' } })]);
    expect(visits(p, 'EndEvent_CannotHandle')).toEqual([expect.objectContaining({ inferred: true })]);
    expect(visits(p, 'EndEvent_Closed')).toEqual([expect.objectContaining({ inferred: true })]);
    expect(visits(p, 'EndEvent_Withdrawn')).toEqual([]);
    // the sub-process: left for the street by "cannot handle", left to be verified twice
    expect(visits(p, 'SubProcess_Handle').map((v) => [v.state, v.tier])).toEqual([
      ['ESCALATED', 'VILLAGE'],
      ['COMPLETED', 'DISTRICT'],
      ['COMPLETED', 'DISTRICT'],
    ]);
    // two hops: the system at the deadline, then the street handler who could not handle it
    expect(p.escalations.map((h) => [h.fromTier, h.toTier, h.fromUnit?.name, h.toUnit?.name, h.actor.name, h.automatic, h.elementId, h.trigger?.elementId])).toEqual([
      ['VILLAGE', 'TOWNSHIP', '东华门第一社区', '东华门街道', '系统', true, 'Task_EscalateOverdue', 'BoundaryEvent_HandleOverdue'],
      ['TOWNSHIP', 'DISTRICT', '东华门街道', '东城区', '许文博', false, 'Task_EscalateCannotHandle', 'BoundaryEvent_CannotHandle'],
    ]);
    // every visit left after it was entered, in order
    for (const e of p.elements) for (const v of e.visits) expect(Date.parse(v.leftAt as string)).toBeGreaterThanOrEqual(Date.parse(v.enteredAt));
  });

  it('given 无力处置 by hand, then 处置 is re-dispatched one tier up without a flow, and the hop is on 处置', () => {
    const c = new Case(standard);
    c.complete('Task_Accept', liming, 'accept');
    c.complete('Task_Register', liming);
    c.complete('Task_Dispatch', liming);
    c.escalate('Task_Handle', liming, '社区无执法权');
    const p = c.path();
    expect(visits(p, 'Task_Handle').map((v) => [v.state, v.tier, v.via])).toEqual([
      ['ESCALATED', 'VILLAGE', 'flow'],
      ['ACTIVE', 'TOWNSHIP', 'escalated'],
    ]);
    expect(p.active).toEqual(expect.arrayContaining(['Task_Handle', 'SubProcess_Handle']));
    expect(visits(p, 'SubProcess_Handle')).toEqual([expect.objectContaining({ state: 'ACTIVE', leftAt: null })]);
    expect(p.escalations).toEqual([expect.objectContaining({ fromTier: 'VILLAGE', toTier: 'TOWNSHIP', actor: { id: 11, name: '李明' }, reason: '社区无执法权', elementId: 'Task_Handle', automatic: false, trigger: null })]);
    expect(p.flows).not.toContain('Flow_HandleToVerify');
  });

  it('given a dual dispatch, then both branches are drawn into the join and on to 核查', () => {
    const c = new Case(dual);
    c.complete('Task_AcceptRegister', liming, 'accept');
    c.complete('Task_Watch', wangfang, 'done');
    c.complete('Task_DepartmentHandle', zhao, 'done', { feedback: '已清理' });
    const p = c.path();
    expect(p.flows).toEqual(expect.arrayContaining(['Flow_DualDispatchToDepartment', 'Flow_DualDispatchToWatch', 'Flow_FirstRoundToJoin', 'Flow_WatchToJoin', 'Flow_JoinToVerify', 'Flow_EnterVerifyToVerify']));
    expect(visits(p, 'Gateway_DualDispatch')).toHaveLength(1);
    expect(visits(p, 'Gateway_Join')).toHaveLength(1);
    expect(visits(p, 'Task_DepartmentHandle')).toEqual([expect.objectContaining({ state: 'COMPLETED', department: expect.objectContaining({ name: '城管委' }), actor: { id: 14, name: '赵强' } })]);
    expect(p.active).toEqual(['Task_Verify']);
  });

  it('given a report withdrawn before dispatch, then 受理 is cancelled and no end event is drawn', () => {
    const c = new Case(standard);
    c.complete('Task_Accept', liming, 'accept');
    c.engine.withdraw(wangfang, '已自行修好', c.now());
    c.settle();
    const p = c.path();
    expect(visits(p, 'Task_Register')).toEqual([expect.objectContaining({ state: 'CANCELLED' })]);
    expect(p.elements.filter((e) => e.type === 'endEvent')).toEqual([]);
    expect(p.active).toEqual([]);
  });
});
