/** The API app on the real services, with a worker on its own task queue, and signed-in callers. */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import request from 'supertest';
import type { Express } from 'express';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app';
import { testServices } from './env';
import { startSuiteWorker, type SuiteWorker } from './worker';
import { inAppChannel } from '../../notify/channels';
import { LogSmsGateway, SmsChannel } from '../../notify/sms';
import { DeliveryWorker } from '../../notify/worker';

export const DEMO_PASSWORD = 'GridCase#2026';

export interface ApiSuite extends SuiteWorker {
  app: Express;
  attachmentDir: string;
  /** the notification delivery worker (notify/), with `deliver: true`: in-app, and SMS appended to `smsLog` */
  delivery?: DeliveryWorker;
  smsLog?: string;
  /** a bearer token of a demo account (cached per suite) */
  token(username: string): Promise<string>;
  /** "Bearer …" header value */
  auth(username: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * `deliver`: also run the notification delivery worker, as `npm start` does (in-app, and SMS to a log
 * file of the suite's own), so that what the case workflows notify reaches people's consoles.
 */
export async function startApiSuite(prefix: string, opts: { open311RateLimit?: number; consoleDir?: string; caseSearchLimit?: number; deliver?: boolean; callerCacheMs?: number } = {}): Promise<ApiSuite> {
  const w = await startSuiteWorker(prefix);
  const attachmentDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridcase-att-'));
  const smsLog = opts.deliver ? path.join(attachmentDir, 'sms.log') : undefined;
  const delivery = smsLog ? new DeliveryWorker({ prisma: w.prisma, channels: [inAppChannel, new SmsChannel(new LogSmsGateway(smsLog))], pollMs: 200, retryMs: 1000 }) : undefined;
  delivery?.start();
  const app = createApp({
    prisma: w.prisma,
    temporal: w.temporal,
    version: 'test',
    taskQueue: w.taskQueue,
    jwtSecret: 'test-secret-test-secret-test-secret-0123456789',
    attachmentDir,
    attachmentMaxBytes: 512 * 1024,
    open311RateLimit: opts.open311RateLimit ?? 1000,
    consoleDir: opts.consoleDir,
    auditKey: testServices().auditKey,
    caseSearchLimit: opts.caseSearchLimit,
    callerCacheMs: opts.callerCacheMs,
  });
  const tokens = new Map<string, Promise<string>>();
  const token = (username: string) => {
    let t = tokens.get(username);
    if (!t) {
      t = request(app)
        .post('/api/auth/token')
        .send({ username, password: DEMO_PASSWORD })
        .then((res) => {
          if (res.status !== 200) throw new Error(`sign-in of ${username} failed: ${res.status} ${res.text}`);
          return res.body.access_token as string;
        });
      tokens.set(username, t);
    }
    return t;
  };
  return {
    ...w,
    app,
    attachmentDir,
    delivery,
    smsLog,
    token,
    auth: async (u) => `Bearer ${await token(u)}`,
    close: async () => {
      await delivery?.stop();
      await w.stop();
      fs.rmSync(attachmentDir, { recursive: true, force: true });
    },
  };
}

/** Terminates the case workflows a suite started (those that already ended are skipped). */
export async function terminateCases(s: Pick<ApiSuite, 'temporal'>, ids: Iterable<string>): Promise<void> {
  for (const id of ids) await s.temporal.client.workflow.getHandle(id).terminate('test done').catch(() => undefined);
}

/** The app listening on an ephemeral loopback port (for clients that need a real socket: fetch, SSE, a browser). */
export async function listening(app: Express): Promise<{ base: string; close: () => Promise<void> }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** supertest requests of one signed-in demo account: `(await signedIn(s, 'admin')).get('/api/…')`. */
export async function signedIn(s: Pick<ApiSuite, 'app' | 'auth'>, username: string) {
  const auth = await s.auth(username);
  return {
    get: (p: string) => request(s.app).get(p).set('Authorization', auth),
    post: (p: string) => request(s.app).post(p).set('Authorization', auth),
    put: (p: string) => request(s.app).put(p).set('Authorization', auth),
    patch: (p: string) => request(s.app).patch(p).set('Authorization', auth),
    delete: (p: string) => request(s.app).delete(p).set('Authorization', auth),
  };
}
