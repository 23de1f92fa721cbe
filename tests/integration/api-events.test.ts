/** GET /api/events: a handler's inbox updates without polling. */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { startApiSuite, type ApiSuite } from '../support/api';
import { act, inboxTask, reportAs } from '../support/api-flow';

interface SseEvent {
  id?: string;
  event?: string;
  data?: unknown;
}

/** Reads server-sent events from a fetch response body until `done` says so or the time is up. */
async function readEvents(body: ReadableStream<Uint8Array>, done: (events: SseEvent[]) => boolean, timeoutMs = 15_000): Promise<SseEvent[]> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buf = '';
  const timer = setTimeout(() => void reader.cancel(), timeoutMs);
  while (!done(events)) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    buf += decoder.decode(value, { stream: true });
    let i;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const e: SseEvent = {};
      for (const line of block.split('\n')) {
        if (line.startsWith('id: ')) e.id = line.slice(4);
        else if (line.startsWith('event: ')) e.event = line.slice(7);
        else if (line.startsWith('data: ')) e.data = JSON.parse(line.slice(6));
      }
      if (e.event) events.push(e);
    }
  }
  clearTimeout(timer);
  await reader.cancel();
  return events;
}

describe('GET /api/events', () => {
  let s: ApiSuite;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    s = await startApiSuite('api-events');
    server = s.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await s.close();
  });

  it('given a handler listening, a new report in his community arrives as a task event, and his claim as a change', async () => {
    const res = await fetch(`${base}/api/events`, { headers: { Authorization: await s.auth('dhm1.handler') } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const c = await reportAs(s, 'wangfang');
    const events = await readEvents(res.body!, (ev) => ev.some((e) => (e.data as { task: { caseId: string } }).task.caseId === c.id));
    expect(events.some((e) => (e.data as { task: { caseId: string } }).task.caseId === c.id)).toBe(true);
    const mine = events.filter((e) => (e.data as { task: { caseId: string } }).task.caseId === c.id);
    expect(mine[0]).toMatchObject({ event: 'task', data: { change: 'new', task: { elementId: 'Task_Accept', state: 'OPEN' } } });
    expect(Number(mine[0].id)).toBeGreaterThan(0);

    // reconnecting with Last-Event-ID resumes after that event: the claim shows as a change
    const t = await inboxTask(s, 'dhm1.handler', c.id, 'Task_Accept');
    expect((await act(s, 'dhm1.handler', t.id, 'claim')).status).toBe(200);
    const again = await fetch(`${base}/api/events`, { headers: { Authorization: await s.auth('dhm1.handler'), 'Last-Event-ID': mine[0].id! } });
    const later = await readEvents(again.body!, (ev) => ev.some((e) => (e.data as { task: { state: string; caseId: string } }).task.caseId === c.id && (e.data as { task: { state: string } }).task.state === 'CLAIMED'));
    expect(later.length).toBeGreaterThan(0);
    expect(later.find((e) => (e.data as { task: { caseId: string } }).task.caseId === c.id)).toMatchObject({ event: 'task', data: { change: 'changed', task: { state: 'CLAIMED' } } });
    await s.temporal.client.workflow.getHandle(c.id).terminate('test done');
  });

  it('given a handler of another district, the report never reaches his stream', async () => {
    const res = await fetch(`${base}/api/events?access_token=${await s.token('xc.handler')}`);
    expect(res.status).toBe(200);
    const c = await reportAs(s, 'wangfang');
    await inboxTask(s, 'dhm1.handler', c.id, 'Task_Accept');
    // the community handler's stream got it meanwhile; the other district's stream stays silent
    const seen = await readEvents(res.body!, () => false, 2000);
    expect(seen.filter((e) => (e.data as { task: { caseId: string } }).task.caseId === c.id)).toEqual([]);
    await s.temporal.client.workflow.getHandle(c.id).terminate('test done');
  });

  it('given no token, answers 401', async () => {
    const res = await fetch(`${base}/api/events`);
    expect(res.status).toBe(401);
  });
});
