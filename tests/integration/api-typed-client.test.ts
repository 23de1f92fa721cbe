/**
 * The OpenAPI document cannot drift from the code: story 1 (the closed loop) told through a client
 * generated from the document the API serves (openapi-typescript types in generated/openapi, calls
 * by openapi-fetch) against the app listening on an ephemeral port, with every answer checked
 * against the schema the document gives for its operation and status (ajv, draft 2020-12).
 */
import fs from 'node:fs';
import path from 'node:path';
import { listening, startApiSuite, DEMO_PASSWORD, type ApiSuite } from '../support/api';
import { wangfangGrid } from '../support/cases';
import { must, typedClient, type Checked } from '../support/typed-client';

type Client = ReturnType<typeof typedClient>;
type Doc = Parameters<typeof typedClient>[1];

describe('a client generated from the served OpenAPI document', () => {
  let s: ApiSuite;
  let stop: () => Promise<void>;
  let base: string;
  let doc: Doc;
  const checked: Checked[] = [];
  const clients = new Map<string, Client>();

  beforeAll(async () => {
    s = await startApiSuite('api-typed');
    ({ base, close: stop } = await listening(s.app));
  });
  afterAll(async () => {
    await stop();
    await s.close();
  });

  /** The typed client of a signed-in demo account (signing in through the typed client too). */
  async function as(username: string): Promise<Client> {
    let c = clients.get(username);
    if (!c) {
      const anonymous = typedClient(base, doc, checked);
      const signedIn = must(await anonymous.POST('/api/auth/token', { body: { username, password: DEMO_PASSWORD } }));
      c = typedClient(base, doc, checked, signedIn.access_token);
      clients.set(username, c);
    }
    return c;
  }

  /** Waits until the caller's inbox holds an active task of the element for the case. */
  async function inboxTask(username: string, caseId: string, elementId: string) {
    const api = await as(username);
    for (const until = Date.now() + 20_000; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
      const page = must(await api.GET('/api/tasks', { params: { query: { caseId } } }));
      const t = page.items.find((x) => x.elementId === elementId && (x.state === 'OPEN' || x.state === 'CLAIMED'));
      if (t) return t;
    }
    throw new Error(`no ${elementId} in ${username}'s inbox for ${caseId}`);
  }

  /** claim, then complete: the answers name the task (its id safe in a path) and the next open tasks. */
  async function claimAndComplete(username: string, caseId: string, elementId: string, body: { outcome?: string; data?: Record<string, unknown> } = {}) {
    const api = await as(username);
    const t = await inboxTask(username, caseId, elementId);
    if (t.state === 'OPEN') expect(must(await api.POST('/api/tasks/{id}/claim', { params: { path: { id: t.id } }, body: {} })).task?.state).toBe('CLAIMED');
    const done = must(await api.POST('/api/tasks/{id}/complete', { params: { path: { id: t.id } }, body }));
    expect(done.task).toMatchObject({ id: t.id, state: 'COMPLETED' });
    return done;
  }

  it('is the document the types were generated from', async () => {
    // given the document the API serves, read through the typed client itself
    const served = must(await typedClient(base, { paths: {}, components: { responses: {} } }, []).GET('/openapi.json'));
    doc = served as unknown as Doc;
    // then it is an OpenAPI 3.1 document, and the one generated/openapi/schema.d.ts was generated from (no stale types)
    expect(served.openapi).toMatch(/^3\.1\./);
    const generated = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../generated/openapi/openapi.json'), 'utf8')) as unknown;
    expect(served).toEqual(generated);
  });

  it('story 1 through the typed client: reported by 王芳, accepted, registered, dispatched and handled by the community, verified and closed; every answer as documented', async () => {
    const g = await wangfangGrid(s.prisma);
    const wangfang = await as('wangfang');
    const handler = await as('dhm1.handler');
    const auditor = await as('dc.auditor');

    // given 王芳 reports a missing manhole cover in her grid
    const created = must(await wangfang.POST('/api/cases', { body: { category: 'SS01', description: '东华门大街12号门前井盖缺失', location: { lat: g.lat, lng: g.lng, address: '东华门大街12号' } } }));
    expect(created).toMatchObject({ grid: { id: g.gridId }, category: 'SS01', processVersion: { key: 'standard-closed-loop' } });
    const id = created.id;
    expect(must(await wangfang.GET('/api/auth/me')).username).toBe('wangfang');

    // when the community handler claims and completes 受理, 立案, 派遣 and 处置
    const accepted = await claimAndComplete('dhm1.handler', id, 'Task_Accept', { outcome: 'accept' });
    expect(accepted.openTasks.map((t) => t.elementId)).toEqual(['Task_Register']);
    await claimAndComplete('dhm1.handler', id, 'Task_Register');
    await claimAndComplete('dhm1.handler', id, 'Task_Dispatch');
    const handling = await inboxTask('dhm1.handler', id, 'Task_Handle');
    expect(must(await handler.GET('/api/tasks/{id}', { params: { path: { id: handling.id } } })).formSchema).toMatchObject({ required: ['feedback'] });
    expect(must(await handler.GET('/api/cases/{id}', { params: { path: { id } } })).activeTasks.map((t) => t.id)).toEqual([handling.id]);
    await claimAndComplete('dhm1.handler', id, 'Task_Handle', { outcome: 'done', data: { feedback: '已更换新井盖' } });

    // and 王芳 verifies the fix
    await claimAndComplete('wangfang', id, 'Task_Verify', { outcome: 'pass' });

    // then the case closes at village tier
    let detail = must(await wangfang.GET('/api/cases/{id}', { params: { path: { id } } }));
    for (let i = 0; i < 100 && detail.status !== 'CLOSED'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      detail = must(await wangfang.GET('/api/cases/{id}', { params: { path: { id } } }));
    }
    expect(detail).toMatchObject({ status: 'CLOSED', closedTier: 'VILLAGE', activeTasks: [] });
    // (other suites may report as 王芳 meanwhile: the case number narrows her list to this case)
    const mine = must(await wangfang.GET('/api/cases', { params: { query: { reportedByMe: true, q: id, limit: 5 } } }));
    expect(mine.items.map((c) => c.id)).toEqual([id]);
    const history = must(await auditor.GET('/api/cases/{id}/history', { params: { path: { id } } }));
    if (typeof history === 'string') throw new Error('the history came as CSV');
    expect(history.events.map((e) => e.action)).toEqual(expect.arrayContaining(['report', 'claim', 'complete', 'end']));
    expect(must(await auditor.GET('/api/cases/{id}/history/verify', { params: { path: { id } } })).intact).toBe(true);
    expect(must(await handler.GET('/api/tasks', { params: { query: { caseId: id, state: ['COMPLETED'] } } })).items.length).toBeGreaterThanOrEqual(5);
    expect(must(await (await as('dhm.supervisor')).GET('/api/approvals', { params: { query: { caseId: id } } })).items).toEqual([]);
    expect(must(await wangfang.POST('/api/cases/{id}/rating', { params: { path: { id } }, body: { score: 5, comment: '处理及时' } }))).toMatchObject({ score: 5 });
    // a refusal is documented too (problem+json)
    expect((await handler.POST('/api/tasks/{id}/claim', { params: { path: { id: handling.id } }, body: {} })).response.status).toBe(409);

    // and every answer matched the schema the document gives for it
    expect(checked.filter((c) => c.errors.length)).toEqual([]);
    expect(checked.filter((c) => c.schema === null)).toEqual([]);
    const operations = new Set(checked.map((c) => c.operation.replace(/ \d+$/, '')));
    expect([...operations]).toEqual(
      expect.arrayContaining(['POST /api/cases', 'GET /api/cases', 'GET /api/cases/{id}', 'GET /api/cases/{id}/history', 'GET /api/tasks', 'GET /api/tasks/{id}', 'POST /api/tasks/{id}/claim', 'POST /api/tasks/{id}/complete', 'GET /api/approvals', 'POST /api/cases/{id}/rating']),
    );
  });

  it('the administration lists, the audit log and checkpoints and the process model, read through the typed client, are as documented', async () => {
    const admin = await as('admin');
    const before = checked.length;
    const processes = must(await admin.GET('/api/admin/processes', { params: { query: { limit: 2 } } }));
    expect(processes.items.length).toBeGreaterThan(0);
    must(await admin.GET('/api/admin/processes/{key}/versions', { params: { path: { key: 'standard-closed-loop' } } }));
    const model = must(await admin.GET('/api/admin/processes/{key}/versions/{version}/model', { params: { path: { key: 'standard-closed-loop', version: 1 } } }));
    expect(model.format).toBe(1);
    must(await admin.GET('/api/admin/categories', { params: { query: { limit: 3 } } }));
    must(await admin.GET('/api/admin/org-units', { params: { query: { limit: 3 } } }));
    must(await admin.GET('/api/admin/grids', { params: { query: { limit: 3 } } }));
    must(await admin.GET('/api/admin/departments', { params: { query: { limit: 3 } } }));
    must(await admin.GET('/api/admin/users', { params: { query: { limit: 3 } } }));
    must(await admin.GET('/api/admin/calendar', { params: { query: { from: '2026-10-01', to: '2026-10-07' } } }));
    must(await admin.GET('/api/admin/audit', { params: { query: { limit: 3 } } }));
    const dc = await s.prisma.orgUnit.findFirstOrThrow({ where: { casePrefix: 'DC' }, select: { id: true } });
    must(await admin.GET('/api/admin/audit/checkpoints', { params: { query: { district: dc.id, limit: 3 } } }));
    expect(checked.length - before).toBe(11);
    expect(checked.filter((c) => c.errors.length || c.schema === null)).toEqual([]);
  });
});
