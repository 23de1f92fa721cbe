/**
 * Who may do what: an authorization matrix over the case, task and approval endpoints, generated
 * from one table. Rows are endpoints, columns are demo callers along the path 东城区 → 东华门街道 →
 * 东华门第一社区 → 第3网格 (plus the grid worker of the next grid, a 城管 department handler, people
 * of 西城区 and no token at all);
 * each cell is the status the caller must get, or for a list whether the fixture is in it.
 *
 * Scope rules under test: handlers see their unit's subtree or what is dispatched to their
 * department; grid workers see their grids and what they reported; supervisors urge, supervise
 * and approve within their subtree; auditors read and never write; administrators administer;
 * grid workers report in their grids and staff in their unit's subtree (a department's people in
 * their department's district).
 * Outside one's scope: 404 (no existence leak); a known resource one may not act on, or an
 * endpoint one's role may never use: 403; no token: 401.
 *
 * Fixtures are built through the API (reported by 王芳 in her grid, then driven by the
 * community handler), except the case dispatched to 城管: none of the demo processes can send a
 * case to 城管 (standard-closed-loop dispatches by tier, dual-dispatch to the category's home
 * department, and only 生态环境 uses it), so that one is a 城管 category (SR01) started on the
 * dual-dispatch process through the test helper, then driven through the API. A cell whose success
 * changes the case (claim, complete, merge, approve …) gets a fixture of its own.
 */
import request from 'supertest';
import { startApiSuite, type ApiSuite } from '../support/api';
import { act, inboxTask, PNG_1x1 } from '../support/api-flow';
import { reportCase, wangfangGrid } from '../support/cases';
import { uniqueSuffix } from '../support/env';

const MARKER = `authz-${uniqueSuffix()}`;

/** The columns, in the order the table below lists them. */
const CALLERS = [
  'wangfang', // grid worker of 东华门第一社区第3网格, the reporter of every fixture
  'zhangwei', // grid worker of the neighbouring 第1网格: not his grid, not his report
  'dhm1.handler', // community handler: the fixture's tasks are offered to him
  'dhm.handler', // street handler: in scope through the subtree, not offered the community's tasks
  'dhm.supervisor', // street supervisor: approves what the community asks for
  'dc.supervisor', // district supervisor
  'dhm1.supervisor', // community supervisor: may urge, but sits below the approving street
  'dc.auditor', // district auditor: reads everything, writes nothing
  'dc.cg.handler', // 城管 handler: in scope only once a task is dispatched to 城管
  'xc.handler', // 西城区 handler: out of scope
  'xc.supervisor', // 西城区 supervisor: out of scope
  'admin', // administrator of 北京市
  'anonymous', // no token
] as const;
type Caller = (typeof CALLERS)[number];

/** A status, or for a list: 200 and the fixture is `in` it / `out` of it. */
type Expect = number | 'in' | 'out';

type Kind = 'accept' | 'claimed' | 'register' | 'approval' | 'cg';
interface Fixture {
  caseId: string;
  /** the open task of the fixture (Task_Accept, Task_Register or Task_DepartmentHandle) */
  taskId: string;
  attachmentId?: string;
  approvalId?: string;
  /** another case of the grid, to merge into */
  into: string;
}

interface Row {
  method: 'GET' | 'POST';
  /** as shown in test names: {id}, {attachmentId} stand for the fixture's ids */
  path: string;
  /** which fixture the {id}s refer to ('task' paths use the fixture's task, 'approval' paths its approval) */
  fixture?: Kind;
  target?: 'task' | 'approval';
  label?: string;
  query?: (f: Fixture) => Record<string, string | number>;
  body?: (f: Fixture) => Record<string, unknown>;
  upload?: boolean;
  /** a successful cell changes the fixture: it gets one of its own */
  consumes?: boolean;
  /** for lists: is the fixture in the answer? */
  listed?: (body: { items: Record<string, unknown>[] }, f: Fixture) => boolean;
  /** what a successful write answers (so a 2xx that did nothing is caught) */
  effect?: Record<string, unknown>;
  cells: Expect[];
}

const caseListed = (b: { items: Record<string, unknown>[] }, f: Fixture) => b.items.some((c) => c.id === f.caseId);
const taskListed = (b: { items: Record<string, unknown>[] }, f: Fixture) => b.items.some((t) => t.id === f.taskId);
const approvalListed = (b: { items: Record<string, unknown>[] }, f: Fixture) => b.items.some((a) => a.id === f.approvalId);

/** a report from 王芳's grid (the location is filled in when sent) */
const report = () => ({ category: 'SS01', description: `${MARKER} 东华门大街12号门前井盖缺失` });

/** Task actions: the fixture each needs for the community handler's success, and a valid body. */
const ACTIONS: { action: string; fixture: Kind; body: Record<string, unknown>; consumes: boolean; effect: Record<string, unknown> }[] = [
  { action: 'claim', fixture: 'accept', body: {}, consumes: true, effect: { task: { state: 'CLAIMED', assignee: { name: '李明' } } } },
  { action: 'unclaim', fixture: 'claimed', body: {}, consumes: true, effect: { task: { state: 'OPEN', assignee: null } } },
  { action: 'complete', fixture: 'accept', body: { outcome: 'accept' }, consumes: true, effect: { task: { state: 'COMPLETED', outcome: 'accept' } } },
  { action: 'escalate', fixture: 'accept', body: { reason: '社区无执法权，需街道处置' }, consumes: true, effect: { task: { state: 'ESCALATED' } } },
  { action: 'return', fixture: 'register', body: { reason: '受理信息有误，退回重新受理' }, consumes: true, effect: { approval: { kind: 'RETURN', state: 'PENDING' } } },
  { action: 'extend', fixture: 'accept', body: { duration: 'P2D', reason: '需协调城管' }, consumes: true, effect: { approval: { kind: 'EXTENSION', state: 'PENDING' } } },
  { action: 'defer', fixture: 'accept', body: { duration: 'P3D', reason: '待天气好转后处置' }, consumes: true, effect: { approval: { kind: 'DEFERRAL', state: 'PENDING' } } },
  { action: 'void', fixture: 'accept', body: { reason: '重复上报，作废' }, consumes: true, effect: { approval: { kind: 'VOID', state: 'PENDING' } } },
  { action: 'comment', fixture: 'accept', body: { text: '已电话联系上报人' }, consumes: false, effect: { task: { state: 'OPEN' } } },
];

// prettier-ignore
const ROWS: Row[] = [
  //        wangf.    zhangw    dhm1.h    dhm.h     dhm.sup   dc.sup    dhm1.sup  dc.aud    dc.cg     xc.h      xc.sup    admin     anon
  { method: 'GET', path: '/api/auth/me',
    cells: [200,      200,      200,      200,      200,      200,      200,      200,      200,      200,      200,      200,      401] },
  // reporting is limited to one's grids (grid workers) or one's unit's subtree (staff): 403 OUTSIDE_AREA elsewhere
  { method: 'POST', path: '/api/cases', body: () => report(), effect: { status: 'REPORTED', village: { name: '东华门第一社区' } },
    cells: [201,      403,      201,      201,      201,      201,      201,      403,      201,      403,      403,      201,      401] },
  { method: 'GET', path: '/api/cases', fixture: 'accept', query: (f) => ({ q: f.caseId, limit: 100 }), listed: caseListed,
    cells: ['in',     'out',    'in',     'in',     'in',     'in',     'in',     'in',     'out',    'out',    'out',    'in',     401] },
  { method: 'GET', path: '/api/cases/{id}', fixture: 'accept',
    cells: [200,      404,      200,      200,      200,      200,      200,      200,      404,      404,      404,      200,      401] },
  { method: 'GET', path: '/api/cases/{id}/history', fixture: 'accept',
    cells: [200,      404,      200,      200,      200,      200,      200,      200,      404,      404,      404,      200,      401] },
  { method: 'GET', path: '/api/cases/{id}/history/verify', fixture: 'accept',
    cells: [200,      404,      200,      200,      200,      200,      200,      200,      404,      404,      404,      200,      401] },
  { method: 'POST', path: '/api/cases/{id}/urge', fixture: 'accept', body: () => ({ note: '请尽快受理' }), effect: { accepted: true, event: { seq: expect.any(Number) } },
    cells: [403,      403,      403,      403,      201,      201,      201,      403,      403,      403,      404,      403,      401] },
  { method: 'POST', path: '/api/cases/{id}/supervise', fixture: 'accept', body: () => ({ instruction: '今日内受理并反馈' }), effect: { accepted: true, event: { seq: expect.any(Number) } },
    cells: [403,      403,      403,      403,      201,      201,      201,      403,      403,      403,      404,      403,      401] },
  { method: 'POST', path: '/api/cases/{id}/merge', fixture: 'accept', consumes: true, body: (f) => ({ into: f.into, reason: '同一井盖重复上报' }), effect: { status: 'MERGED' },
    cells: [403,      403,      200,      403,      403,      403,      403,      403,      404,      404,      403,      403,      401] },
  { method: 'POST', path: '/api/cases/{id}/attachments', fixture: 'accept', upload: true, effect: { attachments: [{ mediaType: 'image/png' }] },
    cells: [403,      404,      201,      403,      403,      403,      403,      403,      404,      404,      404,      403,      401] },
  { method: 'GET', path: '/api/cases/{id}/attachments/{attachmentId}', fixture: 'accept',
    cells: [200,      404,      200,      200,      200,      200,      200,      200,      404,      404,      404,      200,      401] },
  // the case page: its path, its process version's diagram and its map, for whoever may read the case
  ...['path', 'diagram', 'map'].map((part): Row => (
  { method: 'GET', path: `/api/cases/{id}/${part}`, fixture: 'accept',
    cells: [200,      404,      200,      200,      200,      200,      200,      200,      404,      404,      404,      200,      401] })),
  // 撤回: the reporter only, before 派遣
  { method: 'POST', path: '/api/cases/{id}/withdraw', fixture: 'accept', consumes: true, body: () => ({ reason: '已自行解决' }), effect: { status: 'WITHDRAWN' },
    cells: [200,      404,      403,      403,      403,      403,      403,      403,      404,      404,      404,      403,      401] },
  { method: 'GET', path: '/api/tasks', fixture: 'accept', query: (f) => ({ caseId: f.caseId }), listed: taskListed,
    cells: ['in',     'out',    'in',     'in',     'in',     'in',     'in',     'in',     'out',    'out',    'out',    'in',     401] },
  { method: 'GET', path: '/api/tasks/{id}', fixture: 'accept', target: 'task',
    cells: [200,      404,      200,      200,      200,      200,      200,      200,      404,      404,      404,      200,      401] },
  ...ACTIONS.map(({ action, fixture, body, consumes, effect }): Row => (
  { method: 'POST', path: `/api/tasks/{id}/${action}`, fixture, target: 'task', consumes, body: () => body, effect,
    cells: [403,      404,      200,      403,      403,      403,      403,      403,      404,      404,      404,      403,      401] })),
  { method: 'GET', path: '/api/approvals', fixture: 'approval', query: (f) => ({ caseId: f.caseId }), listed: approvalListed,
    cells: ['in',     'out',    'in',     'in',     'in',     'in',     'in',     'in',     'out',    'out',    'out',    'in',     401] },
  { method: 'POST', path: '/api/approvals/{id}/approve', fixture: 'approval', target: 'approval', consumes: true, body: () => ({ note: '同意' }), effect: { state: 'APPROVED' },
    cells: [403,      403,      403,      403,      200,      200,      403,      403,      403,      403,      404,      403,      401] },
  { method: 'POST', path: '/api/approvals/{id}/reject', fixture: 'approval', target: 'approval', consumes: true, body: () => ({ note: '不同意' }), effect: { state: 'REJECTED' },
    cells: [403,      403,      403,      403,      200,      200,      403,      403,      403,      403,      404,      403,      401] },

  // the same case once a task of it is dispatched to 城管 (Task_DepartmentHandle, offered to dept:CG:HANDLER)
  { method: 'GET', path: '/api/cases', fixture: 'cg', label: '[dispatched to 城管]', query: (f) => ({ q: f.caseId, limit: 100 }), listed: caseListed,
    cells: ['in',     'out',    'in',     'in',     'in',     'in',     'in',     'in',     'in',     'out',    'out',    'in',     401] },
  { method: 'GET', path: '/api/cases/{id}', fixture: 'cg', label: '[dispatched to 城管]',
    cells: [200,      404,      200,      200,      200,      200,      200,      200,      200,      404,      404,      200,      401] },
  { method: 'GET', path: '/api/cases/{id}/history', fixture: 'cg', label: '[dispatched to 城管]',
    cells: [200,      404,      200,      200,      200,      200,      200,      200,      200,      404,      404,      200,      401] },
  { method: 'GET', path: '/api/tasks', fixture: 'cg', label: '[dispatched to 城管]', query: (f) => ({ caseId: f.caseId }), listed: taskListed,
    cells: ['in',     'out',    'in',     'in',     'in',     'in',     'in',     'in',     'in',     'out',    'out',    'in',     401] },
  { method: 'GET', path: '/api/tasks/{id}', fixture: 'cg', target: 'task', label: '[dispatched to 城管]',
    cells: [200,      404,      200,      200,      200,      200,      200,      200,      200,      404,      404,      200,      401] },
  { method: 'POST', path: '/api/tasks/{id}/comment', fixture: 'cg', target: 'task', label: '[dispatched to 城管]', body: () => ({ text: '城管已派员' }), effect: { task: { state: 'OPEN' } },
    cells: [403,      404,      403,      403,      403,      403,      403,      403,      200,      404,      404,      403,      401] },
  { method: 'POST', path: '/api/tasks/{id}/claim', fixture: 'cg', target: 'task', label: '[dispatched to 城管]', consumes: true, effect: { task: { state: 'CLAIMED', assignee: { name: '赵强' } } },
    cells: [403,      404,      403,      403,      403,      403,      403,      403,      200,      404,      404,      403,      401] },
  // dispatched: too late for 王芳 to withdraw it; 城管 sees it but did not report it
  { method: 'POST', path: '/api/cases/{id}/withdraw', fixture: 'cg', label: '[dispatched to 城管]', body: () => ({ reason: '已自行解决' }),
    cells: [409,      404,      403,      403,      403,      403,      403,      403,      403,      404,      404,      403,      401] },
  // 王芳 is offered the case's 跟踪督促 (Task_Watch) step, so she may add photos too
  { method: 'POST', path: '/api/cases/{id}/attachments', fixture: 'cg', upload: true, label: '[dispatched to 城管]', effect: { attachments: [{ mediaType: 'image/png' }] },
    cells: [201,      404,      403,      403,      403,      403,      403,      403,      201,      404,      404,      403,      401] },
];

interface Cell {
  name: string;
  row: Row;
  caller: Caller;
  expected: Expect;
  /** which fixture instance: "<kind>" shared, or "<kind>#<n>" of its own */
  fixtureKey?: string;
}

function buildCells(): Cell[] {
  const cells: Cell[] = [];
  let own = 0;
  for (const row of ROWS) {
    if (row.cells.length !== CALLERS.length) throw new Error(`row ${row.method} ${row.path} has ${row.cells.length} cells, not ${CALLERS.length}`);
    row.cells.forEach((expected, i) => {
      const caller = CALLERS[i];
      const succeeds = typeof expected === 'number' && expected < 300;
      const fixtureKey = row.fixture ? (row.consumes && succeeds ? `${row.fixture}#${++own}` : row.fixture) : undefined;
      const shown = typeof expected === 'number' ? String(expected) : `200, fixture ${expected === 'in' ? 'listed' : 'not listed'}`;
      cells.push({ name: `${caller} ${row.method} ${row.path}${row.label ? ` ${row.label}` : ''} → ${shown}`, row, caller, expected, fixtureKey });
    });
  }
  return cells;
}

const CELLS = buildCells();

describe('authorization matrix of the case, task and approval endpoints', () => {
  let s: ApiSuite;
  const fixtures = new Map<string, Fixture>();
  const created = new Set<string>();
  let peer: string;

  /** 王芳 reports a missing manhole cover in her grid (with a photo when asked). */
  async function reportInGrid(withPhoto: boolean): Promise<{ id: string; attachments: { id: string }[] }> {
    const g = await wangfangGrid(s.prisma);
    const body = { category: 'SS01', description: `${MARKER} 东华门大街12号门前井盖缺失`, location: { lat: g.lat, lng: g.lng, address: '东华门大街12号' } };
    const req = request(s.app).post('/api/cases').set('Authorization', await s.auth('wangfang'));
    const res = withPhoto ? await req.field('case', JSON.stringify(body)).attach('photos', PNG_1x1, { filename: 'manhole.png', contentType: 'image/png' }) : await req.send(body);
    if (res.status !== 201) throw new Error(`report failed: ${res.status} ${res.text}`);
    created.add(res.body.id);
    return res.body;
  }

  async function ok(res: request.Response, what: string) {
    if (res.status >= 300) throw new Error(`${what} failed: ${res.status} ${res.text}`);
    return res;
  }

  async function build(kind: Kind, shared: boolean): Promise<Fixture> {
    if (kind === 'cg') {
      // a 城管 category on the dual-dispatch process: after 受理立案 one task goes to 城管, one back to 王芳
      const dual = await s.prisma.processVersion.findFirstOrThrow({ where: { definition: { key: 'dual-dispatch' } }, orderBy: { version: 'desc' }, select: { id: true } });
      const { input } = await reportCase(s.prisma, s.temporal.client, s.taskQueue, { categoryCode: 'SR01', processVersionId: dual.id, description: `${MARKER} 东华门大街路口暴露垃圾` });
      created.add(input.caseId);
      const accept = await inboxTask(s, 'dhm1.handler', input.caseId, 'Task_AcceptRegister');
      await ok(await act(s, 'dhm1.handler', accept.id, 'complete', { outcome: 'accept' }), 'accept');
      const dept = await inboxTask(s, 'dc.cg.handler', input.caseId, 'Task_DepartmentHandle');
      return { caseId: input.caseId, taskId: dept.id, into: peer };
    }
    const c = await reportInGrid(shared && kind === 'accept');
    const accept = await inboxTask(s, 'dhm1.handler', c.id, 'Task_Accept');
    const f: Fixture = { caseId: c.id, taskId: accept.id, attachmentId: c.attachments[0]?.id, into: peer };
    if (kind === 'claimed') await ok(await act(s, 'dhm1.handler', accept.id, 'claim'), 'claim');
    if (kind === 'register') {
      await ok(await act(s, 'dhm1.handler', accept.id, 'complete', { outcome: 'accept' }), 'accept');
      f.taskId = (await inboxTask(s, 'dhm1.handler', c.id, 'Task_Register')).id;
    }
    if (kind === 'approval') {
      const asked = await ok(await act(s, 'dhm1.handler', accept.id, 'extend', { duration: 'P1D', reason: '需协调物业' }), 'extension request');
      f.approvalId = asked.body.approval.id;
    }
    return f;
  }

  beforeAll(async () => {
    s = await startApiSuite('api-authz');
    peer = (await reportInGrid(false)).id;
    const keys = [...new Set(CELLS.map((c) => c.fixtureKey).filter((k): k is string => !!k))];
    // a few at a time: each is a case workflow on the suite's worker
    for (let i = 0; i < keys.length; i += 6) {
      await Promise.all(
        keys.slice(i, i + 6).map(async (key) => {
          const [kind, own] = key.split('#') as [Kind, string | undefined];
          fixtures.set(key, await build(kind, own === undefined));
        }),
      );
    }
  });

  afterAll(async () => {
    if (!s) return;
    const mine = await s.prisma.case.findMany({ where: { description: { contains: MARKER } }, select: { id: true } });
    for (const id of new Set([...created, ...mine.map((c) => c.id)])) {
      await s.temporal.client.workflow
        .getHandle(id)
        .terminate('test done')
        .catch(() => undefined);
    }
    await s.close();
  });

  async function send(cell: Cell, f: Fixture | undefined, headers: Record<string, string> = {}) {
    const { row, caller } = cell;
    const id = !f ? '' : row.target === 'task' ? f.taskId : row.target === 'approval' ? (f.approvalId as string) : f.caseId;
    const url = row.path.replace('{id}', encodeURIComponent(id)).replace('{attachmentId}', f?.attachmentId ?? '');
    const req = row.method === 'GET' ? request(s.app).get(url) : request(s.app).post(url);
    if (caller !== 'anonymous') req.set('Authorization', await s.auth(caller));
    for (const [k, v] of Object.entries(headers)) req.set(k, v);
    if (row.query && f) req.query(row.query(f));
    if (row.upload) return req.attach('photos', PNG_1x1, { filename: 'site.png', contentType: 'image/png' });
    if (row.method === 'POST') {
      let body = row.body ? row.body(f as Fixture) : {};
      if (row.path === '/api/cases') {
        const g = await wangfangGrid(s.prisma);
        body = { ...body, location: { lat: g.lat, lng: g.lng, address: '东华门大街12号' } };
      }
      return req.send(body);
    }
    return req;
  }

  it('the table has a cell for every caller on every endpoint of the brief', () => {
    const endpoints = new Set(ROWS.map((r) => `${r.method} ${r.path}`));
    for (const e of [
      'GET /api/auth/me',
      'POST /api/cases',
      'GET /api/cases',
      'GET /api/cases/{id}',
      'GET /api/cases/{id}/history',
      'GET /api/cases/{id}/history/verify',
      'POST /api/cases/{id}/urge',
      'POST /api/cases/{id}/supervise',
      'POST /api/cases/{id}/merge',
      'POST /api/cases/{id}/attachments',
      'GET /api/cases/{id}/attachments/{attachmentId}',
      'GET /api/tasks',
      'GET /api/tasks/{id}',
      ...['claim', 'unclaim', 'complete', 'escalate', 'return', 'extend', 'defer', 'void', 'comment'].map((a) => `POST /api/tasks/{id}/${a}`),
      'GET /api/approvals',
      'POST /api/approvals/{id}/approve',
      'POST /api/approvals/{id}/reject',
    ]) {
      expect(endpoints).toContain(e);
    }
    expect(CELLS.length).toBe(ROWS.length * CALLERS.length);
  });

  it.each(CELLS)('$name', async (cell) => {
    const f = cell.fixtureKey ? fixtures.get(cell.fixtureKey) : undefined;
    if (cell.fixtureKey && !f) throw new Error(`fixture ${cell.fixtureKey} was not built`);
    const res = await send(cell, f);
    if (cell.row.path === '/api/cases' && cell.row.method === 'POST' && res.status === 201) created.add(res.body.id);
    const seen = { status: res.status, text: (res.text ?? '').slice(0, 300) };
    if (cell.expected === 'in' || cell.expected === 'out') {
      expect(seen).toMatchObject({ status: 200 });
      expect(cell.row.listed!(res.body, f as Fixture)).toBe(cell.expected === 'in');
      return;
    }
    expect(seen).toMatchObject({ status: cell.expected });
    if (cell.expected < 300 && cell.row.effect) expect(res.body).toMatchObject(cell.row.effect);
    if (cell.expected >= 400) {
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const problem = JSON.parse(res.text);
      expect(problem).toMatchObject({ status: cell.expected, title: expect.any(String), detail: expect.any(String) });
      // every refusal names its field and a code (a role refusal: header.Authorization)
      expect(problem).toMatchObject({ field: expect.any(String), code: expect.any(String) });
      if (cell.expected === 401) expect(problem.field).toBe('header.Authorization');
      if (cell.expected === 404) expect(problem.field).toMatch(/^path\./);
    }
  });

  it('given a successful read, the answer is about the fixture itself', async () => {
    const f = fixtures.get('accept')!;
    const c = await request(s.app).get(`/api/cases/${f.caseId}`).set('Authorization', await s.auth('dc.auditor'));
    expect(c.body).toMatchObject({ id: f.caseId, activeTasks: [expect.objectContaining({ id: f.taskId, elementId: 'Task_Accept' })] });
    const t = await request(s.app).get(`/api/tasks/${encodeURIComponent(f.taskId)}`).set('Authorization', await s.auth('dc.auditor'));
    // an auditor reads the task but is offered no action on it
    expect(t.body).toMatchObject({ id: f.taskId, caseId: f.caseId, actions: [] });
    const a = await request(s.app).get(`/api/cases/${f.caseId}/attachments/${f.attachmentId}`).set('Authorization', await s.auth('wangfang'));
    expect(Buffer.compare(a.body as Buffer, PNG_1x1)).toBe(0);
  });

  it('given the 城管 fixture, dc.cg.handler could not see the case before it was dispatched to 城管 (the same case kind on the standard process stays hidden)', async () => {
    const f = fixtures.get('accept')!;
    const hidden = await request(s.app).get(`/api/cases/${f.caseId}`).set('Authorization', await s.auth('dc.cg.handler'));
    expect(hidden.status).toBe(404);
    const cg = fixtures.get('cg')!;
    const seen = await request(s.app).get(`/api/cases/${cg.caseId}`).set('Authorization', await s.auth('dc.cg.handler'));
    expect(seen.body).toMatchObject({ id: cg.caseId, activeTasks: expect.arrayContaining([expect.objectContaining({ id: cg.taskId, department: expect.objectContaining({ name: '东城区城市管理委员会' }) })]) });
  });

  describe('a colleague of the same unit may not take over a task another holds', () => {
    it('given dhm1.handler holds the task, his colleague dhm1.mediator (same unit, same role) gets 409 TASK_CLAIMED on unclaim and complete', async () => {
      const f = fixtures.get('claimed')!;
      for (const [action, body] of [['unclaim', {}], ['complete', { outcome: 'accept' }]] as const) {
        const res = await act(s, 'dhm1.mediator', f.taskId, action, body);
        expect({ status: res.status, code: JSON.parse(res.text).code }).toEqual({ status: 409, code: 'TASK_CLAIMED' });
      }
      const t = await request(s.app).get(`/api/tasks/${encodeURIComponent(f.taskId)}`).set('Authorization', await s.auth('dhm1.mediator'));
      expect(t.body).toMatchObject({ state: 'CLAIMED', assignee: { name: '李明' }, actions: ['comment'] });
    });

    it('given that refusal, its detail is in Chinese by default (like every other message), and in English on request', async () => {
      const f = fixtures.get('claimed')!;
      // the holder's name is Chinese in both languages: judge the words around it
      const words = (res: request.Response) => String(JSON.parse(res.text).detail).replaceAll('李明', '');
      const zh = await act(s, 'dhm1.mediator', f.taskId, 'unclaim');
      expect(JSON.parse(zh.text)).toMatchObject({ status: 409, title: '操作冲突' });
      expect(words(zh)).toMatch(/[\u4e00-\u9fff]/);
      const en = await request(s.app).post(`/api/tasks/${encodeURIComponent(f.taskId)}/unclaim`).set('Authorization', await s.auth('dhm1.mediator')).set('Accept-Language', 'en').send({});
      expect(JSON.parse(en.text)).toMatchObject({ status: 409, title: 'Conflict' });
      expect(words(en)).not.toMatch(/[\u4e00-\u9fff]/);
    });
  });

  describe('problem+json messages are Chinese by default and English on request', () => {
    it('given no token, 401 says so in Chinese, and in English with Accept-Language: en', async () => {
      const zh = await request(s.app).get('/api/auth/me');
      expect(JSON.parse(zh.text)).toMatchObject({ status: 401, title: '未登录或登录已过期', detail: expect.stringContaining('需要登录') });
      expect(zh.headers['content-language']).toBe('zh-CN');
      const en = await request(s.app).get('/api/auth/me').set('Accept-Language', 'en');
      expect(JSON.parse(en.text)).toMatchObject({ status: 401, title: 'Unauthorized', detail: 'a bearer token is required in the Authorization header' });
      expect(en.headers['content-language']).toBe('en');
    });

    it('given an auditor who urges, 403 names the roles in Chinese, and in English with Accept-Language: en', async () => {
      const f = fixtures.get('accept')!;
      const zh = await request(s.app).post(`/api/cases/${f.caseId}/urge`).set('Authorization', await s.auth('dc.auditor')).send({});
      expect(JSON.parse(zh.text)).toMatchObject({ status: 403, title: '无权操作', detail: '需要以下角色之一：督办人员' });
      const en = await request(s.app).post(`/api/cases/${f.caseId}/urge`).set('Authorization', await s.auth('dc.auditor')).set('Accept-Language', 'en').send({});
      expect(JSON.parse(en.text)).toMatchObject({ status: 403, title: 'Forbidden', detail: 'requires one of the roles: supervisor', field: 'header.Authorization', code: 'ROLE_REQUIRED' });
    });

    it('given a case out of scope, 404 says it does not exist, in Chinese, and in English with ?lang=en', async () => {
      const f = fixtures.get('accept')!;
      const zh = await request(s.app).get(`/api/cases/${f.caseId}`).set('Authorization', await s.auth('xc.handler'));
      expect(JSON.parse(zh.text)).toMatchObject({ status: 404, title: '未找到', detail: `案件 ${f.caseId} 不存在`, field: 'path.id' });
      const en = await request(s.app).get(`/api/cases/${f.caseId}`).query({ lang: 'en' }).set('Authorization', await s.auth('xc.handler'));
      expect(JSON.parse(en.text)).toMatchObject({ status: 404, title: 'Not Found', detail: `case ${f.caseId} does not exist` });
    });
  });
});
