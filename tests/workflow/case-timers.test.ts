/**
 * The case workflow against the clock, on the time-skipping Temporal test server: the REAL
 * activities write the projection and the audit chain into the real MySQL test database, and the
 * test skips server time (env.sleep) to let limits, reminders, deadlines and supervision cycles
 * run out. Expectations are computed from each task's own createdAt/dueAt with the pure
 * business-time functions over the seeded calendar (seed/calendar.ts): no date is hard-coded.
 *
 * Stories (../shared/design/STORIES.md): 3 the clock runs out, 4 dual dispatch, 5 a neighbour
 * dispute, 6 an emergency; then messages, approvals and continue-as-new.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import path from 'node:path';
import { createActivities } from '../../activities';
import { verifyChain } from '../../core/audit-chain';
import type { PrismaClient } from '../../generated/prisma/client';
import { temporalTestServerPath } from '../../platform/bootstrap/tools';
import { buildCaseInput, type CaseRequest } from '../../domain/case-start';
import { createPrisma } from '../../platform/db/prisma';
import { installRuntime } from '../../platform/temporal/worker';
import {
  addBusinessTime,
  beijingDate,
  beijingMidnight,
  businessFractionPoint,
  fromDays,
  type CalendarKind,
  type WorkingCalendar,
} from '../../process/business-time';
import type { Actor, TaskInfo } from '../../process/engine';
import type { Tier } from '../../process/model';
import { buildCalendar } from '../../seed/calendar';
import { CATEGORY_TREE } from '../../seed/catalog';
import type { caseWorkflow } from '../../workflows/case';
import {
  CASE_WORKFLOW_TYPE,
  completeUpdate,
  decideUpdate,
  extendUpdate,
  messageSignal,
  returnUpdate,
  stateQuery,
  superviseSignal,
  type CaseView,
} from '../../workflows/case-api';
import { actor, newCaseId, wangfangGrid } from '../support/cases';
import { testServices, uniqueSuffix } from '../support/env';
import { root } from '../support/processes';

type CaseHandle = WorkflowHandle<typeof caseWorkflow>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A category's time limit at a tier, as the seed catalogue defines it. */
function limitOf(categoryCode: string, tier: Exclude<Tier, 'GRID'>): { duration: string; calendar: CalendarKind } {
  for (const major of CATEGORY_TREE) {
    const minor = major.children.find((c) => c.code === categoryCode);
    const l = minor?.timeLimits.find((t) => t.tier === tier);
    if (l) return { duration: l.duration, calendar: l.calendar };
  }
  throw new Error(`no ${tier} limit for category ${categoryCode}`);
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const isOpen = (t: TaskInfo) => (t.state === 'OPEN' || t.state === 'CLAIMED') && t.dueAt !== null;

describe('case timers on the time-skipping test server (real activities, real MySQL)', () => {
  const taskQueue = `test-case-timers-${uniqueSuffix()}`;
  let env: TestWorkflowEnvironment;
  let prisma: PrismaClient;
  let worker: Worker;
  let running: Promise<void>;
  let started: CaseHandle[] = [];
  const people: Record<string, Actor> = {};

  beforeAll(async () => {
    installRuntime('WARN');
    prisma = createPrisma(testServices().databaseUrl);
    const [testEnv, workflowBundle] = await Promise.all([
      TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: temporalTestServerPath(path.join(root, '.tools')) } } }),
      bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: new DefaultLogger('WARN') }),
    ]);
    env = testEnv;
    worker = await Worker.create({ connection: env.nativeConnection, namespace: env.namespace ?? 'default', taskQueue, workflowBundle, activities: createActivities({ prisma }) });
    running = worker.run();
    for (const u of ['dhm1.handler', 'dhm1.mediator', 'dhm.handler', 'dhm.supervisor', 'dc.supervisor', 'dc.hb.handler', 'dc.fy.handler', 'bj.supervisor', 'wangfang']) {
      people[u] = await actor(prisma, u);
    }
  }, 120_000);

  afterEach(async () => {
    // a case left waiting would fire its timers during the next test's time skips
    await Promise.all(started.map((h) => h.terminate('test done').catch(() => undefined)));
    started = [];
  });

  afterAll(async () => {
    worker?.shutdown();
    await running?.catch(() => undefined);
    await env?.teardown();
    await prisma?.$disconnect();
  });

  // ----------------------------------------------------------------------------------------
  // helpers

  /** The seeded working calendar, for this year and the next (server time). */
  async function calendar(): Promise<WorkingCalendar> {
    const y = Number(beijingDate(await env.currentTimeMs()).slice(0, 4));
    return fromDays(buildCalendar([y, y + 1]).map((r) => ({ date: r.date, isWorkingDay: r.isWorkingDay })));
  }

  /** Skips server time to `t` (ms), letting every timer before it fire and its work finish. */
  async function skipTo(t: number): Promise<void> {
    const now = await env.currentTimeMs();
    if (t > now) await env.sleep(t - now);
  }

  /** 王芳 reports a case from her grid at the server's current time. */
  async function report(categoryCode: string, req: Partial<CaseRequest> = {}): Promise<{ handle: CaseHandle; input: Awaited<ReturnType<typeof buildCaseInput>> }> {
    const g = await wangfangGrid(prisma);
    const input = await buildCaseInput(prisma, {
      caseId: newCaseId('TT'),
      categoryCode,
      gridId: g.gridId,
      description: '东华门大街12号',
      lat: g.lat,
      lng: g.lng,
      channel: 'GRID_APP',
      reporter: { userId: g.reporterId, name: '王芳' },
      reportedAt: new Date(await env.currentTimeMs()),
      ...req,
    });
    const handle = await env.client.workflow.start<typeof caseWorkflow>(CASE_WORKFLOW_TYPE, { workflowId: input.caseId, taskQueue, args: [input] });
    started.push(handle);
    return { handle, input };
  }

  /** The open task of an element (optionally matching more), once dispatched and in the inbox tables. */
  async function task(handle: CaseHandle, elementId: string, match: (t: TaskInfo) => boolean = () => true, ms?: number): Promise<TaskInfo> {
    return until(
      `an open ${elementId} in ${handle.workflowId}`,
      async () => {
        const view = await handle.query(stateQuery);
        const t = view.tasks.find((x) => x.elementId === elementId && isOpen(x) && match(x));
        return t && (await prisma.taskCandidate.count({ where: { taskId: t.taskId } })) > 0 ? t : undefined;
      },
      ms,
    );
  }

  async function complete(handle: CaseHandle, elementId: string, who: Actor, outcome?: string, data?: Record<string, unknown>): Promise<TaskInfo> {
    const t = await task(handle, elementId);
    await handle.executeUpdate(completeUpdate, { args: [{ taskId: t.taskId, actor: who, outcome, data }] });
    return t;
  }

  async function events(caseId: string, action?: string) {
    return prisma.caseEvent.findMany({ where: { caseId, ...(action ? { action } : {}) }, orderBy: { seq: 'asc' } });
  }

  async function chainIntact(caseId: string) {
    const rows = await events(caseId);
    return verifyChain(rows.map((r) => ({ ...r, tier: r.tier as string | null })));
  }

  /** the in-app rows the workflow wrote (a delivery worker running meanwhile adds rows of the person's other channels) */
  async function notified(caseId: string, username: string, kind: string) {
    return prisma.notification.findMany({ where: { caseId, kind, channel: 'IN_APP', userId: people[username].userId as number }, orderBy: { id: 'asc' } });
  }

  async function result(handle: CaseHandle): Promise<CaseView> {
    return Promise.race([
      handle.result(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${handle.workflowId} did not end`)), 30_000)),
    ]);
  }

  /**
   * The case's audit rows grouped by the applyCaseChange write that carried them (from the history:
   * each write's lastSeq, whether it ran as an activity or as a local activity), and how many
   * timers of 1 ms were started after the first timer fired (a fired timer armed again).
   */
  async function writesAndShortTimers(handle: CaseHandle): Promise<{ writes: string[][]; shortTimers: number }> {
    const history = (await handle.fetchHistory()).events ?? [];
    const scheduled = new Map<string, string>();
    const lastSeqs: number[] = [];
    let fired = false;
    let shortTimers = 0;
    const payload = <T,>(p: Parameters<typeof defaultPayloadConverter.fromPayload>[0] | undefined | null) => (p ? defaultPayloadConverter.fromPayload<T>(p) : undefined);
    for (const e of history) {
      const s = e.activityTaskScheduledEventAttributes;
      if (s) scheduled.set(String(e.eventId), s.activityType?.name ?? '');
      const c = e.activityTaskCompletedEventAttributes;
      if (c && scheduled.get(String(c.scheduledEventId)) === 'applyCaseChange') lastSeqs.push(payload<{ lastSeq: number }>(c.result?.payloads?.[0])?.lastSeq ?? 0);
      const m = e.markerRecordedEventAttributes;
      if (m?.markerName === 'core_local_activity' && payload<{ activity_type: string }>(m.details?.data?.payloads?.[0])?.activity_type === 'applyCaseChange') {
        lastSeqs.push(payload<{ lastSeq: number }>(m.details?.result?.payloads?.[0])?.lastSeq ?? 0);
      }
      if (e.timerFiredEventAttributes) fired = true;
      const timeout = e.timerStartedEventAttributes?.startToFireTimeout;
      if (fired && timeout && Number(timeout.seconds ?? 0) * 1000 + (timeout.nanos ?? 0) / 1e6 <= 1) shortTimers += 1;
    }
    const rows = await events(handle.workflowId);
    const writes = lastSeqs.map((last, i) => rows.filter((r) => r.seq > (i ? lastSeqs[i - 1] : 0) && r.seq <= last).map((r) => r.action));
    return { writes, shortTimers };
  }

  const within = (at: Date, expected: Date, ms = MINUTE) => expect(Math.abs(at.getTime() - expected.getTime())).toBeLessThanOrEqual(ms);

  /** Accept, register and dispatch a standard closed-loop case at the village: Task_Handle opens there. */
  async function toHandling(handle: CaseHandle): Promise<TaskInfo> {
    const h = people['dhm1.handler'];
    await complete(handle, 'Task_Accept', h, 'accept');
    await complete(handle, 'Task_Register', h);
    await complete(handle, 'Task_Dispatch', h);
    return task(handle, 'Task_Handle');
  }

  // ----------------------------------------------------------------------------------------
  // story 3

  describe('story 3 — the clock runs out', () => {
    it('given a street-lamp case waiting at the village, when nobody acts, then it is reminded at 50 % and 80 % of its working-hours limit, goes overdue against the village, is supervised by the street, and escalates to the street with a fresh limit', async () => {
      const { handle, input } = await report('SS03', { description: '东华门大街路灯不亮' });
      const { units } = input.facts;
      const cal = await calendar();
      const village = limitOf('SS03', 'VILLAGE');
      const township = limitOf('SS03', 'TOWNSHIP');
      expect(village.calendar).toBe('WORKING_HOURS');

      const atVillage = await toHandling(handle);
      expect(atVillage.tier).toBe('VILLAGE');
      expect(atVillage.principals).toEqual([`unit:${units.VILLAGE}:HANDLER`]);
      const created = new Date(atVillage.createdAt);
      const due = addBusinessTime(created, village.duration, village.calendar, cal);
      expect(atVillage.dueAt).toBe(due.toISOString());
      expect(atVillage.limit).toEqual(village);
      const p50 = businessFractionPoint(created, due, 0.5, village.calendar, cal);
      const p80 = businessFractionPoint(created, due, 0.8, village.calendar, cal);
      const reminderTimers = (await handle.query(stateQuery)).timers.filter((t) => t.kind === 'reminder');
      expect(reminderTimers.map((t) => t.fireAt)).toEqual([p50.toISOString(), p80.toISOString()]);

      // when nobody acts past 50 % of the limit: one automatic 催办, to the community's handlers
      await skipTo(p50.getTime() + MINUTE);
      let urges = await until('the 50 % reminder', async () => ((await events(input.caseId, 'urge')).length === 1 ? events(input.caseId, 'urge') : undefined));
      expect(urges[0].payload).toMatchObject({ taskId: atVillage.taskId, automatic: true });
      within(urges[0].createdAt, p50);
      for (const u of ['dhm1.handler', 'dhm1.mediator']) expect(await notified(input.caseId, u, 'REMINDER')).toHaveLength(1);
      expect((await handle.query(stateQuery)).tasks.find((t) => t.taskId === atVillage.taskId)?.state).toBe('OPEN');

      // … and past 80 %: a second one
      await skipTo(p80.getTime() + MINUTE);
      urges = await until('the 80 % reminder', async () => ((await events(input.caseId, 'urge')).length === 2 ? events(input.caseId, 'urge') : undefined));
      within(urges[1].createdAt, p80);
      expect(urges[1].payload).toMatchObject({ taskId: atVillage.taskId, automatic: true });
      for (const u of ['dhm1.handler', 'dhm1.mediator']) expect(await notified(input.caseId, u, 'REMINDER')).toHaveLength(2);
      expect(await events(input.caseId, 'overdue')).toHaveLength(0);

      // then at the deadline: overdue against the village, supervised by the street, escalated to the street
      await skipTo(due.getTime() + MINUTE);
      const atStreet = await task(handle, 'Task_Handle', (t) => t.tier === 'TOWNSHIP');
      const [overdue] = await events(input.caseId, 'overdue');
      expect(overdue.payload).toMatchObject({ taskId: atVillage.taskId, orgUnitId: units.VILLAGE, tier: 'VILLAGE', dueAt: due.toISOString() });
      within(overdue.createdAt, due);
      const supervise = (await events(input.caseId, 'supervise')).find((e) => (e.payload as { automatic?: boolean }).automatic);
      expect(supervise?.payload).toMatchObject({ taskId: atVillage.taskId, supervisorTier: 'TOWNSHIP' });
      const superviseNotes = await notified(input.caseId, 'dhm.supervisor', 'SUPERVISE');
      expect(superviseNotes).toHaveLength(1);
      expect(superviseNotes[0].taskId).toBe(atVillage.taskId);
      const escalations = await events(input.caseId, 'escalate');
      expect(escalations).toHaveLength(1);
      expect(escalations[0].payload).toMatchObject({ element: 'Task_EscalateOverdue', fromTier: 'VILLAGE', toTier: 'TOWNSHIP' });
      expect(escalations[0].actorId).toBeNull();

      // the street's task: its handlers, a fresh street limit from the moment it opened
      expect(atStreet.taskId).not.toBe(atVillage.taskId);
      expect(atStreet.principals).toEqual([`unit:${units.TOWNSHIP}:HANDLER`]);
      expect(atStreet.dueAt).toBe(addBusinessTime(new Date(atStreet.createdAt), township.duration, township.calendar, cal).toISOString());
      within(new Date(atStreet.createdAt), due);

      const row = await prisma.case.findUniqueOrThrow({ where: { id: input.caseId } });
      expect(row.currentTier).toBe('TOWNSHIP');
      expect(row.currentUnitId).toBe(units.TOWNSHIP);
      expect(row.dueAt?.toISOString()).toBe(atStreet.dueAt);
      const oldRow = await prisma.task.findUniqueOrThrow({ where: { id: atVillage.taskId } });
      expect(oldRow.state).toBe('CANCELLED');
      const view = await handle.query(stateQuery);
      expect(view).toMatchObject({ tier: 'TOWNSHIP', overdueCount: 1, escalations: 1 });
      expect(await chainIntact(input.caseId)).toEqual({ intact: true });
    });

    it('given a case reaching the village on a Friday afternoon, when its working-hours limit is computed, then the weekend does not count', async () => {
      const cal = await calendar();
      // the next Friday afternoon (16:00 Beijing) that is a working day followed by a day off
      let day = beijingDate((await env.currentTimeMs()) + 2 * HOUR);
      for (let i = 0; i < 60; i++) {
        const next = beijingDate(beijingMidnight(day).getTime() + 36 * HOUR);
        if (new Date(`${day}T00:00:00Z`).getUTCDay() === 5 && cal.isWorkingDay(day) && !cal.isWorkingDay(next)) break;
        day = next;
      }
      await skipTo(beijingMidnight(day).getTime() + 16 * HOUR);

      const { handle } = await report('SS03', { description: '周五傍晚路灯不亮' });
      const limit = limitOf('SS03', 'VILLAGE');
      const t = await toHandling(handle);
      const created = new Date(t.createdAt);
      expect(beijingDate(created)).toBe(day);
      const due = addBusinessTime(created, limit.duration, limit.calendar, cal);
      expect(t.dueAt).toBe(due.toISOString());
      // 8 working hours from Friday 16:00 end after the days off: more than two clock days later
      expect(due.getTime() - created.getTime()).toBeGreaterThan(48 * HOUR);
      expect(cal.isWorkingDay(beijingDate(due))).toBe(true);
      for (let d = beijingDate(created.getTime() + 24 * HOUR); d < beijingDate(due); d = beijingDate(beijingMidnight(d).getTime() + 36 * HOUR)) {
        expect(cal.isWorkingDay(d)).toBe(false);
      }
    });
  });

  // ----------------------------------------------------------------------------------------
  // story 4

  describe('story 4 — dual dispatch', () => {
    it('given an air-pollution report accepted at the village, when the bureau acts and the grid worker watches, then a failed check sends it back to the bureau as counted rework, and it closes after a second check', async () => {
      const { handle, input } = await report('ST01', { description: '工地扬尘污染' });
      const { units } = input.facts;
      const { 'dhm1.handler': handler, 'dc.hb.handler': bureau, wangfang } = people;

      await complete(handle, 'Task_AcceptRegister', handler, 'accept');
      const dept = await task(handle, 'Task_DepartmentHandle');
      const watch = await task(handle, 'Task_Watch');
      expect(dept.principals).toEqual(['dept:HB:HANDLER']);
      expect(dept.tier).toBe('DISTRICT');
      expect(dept.orgUnitId).toBe(units.DISTRICT);
      expect(watch.principals).toEqual([`user:${wangfang.userId}`]);
      const view = await handle.query(stateQuery);
      expect(view.tasks.filter(isOpen).map((t) => t.elementId).sort()).toEqual(['Task_DepartmentHandle', 'Task_Watch']);
      const cal = await calendar();
      const deptLimit = limitOf('ST01', 'DISTRICT');
      expect(dept.dueAt).toBe(addBusinessTime(new Date(dept.createdAt), deptLimit.duration, deptLimit.calendar, cal).toISOString());
      expect(await prisma.taskCandidate.count({ where: { principal: 'dept:HB:HANDLER', taskId: dept.taskId, state: 'OPEN' } })).toBe(1);
      expect(await prisma.taskCandidate.count({ where: { principal: `user:${wangfang.userId}`, taskId: watch.taskId, state: 'OPEN' } })).toBe(1);

      // the bureau reports done; the watch is done: both join into the check
      await handle.executeUpdate(completeUpdate, { args: [{ taskId: dept.taskId, actor: bureau, outcome: 'done', data: { feedback: '已责令工地覆盖裸土、洒水降尘' } }] });
      expect((await handle.query(stateQuery)).activeElements).toEqual(['Task_Watch']);
      await handle.executeUpdate(completeUpdate, { args: [{ taskId: watch.taskId, actor: wangfang, outcome: 'done' }] });
      const verify1 = await task(handle, 'Task_Verify');
      expect(verify1.principals).toEqual([`user:${wangfang.userId}`]);

      // the check fails (smoke still there): rework, counted, back to the bureau only
      await handle.executeUpdate(completeUpdate, { args: [{ taskId: verify1.taskId, actor: wangfang, outcome: 'fail', data: { note: '仍有扬尘' } }] });
      const dept2 = await task(handle, 'Task_DepartmentHandle', (t) => t.taskId !== dept.taskId);
      const afterRework = await handle.query(stateQuery);
      expect(afterRework.reworkCount).toBe(1);
      expect(afterRework.tasks.filter(isOpen).map((t) => t.elementId)).toEqual(['Task_DepartmentHandle']);
      const rework = await events(input.caseId, 'rework');
      expect(rework).toHaveLength(1);
      expect(rework[0].payload).toMatchObject({ reworkCount: 1 });

      await handle.executeUpdate(completeUpdate, { args: [{ taskId: dept2.taskId, actor: bureau, outcome: 'done', data: { feedback: '工地已停工整改' } }] });
      const verify2 = await task(handle, 'Task_Verify', (t) => t.taskId !== verify1.taskId);
      expect((await handle.query(stateQuery)).tasks.some((t) => t.elementId === 'Task_Watch' && isOpen(t))).toBe(false);
      await handle.executeUpdate(completeUpdate, { args: [{ taskId: verify2.taskId, actor: wangfang, outcome: 'pass' }] });

      const final = await result(handle);
      expect(final).toMatchObject({ status: 'CLOSED', reworkCount: 1 });
      const row = await prisma.case.findUniqueOrThrow({ where: { id: input.caseId } });
      expect(row.status).toBe('CLOSED');
      const dispatches = (await events(input.caseId, 'dispatchTask')).map((e) => (e.payload as { element: string }).element);
      expect(dispatches.filter((e) => e === 'Task_Watch')).toHaveLength(1);
      expect(dispatches.filter((e) => e === 'Task_DepartmentHandle')).toHaveLength(2);
      expect((await events(input.caseId, 'evaluate'))[0].payload).toMatchObject({ reworkCount: 1 });
      expect(await chainIntact(input.caseId)).toEqual({ intact: true });
    });

    it('given the bureau lets its task run past the deadline, when a working day more passes, then the daily supervision cycle notifies the district supervisors while the task stays open, and the case still closes', async () => {
      const { handle, input } = await report('ST01', { description: '餐馆排放黑烟' });
      const { 'dhm1.handler': handler, 'dc.hb.handler': bureau, wangfang } = people;
      await complete(handle, 'Task_AcceptRegister', handler, 'accept');
      const dept = await task(handle, 'Task_DepartmentHandle');
      const cal = await calendar();
      const due = new Date(dept.dueAt as string);
      const firstCycle = addBusinessTime(due, 'P1D', 'WORKING_DAYS', cal);

      await skipTo(firstCycle.getTime() + MINUTE);
      const boundary = await until('the supervision cycle', async () =>
        (await events(input.caseId, 'boundary')).find((e) => (e.payload as { element?: string }).element === 'BoundaryEvent_DepartmentOverdue'),
      );
      expect(boundary.payload).toMatchObject({ interrupting: false, host: 'Task_DepartmentHandle' });
      within(boundary.createdAt, firstCycle);
      const notify = await until('the supervision notice', async () => (await events(input.caseId, 'notify'))[0]);
      expect(notify.payload).toMatchObject({ element: 'Task_SuperviseDepartment' });
      const toDistrict = await until('a notice to the district supervisor', async () => {
        const rows = await prisma.notification.findMany({ where: { caseId: input.caseId, channel: 'IN_APP', userId: people['dc.supervisor'].userId as number } });
        return rows.length ? rows : undefined;
      });
      expect(toDistrict[0]).toMatchObject({ kind: 'NOTICE', body: '双派单案件部门处置已超期，请督办' });
      // the deadline itself was overdue (supervised by the city, above the district bureau)
      expect((await events(input.caseId, 'overdue')).map((e) => (e.payload as { taskId: string }).taskId)).toContain(dept.taskId);
      expect(await notified(input.caseId, 'bj.supervisor', 'SUPERVISE')).not.toHaveLength(0);

      // the task stays open with the bureau
      const view = await handle.query(stateQuery);
      expect(view.tasks.find((t) => t.taskId === dept.taskId)).toMatchObject({ state: 'OPEN', overdue: true });
      expect((await prisma.task.findUniqueOrThrow({ where: { id: dept.taskId } })).state).toBe('OPEN');
      expect(view.timers.some((t) => t.elementId === 'BoundaryEvent_DepartmentOverdue')).toBe(true);

      // … and the case can still be finished and closed
      await handle.executeUpdate(completeUpdate, { args: [{ taskId: dept.taskId, actor: bureau, outcome: 'done', data: { feedback: '已查处' } }] });
      await complete(handle, 'Task_Watch', wangfang, 'done');
      await complete(handle, 'Task_Verify', wangfang, 'pass');
      const final = await result(handle);
      expect(final.status).toBe('CLOSED');
      expect((await events(input.caseId, 'evaluate'))[0].payload).toMatchObject({ onTime: false });
      expect(await chainIntact(input.caseId)).toEqual({ intact: true });
    });
  });

  // ----------------------------------------------------------------------------------------
  // story 5

  describe('story 5 — a neighbour dispute', () => {
    it('given a neighbour dispute, when two village mediations and the township mediation fail, then it is handed over to the court desk, whose agreement closes the case', async () => {
      const { handle, input } = await report('MD01', { description: '楼上漏水邻里纠纷' });
      const { units } = input.facts;
      const { 'dhm1.handler': handler, 'dhm1.mediator': mediator, 'dhm.handler': street, 'dc.fy.handler': court } = people;
      await complete(handle, 'Task_Accept', handler, 'accept');

      const first = await complete(handle, 'Task_VillageMediation', mediator, 'failed', { attempt: 1, notes: '双方各执一词' });
      expect(first.principals).toEqual([`unit:${units.VILLAGE}:HANDLER`]);
      const second = await task(handle, 'Task_VillageMediation', (t) => t.taskId !== first.taskId);
      expect(second.tier).toBe('VILLAGE');
      await handle.executeUpdate(completeUpdate, { args: [{ taskId: second.taskId, actor: mediator, outcome: 'failed', data: { attempt: 2, notes: '仍未达成一致' } }] });

      const townshipTask = await task(handle, 'Task_TownshipMediation');
      expect(townshipTask.principals).toEqual([`unit:${units.TOWNSHIP}:HANDLER`]);
      const cal = await calendar();
      const tl = limitOf('MD01', 'TOWNSHIP');
      expect(townshipTask.dueAt).toBe(addBusinessTime(new Date(townshipTask.createdAt), tl.duration, tl.calendar, cal).toISOString());
      expect((await events(input.caseId, 'escalate'))[0].payload).toMatchObject({ fromTier: 'VILLAGE', toTier: 'TOWNSHIP' });
      await handle.executeUpdate(completeUpdate, { args: [{ taskId: townshipTask.taskId, actor: street, outcome: 'failed', data: { notes: '街道调解未成' } }] });

      const courtTask = await task(handle, 'Task_CourtMediation');
      expect(courtTask.principals).toEqual(['dept:FY:HANDLER']);
      const [handOver] = await events(input.caseId, 'handOver');
      expect(handOver).toBeDefined();
      expect(handOver.payload).toMatchObject({ element: 'Task_HandOverToCourt', department: 'FY' });
      // the attempts are on record for the court desk
      const attempts = (await events(input.caseId, 'complete')).filter((e) => (e.payload as { element: string }).element === 'Task_VillageMediation');
      expect(attempts.map((e) => (e.payload as { data: { attempt: number } }).data.attempt)).toEqual([1, 2]);

      await handle.executeUpdate(completeUpdate, { args: [{ taskId: courtTask.taskId, actor: court, outcome: 'agreed', data: { agreement: '楼上住户赔偿维修费2000元' } }] });
      const final = await result(handle);
      expect(final.status).toBe('CLOSED');
      expect((await prisma.case.findUniqueOrThrow({ where: { id: input.caseId } })).status).toBe('CLOSED');
      expect(await chainIntact(input.caseId)).toEqual({ intact: true });
    });

    it('given a neighbour dispute, when the village mediator reaches an agreement at the first attempt and the follow-up passes, then it closes at the village with the agreement on record', async () => {
      const { handle, input } = await report('MD01', { description: '邻里噪音纠纷' });
      const { 'dhm1.handler': handler, 'dhm1.mediator': mediator, wangfang } = people;
      await complete(handle, 'Task_Accept', handler, 'accept');
      const agreement = '双方约定晚十点后不再装修施工';
      await complete(handle, 'Task_VillageMediation', mediator, 'agreed', { attempt: 1, agreement });
      const followUp = await task(handle, 'Task_FollowUp');
      expect(followUp.principals).toEqual([`user:${wangfang.userId}`]);
      await handle.executeUpdate(completeUpdate, { args: [{ taskId: followUp.taskId, actor: wangfang, outcome: 'pass' }] });

      const final = await result(handle);
      expect(final).toMatchObject({ status: 'CLOSED', closedTier: 'VILLAGE', escalations: 0 });
      const row = await prisma.case.findUniqueOrThrow({ where: { id: input.caseId } });
      expect(row).toMatchObject({ status: 'CLOSED', closedTier: 'VILLAGE' });
      const agreed = (await events(input.caseId, 'complete')).find((e) => (e.payload as { outcome: string }).outcome === 'agreed');
      expect(agreed?.payload).toMatchObject({ element: 'Task_VillageMediation', data: { attempt: 1, agreement } });
      expect(agreed?.actorId).toBe(mediator.userId);
      expect(await events(input.caseId, 'handOver')).toHaveLength(0);
    });
  });

  // ----------------------------------------------------------------------------------------
  // story 6

  describe('story 6 — an emergency', () => {
    it('given a landslide risk, when it is reported, then the district is notified at once and the 30-minute response runs out up to the street, which responds; making safe (3 h) and resolving follow, and the check closes it', async () => {
      const { handle, input } = await report('YJ01', { description: '连续降雨后山体出现裂缝，有滑坡隐患', severity: 3 });
      const { units } = input.facts;
      const { 'dhm.handler': street, wangfang } = people;

      const notice = await until('the notice to the district supervisors', async () => {
        const rows = await prisma.notification.findMany({ where: { caseId: input.caseId, channel: 'IN_APP', userId: people['dc.supervisor'].userId as number } });
        return rows.length ? rows : undefined;
      });
      expect(notice[0]).toMatchObject({ kind: 'NOTICE', body: '应急事件：请立即响应' });
      const [notify] = await events(input.caseId, 'notify');
      expect(notify.payload).toMatchObject({ element: 'Task_NotifyDistrict' });

      const respond = await task(handle, 'Task_Respond');
      expect(respond.tier).toBe('VILLAGE');
      expect(Date.parse(respond.dueAt as string) - Date.parse(respond.createdAt)).toBe(30 * MINUTE);

      // nobody responds within 30 minutes: up to the street, with a new 30 minutes
      await skipTo(Date.parse(respond.dueAt as string) + MINUTE);
      const atStreet = await task(handle, 'Task_Respond', (t) => t.tier === 'TOWNSHIP');
      expect(atStreet.principals).toEqual([`unit:${units.TOWNSHIP}:HANDLER`]);
      expect(Date.parse(atStreet.dueAt as string) - Date.parse(atStreet.createdAt)).toBe(30 * MINUTE);
      expect((await events(input.caseId, 'escalate'))[0].payload).toMatchObject({ element: 'Task_EscalateRespond', fromTier: 'VILLAGE', toTier: 'TOWNSHIP' });
      expect(await notified(input.caseId, 'dhm.supervisor', 'SUPERVISE')).toHaveLength(1);
      // the overdue and boundary timers fired together: one step, one write, no timer armed again (patch timers-in-one-step)
      const atDeadline = await writesAndShortTimers(handle);
      expect(atDeadline.writes.find((w) => w.includes('overdue'))).toEqual(['overdue', 'supervise', 'boundary', 'escalate']);
      expect(atDeadline.shortTimers).toBe(0);

      await handle.executeUpdate(completeUpdate, { args: [{ taskId: atStreet.taskId, actor: street, outcome: 'responded' }] });
      const makeSafe = await task(handle, 'Task_MakeSafe');
      expect(makeSafe.tier).toBe('TOWNSHIP');
      expect(Date.parse(makeSafe.dueAt as string) - Date.parse(makeSafe.createdAt)).toBe(3 * HOUR);
      await handle.executeUpdate(completeUpdate, { args: [{ taskId: makeSafe.taskId, actor: street, outcome: 'done', data: { feedback: '已疏散坡下住户并设置警戒' } }] });
      const resolve = await task(handle, 'Task_Resolve');
      const cal = await calendar();
      expect(resolve.dueAt).toBe(addBusinessTime(new Date(resolve.createdAt), 'P5D', 'WORKING_DAYS', cal).toISOString());
      await handle.executeUpdate(completeUpdate, { args: [{ taskId: resolve.taskId, actor: street, outcome: 'done', data: { feedback: '已完成削坡加固' } }] });
      await complete(handle, 'Task_Verify', wangfang, 'pass');

      const final = await result(handle);
      expect(final).toMatchObject({ status: 'CLOSED', closedTier: 'TOWNSHIP', overdueCount: 1 });
      expect(await chainIntact(input.caseId)).toEqual({ intact: true });
    });
  });

  // ----------------------------------------------------------------------------------------
  // messages, approvals, continue-as-new

  describe('messages and approvals', () => {
    it('given a case being handled, when the reporter withdraws it, then the case ends WITHDRAWN and its task is cancelled', async () => {
      const { handle, input } = await report('SS03');
      const t = await toHandling(handle);
      await handle.signal(messageSignal, { name: 'withdraw', actor: people.wangfang, data: { reason: '已自行修复' } });
      const final = await result(handle);
      expect(final).toMatchObject({ status: 'WITHDRAWN', ended: true });
      const row = await prisma.case.findUniqueOrThrow({ where: { id: input.caseId } });
      expect(row.status).toBe('WITHDRAWN');
      expect(row.closedTier).toBeNull();
      expect((await prisma.task.findUniqueOrThrow({ where: { id: t.taskId } })).state).toBe('CANCELLED');
      expect((await events(input.caseId, 'message'))[0]).toMatchObject({ actorId: people.wangfang.userId });
      expect(await chainIntact(input.caseId)).toEqual({ intact: true });
    });

    it('given a handler who needs more time, when the street supervisor approves a 4-hour extension, then the deadline moves 4 working hours later', async () => {
      const { handle, input } = await report('SS03');
      const t = await toHandling(handle);
      const cal = await calendar();
      const asked = await handle.executeUpdate(extendUpdate, { args: [{ taskId: t.taskId, actor: people['dhm1.handler'], duration: 'PT4H', reason: '需等待灯具配件' }] });
      expect(asked.approval).toMatchObject({ state: 'PENDING', kind: 'EXTENSION', approverTier: 'TOWNSHIP' });
      expect(await notified(input.caseId, 'dhm.supervisor', 'APPROVAL')).toHaveLength(1);
      const decided = await handle.executeUpdate(decideUpdate, { args: [{ approvalId: asked.approval.id, actor: people['dhm.supervisor'], approve: true, note: '同意' }] });
      expect(decided.approval.state).toBe('APPROVED');

      const expected = addBusinessTime(new Date(t.dueAt as string), 'PT4H', 'WORKING_HOURS', cal).toISOString();
      expect(decided.case.tasks.find((x) => x.taskId === t.taskId)?.dueAt).toBe(expected);
      expect((await prisma.task.findUniqueOrThrow({ where: { id: t.taskId } })).dueAt?.toISOString()).toBe(expected);
      expect((await prisma.case.findUniqueOrThrow({ where: { id: input.caseId } })).dueAt?.toISOString()).toBe(expected);
      expect((await prisma.approval.findUniqueOrThrow({ where: { id: asked.approval.id } })).state).toBe('APPROVED');
      const [change] = await events(input.caseId, 'changeDeadline');
      expect(change).toMatchObject({ actorId: people['dhm.supervisor'].userId });
      expect(change.payload).toMatchObject({ taskId: t.taskId, from: t.dueAt, to: expected });
      const overdueTimer = decided.case.timers.find((x) => x.kind === 'overdue');
      expect(overdueTimer?.fireAt).toBe(expected);
    });

    it('given a task at the wrong unit, when the street supervisor approves the return, then the case goes back to dispatch and still closes through one verification', async () => {
      const { handle, input } = await report('SS03');
      const t = await toHandling(handle);
      const { 'dhm1.handler': handler, 'dhm.supervisor': supervisor, wangfang } = people;
      const asked = await handle.executeUpdate(returnUpdate, { args: [{ taskId: t.taskId, actor: handler, reason: '该路灯属景山街道辖区' }] });
      expect(asked.approval).toMatchObject({ kind: 'RETURN', state: 'PENDING' });
      await handle.executeUpdate(decideUpdate, { args: [{ approvalId: asked.approval.id, actor: supervisor, approve: true }] });

      const dispatch = await task(handle, 'Task_Dispatch', (x) => x.createdAt > t.createdAt);
      expect((await prisma.task.findUniqueOrThrow({ where: { id: t.taskId } })).state).toBe('RETURNED');
      expect((await events(input.caseId, 'return'))[0].payload).toMatchObject({ taskId: t.taskId, to: 'Task_Dispatch' });
      const view = await handle.query(stateQuery);
      expect(view.tasks.filter(isOpen).map((x) => x.elementId)).toEqual(['Task_Dispatch']);
      expect(view.activeElements).toEqual(['Task_Dispatch']);

      await handle.executeUpdate(completeUpdate, { args: [{ taskId: dispatch.taskId, actor: handler }] });
      await complete(handle, 'Task_Handle', handler, 'done', { feedback: '已更换灯泡' });
      await complete(handle, 'Task_Verify', wangfang, 'pass');
      const final = await result(handle);
      expect(final.status).toBe('CLOSED');
      expect((await handle.query(stateQuery)).activeElements).toEqual([]);
      expect((await events(input.caseId, 'dispatchTask')).filter((e) => (e.payload as { element: string }).element === 'Task_Verify')).toHaveLength(1);
      expect(await chainIntact(input.caseId)).toEqual({ intact: true });
    });

    it('given a case being handled, when a supervisor supervises it by hand with a new deadline, then the open task takes that deadline', async () => {
      const { handle, input } = await report('SS03');
      const t = await toHandling(handle);
      const newDeadline = new Date(Date.parse(t.dueAt as string) - HOUR).toISOString();
      await handle.signal(superviseSignal, { actor: people['dhm.supervisor'], instruction: '请于今日内修复', newDeadline });
      const moved = await until('the new deadline', async () => {
        const x = (await handle.query(stateQuery)).tasks.find((y) => y.taskId === t.taskId);
        return x?.dueAt === newDeadline ? x : undefined;
      });
      expect(moved.state).toBe('OPEN');
      await until('the projection', async () => (await prisma.task.findUniqueOrThrow({ where: { id: t.taskId } })).dueAt?.toISOString() === newDeadline);
      const supervise = (await events(input.caseId, 'supervise'))[0];
      expect(supervise).toMatchObject({ actorId: people['dhm.supervisor'].userId, reason: '请于今日内修复' });
      expect(supervise.payload).toMatchObject({ automatic: false, newDeadline, taskIds: [t.taskId] });
      expect((await events(input.caseId, 'changeDeadline'))[0].payload).toMatchObject({ taskId: t.taskId, from: t.dueAt, to: newDeadline });
      expect(await notified(input.caseId, 'dhm1.handler', 'SUPERVISE')).toHaveLength(1);
    });

    it('given a case with a short history limit, when it is driven through the closed loop, then it continues as new and still closes with an intact audit chain', async () => {
      const { handle, input } = await report('SS03', { historyLimit: 40 });
      const { 'dhm1.handler': handler, wangfang } = people;
      for (const [step, outcome] of [
        ['Task_Accept', 'accept'],
        ['Task_Register', undefined],
        ['Task_Dispatch', undefined],
      ] as const) {
        await complete(handle, step, handler, outcome);
      }
      const h = await task(handle, 'Task_Handle');
      await handle.executeUpdate(completeUpdate, { args: [{ taskId: h.taskId, actor: handler, outcome: 'cannotHandle', data: { feedback: '需街道协调' } }] });
      const atStreet = await task(handle, 'Task_Handle', (t) => t.tier === 'TOWNSHIP');
      const runs = await until('a continued run', async () => {
        const v = await handle.query(stateQuery);
        return v.run > 1 ? v.run : undefined;
      });
      expect(runs).toBeGreaterThan(1);
      await handle.executeUpdate(completeUpdate, { args: [{ taskId: atStreet.taskId, actor: people['dhm.handler'], outcome: 'done', data: { feedback: '已协调供电公司修复' } }] });
      await complete(handle, 'Task_Verify', wangfang, 'pass');

      const final = await result(handle);
      expect(final.status).toBe('CLOSED');
      expect(final.run).toBeGreaterThan(1);
      expect(final.closedTier).toBe('TOWNSHIP');
      const rows = await events(input.caseId);
      expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
      expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(['report', 'escalate', 'close', 'evaluate', 'end']));
      expect(await chainIntact(input.caseId)).toEqual({ intact: true });
      const row = await prisma.case.findUniqueOrThrow({ where: { id: input.caseId } });
      expect(row).toMatchObject({ status: 'CLOSED', closedTier: 'TOWNSHIP', lastEventSeq: rows.length });
      expect(rows.filter((r) => r.action === 'dispatchTask').length).toBe((await prisma.task.count({ where: { caseId: input.caseId } })));
    });
  });
});
