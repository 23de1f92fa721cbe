/**
 * Idempotency-Key on the writes: a retry with the same key and the same request is answered with
 * the first answer (Idempotent-Replayed: true) and acts once; the same key with another request is
 * a 422; a failed request leaves no record, so it can be corrected and retried with its key; two
 * identical requests racing with one key make one case. Keys belong to the caller: the same key
 * from two people is two requests.
 */
import crypto from 'node:crypto';
import request from 'supertest';
import { startApiSuite, terminateCases, type ApiSuite } from '../support/api';
import { act, inboxTask, PNG_1x1 } from '../support/api-flow';
import { wangfangGrid } from '../support/cases';
import { formatCaseNumber, parseCaseNumber } from '../../domain/case-number';
import { uniqueSuffix } from '../support/env';

const MARKER = `idem-${uniqueSuffix()}`;

describe('Idempotency-Key', () => {
  let s: ApiSuite;
  let where: { lat: number; lng: number };
  let n = 0;
  /** a key of this suite, and a description only this test uses */
  const fresh = () => {
    n += 1;
    return { key: `${MARKER}-k${n}`, description: `${MARKER}-d${n} 东华门大街12号门前井盖缺失` };
  };
  const report = (description: string) => ({ category: 'SS01', description, location: { lat: where.lat, lng: where.lng, address: '东华门大街12号' } });
  const postCase = async (key: string, body: unknown, user = 'wangfang') =>
    request(s.app)
      .post('/api/cases')
      .set('Authorization', await s.auth(user))
      .set('Idempotency-Key', key)
      .send(body as object);
  /** 王芳's report as multipart with these photos (a.png, b.png, …), under the key. */
  const reportWithPhotos = async (key: string, description: string, photos: Buffer[]) => {
    const req = request(s.app).post('/api/cases').set('Authorization', await s.auth('wangfang')).set('Idempotency-Key', key).field('case', JSON.stringify(report(description)));
    photos.forEach((photo, i) => req.attach('photos', photo, { filename: `${String.fromCharCode(97 + i)}.png`, contentType: 'image/png' }));
    return req;
  };
  const casesWith = (description: string) => s.prisma.case.count({ where: { description } });
  const records = (key: string) => s.prisma.idempotencyRecord.findMany({ where: { key } });

  /** A fresh case of 王芳's grid, its Task_Accept offered to the community handler. */
  async function acceptTask() {
    const { description } = fresh();
    const res = await request(s.app).post('/api/cases').set('Authorization', await s.auth('wangfang')).send(report(description));
    if (res.status !== 201) throw new Error(`report failed: ${res.status} ${res.text}`);
    return { caseId: res.body.id as string, taskId: (await inboxTask(s, 'dhm1.handler', res.body.id, 'Task_Accept')).id };
  }

  async function events(caseId: string, action: string, taskId: string) {
    const h = await request(s.app).get(`/api/cases/${caseId}/history`).set('Authorization', await s.auth('dc.auditor'));
    // history rows name their task in the API's form, as the inbox does
    return (h.body.events as { action: string; taskId: string | null }[]).filter((e) => e.action === action && e.taskId === taskId);
  }

  beforeAll(async () => {
    s = await startApiSuite('api-idempotency');
    where = await wangfangGrid(s.prisma);
  });

  afterAll(async () => {
    if (!s) return;
    const mine = await s.prisma.case.findMany({ where: { description: { contains: MARKER } }, select: { id: true } });
    await terminateCases(s, mine.map((c) => c.id));
    await s.close();
  });

  describe('reports (POST /api/cases)', () => {
    it('given the API died mid-report after starting the case (record left running, its lease over), a retry with the key finishes that case: same number, no second case', async () => {
      const { key, description } = fresh();
      const first = await postCase(key, report(description));
      expect(first.status).toBe(201);
      // what a kill -9 between starting the workflow and storing the answer leaves behind
      await s.prisma.idempotencyRecord.updateMany({ where: { key }, data: { status: null, response: undefined, completedAt: null, leaseUntil: new Date(Date.now() - 1) } });
      const retry = await postCase(key, report(description));
      expect(retry.status).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBeUndefined();
      expect(retry.body.id).toBe(first.body.id);
      expect(await casesWith(description)).toBe(1);
      expect(await records(key)).toEqual([expect.objectContaining({ status: 201, resourceId: first.body.id })]);
    });

    it('given the API died mid-report with a photo after the case opened, a retry with the key is answered by that case through the same opened update: same status, deadline and attachments, one case', async () => {
      const { key, description } = fresh();
      const photo = Buffer.concat([PNG_1x1, crypto.randomBytes(8)]);
      const send = () => reportWithPhotos(key, description, [photo]);
      const first = await send();
      expect(first.status).toBe(201);
      // the answer comes once the workflow has written the row and its first task: no polling behind it
      const row = await s.prisma.case.findUniqueOrThrow({ where: { id: first.body.id }, select: { status: true, dueAt: true } });
      expect(first.body.dueAt).not.toBeNull();
      expect(first.body).toMatchObject({ status: row.status, dueAt: row.dueAt?.toISOString() });
      // what a kill -9 between opening the case and storing the answer leaves behind
      await s.prisma.idempotencyRecord.updateMany({ where: { key }, data: { status: null, response: undefined, completedAt: null, leaseUntil: new Date(Date.now() - 1) } });
      const retry = await send();
      expect(retry.status).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBeUndefined();
      const same = (b: Record<string, unknown>) => ({ id: b.id, status: b.status, statusLabel: b.statusLabel, dueAt: b.dueAt, attachments: b.attachments, processVersion: b.processVersion, grid: b.grid });
      expect(same(retry.body)).toEqual(same(first.body));
      expect(await casesWith(description)).toBe(1);
      expect(await s.prisma.attachment.count({ where: { caseId: first.body.id } })).toBe(1);
      // the retry's opened update had the first one's id: the history holds it once
      const history = await s.temporal.client.workflow.getHandle(first.body.id).fetchHistory();
      const opened = (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'opened');
      expect(opened).toHaveLength(1);
    });

    it('given the next case number is already another workflow (the counter lags), the report takes a free number: the other workflow receives no update, and no row is written under its number', async () => {
      const { key, description } = fresh();
      const before = await postCase(fresh().key, report(fresh().description));
      expect(before.status).toBe(201);
      const n = parseCaseNumber(before.body.id)!;
      // a foreign workflow (no worker polls its queue) at the next number not yet taken
      let foreign = '';
      for (let i = 1; !foreign; i++) {
        const id = formatCaseNumber(n.prefix, n.day, n.n + i);
        if (await s.prisma.case.count({ where: { id } })) continue;
        await s.temporal.client.workflow
          .start('notACase', { workflowId: id, taskQueue: `${MARKER}-nobody`, args: [] })
          .then(() => (foreign = id))
          .catch(() => undefined);
      }
      try {
        const res = await postCase(key, report(description));
        expect(res.status).toBe(201);
        expect(res.body.id).not.toBe(foreign);
        expect(await casesWith(description)).toBe(1);
        expect(await s.prisma.case.count({ where: { id: foreign } })).toBe(0);
        const history = await s.temporal.client.workflow.getHandle(foreign).fetchHistory();
        expect((history.events ?? []).filter((e) => e.workflowExecutionUpdateAdmittedEventAttributes || e.workflowExecutionUpdateAcceptedEventAttributes)).toEqual([]);
      } finally {
        await terminateCases(s, [foreign]);
      }
    });

    it('given a report whose first attempt still holds its lease, a retry is 409 IDEMPOTENCY_IN_PROGRESS with Retry-After, and no second case', async () => {
      const { key, description } = fresh();
      const first = await postCase(key, report(description));
      expect(first.status).toBe(201);
      await s.prisma.idempotencyRecord.updateMany({ where: { key }, data: { status: null, completedAt: null, leaseUntil: new Date(Date.now() + 5_000) } });
      const busy = await postCase(key, report(description));
      expect(busy.status).toBe(409);
      expect(JSON.parse(busy.text)).toMatchObject({ code: 'IDEMPOTENCY_IN_PROGRESS', field: 'header.Idempotency-Key' });
      expect(busy.headers['retry-after']).toBe('1');
      expect(await casesWith(description)).toBe(1);
    });

    it('given the same report twice with the same key, one case is made and the second answer is the first, replayed', async () => {
      const { key, description } = fresh();
      const first = await postCase(key, report(description));
      expect(first.status).toBe(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const second = await postCase(key, report(description));
      expect(second.status).toBe(201);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.text).toBe(first.text);
      expect(second.headers.location).toBe(first.headers.location);
      expect(second.headers['content-type']).toMatch(/^application\/json/);
      expect(await casesWith(description)).toBe(1);
      expect(await records(key)).toEqual([expect.objectContaining({ status: 201, target: 'POST /api/cases' })]);
    });

    it('given a report with photos sent twice with the same key, one case with one set of attachments', async () => {
      const { key, description } = fresh();
      const photos = [Buffer.concat([PNG_1x1, crypto.randomBytes(8)]), Buffer.concat([PNG_1x1, crypto.randomBytes(8)])];
      const send = () => reportWithPhotos(key, description, photos);
      const first = await send();
      expect(first.status).toBe(201);
      const second = await send();
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.text).toBe(first.text);
      expect(await s.prisma.attachment.count({ where: { caseId: first.body.id } })).toBe(2);
      // the same key with other photos is another request
      const other = await request(s.app)
        .post('/api/cases')
        .set('Authorization', await s.auth('wangfang'))
        .set('Idempotency-Key', key)
        .field('case', JSON.stringify(report(description)))
        .attach('photos', photos[0], { filename: 'a.png', contentType: 'image/png' });
      expect(other.status).toBe(422);
      expect(await casesWith(description)).toBe(1);
    });

    it('given the same key with a different body, 422 naming header.Idempotency-Key, and no second case', async () => {
      const { key, description } = fresh();
      expect((await postCase(key, report(description))).status).toBe(201);
      const changed = await postCase(key, { ...report(description), severity: 2 });
      expect(changed.status).toBe(422);
      expect(changed.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(changed.text)).toMatchObject({ status: 422, field: 'header.Idempotency-Key', code: 'IDEMPOTENCY_KEY_REUSED', title: '内容无法处理', detail: '该 Idempotency-Key 已用于另一个请求' });
      expect(await casesWith(description)).toBe(1);
    });

    it('given a key used for a report, the same key on another endpoint is refused with 422, in English when asked', async () => {
      const { key, description } = fresh();
      const created = await postCase(key, report(description));
      expect(created.status).toBe(201);
      const elsewhere = await request(s.app)
        .post(`/api/cases/${created.body.id}/attachments`)
        .set('Authorization', await s.auth('wangfang'))
        .set('Idempotency-Key', key)
        .set('Accept-Language', 'en')
        .attach('photos', PNG_1x1, { filename: 'a.png', contentType: 'image/png' });
      expect(JSON.parse(elsewhere.text)).toMatchObject({ status: 422, field: 'header.Idempotency-Key', title: 'Unprocessable Content', detail: 'this Idempotency-Key was used for a different request' });
    });

    it('given two different keys, two cases are made', async () => {
      const a = fresh();
      const b = fresh();
      const first = await postCase(a.key, report(a.description));
      const second = await postCase(b.key, report(a.description));
      expect([first.status, second.status]).toEqual([201, 201]);
      expect(second.headers['idempotent-replayed']).toBeUndefined();
      expect(second.body.id).not.toBe(first.body.id);
      expect(await casesWith(a.description)).toBe(2);
    });

    it('given the same key from two people, each gets a case of their own (keys belong to the caller)', async () => {
      const { key, description } = fresh();
      const hers = await postCase(key, report(description), 'wangfang');
      const his = await postCase(key, report(description), 'zhaomin');
      expect([hers.status, his.status]).toEqual([201, 201]);
      expect(his.headers['idempotent-replayed']).toBeUndefined();
      expect(his.body.id).not.toBe(hers.body.id);
      expect(await casesWith(description)).toBe(2);
    });

    it('given a request that fails (422: outside every grid), no record is kept, and the corrected retry with the same key succeeds', async () => {
      const { key, description } = fresh();
      const wrong = await postCase(key, { ...report(description), location: { lat: 0, lng: 0 } });
      expect(wrong.status).toBe(422);
      expect(JSON.parse(wrong.text)).toMatchObject({ field: 'body.location', code: 'OUTSIDE_GRIDS' });
      expect(await records(key)).toEqual([]);
      const corrected = await postCase(key, report(description));
      expect(corrected.status).toBe(201);
      expect(corrected.headers['idempotent-replayed']).toBeUndefined();
      expect(await casesWith(description)).toBe(1);
    });

    it.each([1, 2, 3])('given two identical reports racing with the same key (round %i), exactly one case; the other answer is the replay or 409 IDEMPOTENCY_IN_PROGRESS', async () => {
      const { key, description } = fresh();
      const answers = await Promise.all([postCase(key, report(description)), postCase(key, report(description))]);
      expect(await casesWith(description)).toBe(1);
      const made = answers.filter((r) => r.status === 201 && r.headers['idempotent-replayed'] === undefined);
      expect(made).toHaveLength(1);
      const other = answers.find((r) => r !== made[0])!;
      if (other.status === 201) {
        expect(other.headers['idempotent-replayed']).toBe('true');
        expect(other.text).toBe(made[0].text);
      } else {
        expect(other.status).toBe(409);
        expect(other.headers['retry-after']).toBe('1');
        expect(JSON.parse(other.text)).toMatchObject({ field: 'header.Idempotency-Key', code: 'IDEMPOTENCY_IN_PROGRESS' });
      }
    });

    it.each([
      ['with a space', 'two words'],
      ['of 129 characters', 'k'.repeat(129)],
      ['that is empty', ''],
    ])('given a key %s, 400 naming header.Idempotency-Key and no case', async (_what, key) => {
      const { description } = fresh();
      const res = await postCase(key, report(description));
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text)).toMatchObject({ field: 'header.Idempotency-Key' });
      expect(await casesWith(description)).toBe(0);
    });
  });

  describe('task actions', () => {
    it('given a claim sent twice with the same key, both answers are 200 and the history holds one claim', async () => {
      const t = await acceptTask();
      const { key } = fresh();
      const first = await act(s, 'dhm1.handler', t.taskId, 'claim', {}, key);
      const second = await act(s, 'dhm1.handler', t.taskId, 'claim', {}, key);
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.text).toBe(first.text);
      expect(await events(t.caseId, 'claim', t.taskId)).toHaveLength(1);
      // without the key, a second claim is a second request
      expect((await act(s, 'dhm1.mediator', t.taskId, 'claim')).status).toBe(409);
    });

    it('given a completion sent twice with the same key, one completion; a new key then finds the task done (409)', async () => {
      const t = await acceptTask();
      const { key } = fresh();
      const first = await act(s, 'dhm1.handler', t.taskId, 'complete', { outcome: 'accept' }, key);
      const second = await act(s, 'dhm1.handler', t.taskId, 'complete', { outcome: 'accept' }, key);
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(second.text).toBe(first.text);
      expect(first.body.task).toMatchObject({ state: 'COMPLETED', outcome: 'accept' });
      expect(await events(t.caseId, 'complete', t.taskId)).toHaveLength(1);
      const again = await act(s, 'dhm1.handler', t.taskId, 'complete', { outcome: 'accept' }, fresh().key);
      expect(again.status).toBe(409);
      expect(JSON.parse(again.text)).toMatchObject({ code: 'TASK_NOT_ACTIVE' });
    });

    it('given two identical claims racing with the same key, one claim; the other answer is the replay or 409 IDEMPOTENCY_IN_PROGRESS', async () => {
      const t = await acceptTask();
      const { key } = fresh();
      const answers = await Promise.all([act(s, 'dhm1.handler', t.taskId, 'claim', {}, key), act(s, 'dhm1.handler', t.taskId, 'claim', {}, key)]);
      expect(answers.map((r) => r.status).sort()).toEqual(expect.arrayContaining([200]));
      for (const r of answers) {
        if (r.status !== 200) expect(JSON.parse(r.text)).toMatchObject({ status: 409, code: 'IDEMPOTENCY_IN_PROGRESS' });
      }
      expect(await events(t.caseId, 'claim', t.taskId)).toHaveLength(1);
    });

    it('given a refused completion (422: an outcome the step lacks) with a key, the corrected retry with that key completes the task', async () => {
      const t = await acceptTask();
      const { key } = fresh();
      const wrong = await act(s, 'dhm1.handler', t.taskId, 'complete', { outcome: 'done' }, key);
      expect(wrong.status).toBe(422);
      expect(await records(key)).toEqual([]);
      const right = await act(s, 'dhm1.handler', t.taskId, 'complete', { outcome: 'accept' }, key);
      expect(right.status).toBe(200);
      expect(right.body.task).toMatchObject({ state: 'COMPLETED', outcome: 'accept' });
    });

    it('given the stored answer of a claim is lost, a retry with the same key still claims once (the key is the workflow update id)', async () => {
      const t = await acceptTask();
      const { key } = fresh();
      expect((await act(s, 'dhm1.handler', t.taskId, 'claim', {}, key)).status).toBe(200);
      await s.prisma.idempotencyRecord.deleteMany({ where: { key } });
      const retry = await act(s, 'dhm1.handler', t.taskId, 'claim', {}, key);
      expect(retry.status).toBe(200);
      expect(retry.body.task).toMatchObject({ state: 'CLAIMED', assignee: { name: '李明' } });
      expect(await events(t.caseId, 'claim', t.taskId)).toHaveLength(1);
    });

    it('given the stored answer of a completion is lost (the API died before saving it), a retry with the same key is answered like the first, not 409', async () => {
      const t = await acceptTask();
      const { key } = fresh();
      const first = await act(s, 'dhm1.handler', t.taskId, 'complete', { outcome: 'accept' }, key);
      expect(first.status).toBe(200);
      await s.prisma.idempotencyRecord.deleteMany({ where: { key } });
      const retry = await act(s, 'dhm1.handler', t.taskId, 'complete', { outcome: 'accept' }, key);
      expect(await events(t.caseId, 'complete', t.taskId)).toHaveLength(1);
      expect({ status: retry.status, task: retry.body.task }).toMatchObject({ status: 200, task: { state: 'COMPLETED', outcome: 'accept' } });
    });
  });
});
