/** The notification channels' configuration and the SMS gateway adapters, without a database. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig } from '../../platform/config';
import { DeliveryError } from '../../notify/channels';
import { HttpSmsGateway, LogSmsGateway, SmsChannel, smsGatewayFrom, smsText, type ShortMessage, type SmsGateway } from '../../notify/sms';

describe('notification configuration', () => {
  it('given nothing set, the worker looks every second, tries 5 times from 30 s apart, and SMS go to .data/logs/sms.log', () => {
    const cfg = loadConfig({}, '/srv/gc');
    expect(cfg.notify).toEqual({ pollMs: 1000, maxAttempts: 5, retryMs: 30_000, sms: { gateway: 'log', logFile: '/srv/gc/.data/logs/sms.log' } });
    expect(smsGatewayFrom(cfg.notify.sms)).toBeInstanceOf(LogSmsGateway);
  });

  it('given GRIDCASE_SMS_LOG and the poll interval, they are used', () => {
    const cfg = loadConfig({ GRIDCASE_SMS_LOG: 'var/sms.jsonl', GRIDCASE_NOTIFY_POLL_MS: '250', GRIDCASE_NOTIFY_MAX_ATTEMPTS: '3', GRIDCASE_NOTIFY_RETRY_MS: '1000' }, '/srv/gc');
    expect(cfg.notify).toEqual({ pollMs: 250, maxAttempts: 3, retryMs: 1000, sms: { gateway: 'log', logFile: '/srv/gc/var/sms.jsonl' } });
  });

  it('given GRIDCASE_SMS_GATEWAY=http, the provider URL is required and the secret read', () => {
    expect(() => loadConfig({ GRIDCASE_SMS_GATEWAY: 'http' }, '/x')).toThrow(new ConfigError('GRIDCASE_SMS_HTTP_URL', 'is required with GRIDCASE_SMS_GATEWAY=http: the provider endpoint the messages are POSTed to'));
    expect(() => loadConfig({ GRIDCASE_SMS_GATEWAY: 'http', GRIDCASE_SMS_HTTP_URL: 'ftp://sms.example' }, '/x')).toThrow(/GRIDCASE_SMS_HTTP_URL: must be an http\(s\) URL/);
    const cfg = loadConfig({ GRIDCASE_SMS_GATEWAY: 'http', GRIDCASE_SMS_HTTP_URL: 'https://sms.example/send', GRIDCASE_SMS_HTTP_SECRET: 's3cret' }, '/x');
    expect(cfg.notify.sms).toEqual({ gateway: 'http', url: 'https://sms.example/send', secret: 's3cret' });
    expect(smsGatewayFrom(cfg.notify.sms)).toBeInstanceOf(HttpSmsGateway);
  });

  it('given an unknown gateway or a bad interval, the variable is named', () => {
    expect(() => loadConfig({ GRIDCASE_SMS_GATEWAY: 'aliyun' }, '/x')).toThrow(/^GRIDCASE_SMS_GATEWAY: must be log or http/);
    expect(() => loadConfig({ GRIDCASE_NOTIFY_POLL_MS: '0' }, '/x')).toThrow(/^GRIDCASE_NOTIFY_POLL_MS: must be a positive integer/);
  });
});

describe('the SMS channel', () => {
  const message = { id: 7n, kind: 'URGE', title: '催办：处置', body: '案件 DC-20261204-00001 请尽快办理。', caseId: 'DC-20261204-00001', taskId: null, idempotencyKey: 'notification-7' };

  it('given a person without a phone, it skips them without calling the gateway', async () => {
    const sent: ShortMessage[] = [];
    const gateway: SmsGateway = { description: 'test', send: async (m) => void sent.push(m) };
    expect(await new SmsChannel(gateway).deliver(message, { userId: 1, displayName: '李明', phone: null })).toEqual({ status: 'SKIPPED', reason: 'NO_PHONE' });
    expect(sent).toEqual([]);
    expect(await new SmsChannel(gateway).deliver(message, { userId: 1, displayName: '李明', phone: '13800001111' })).toEqual({ status: 'SENT' });
    expect(sent).toEqual([{ phone: '13800001111', text: '【网格化管理】催办：处置：案件 DC-20261204-00001 请尽快办理。', key: 'notification-7' }]);
  });

  it('writes the times in a text as Beijing time', () => {
    expect(smsText({ title: '督办：处置', body: '案件 DC-20261204-00001 的任务「处置」已超期（时限 2026-12-04T19:13:47.577Z），请督办。' })).toBe('【网格化管理】督办：处置：案件 DC-20261204-00001 的任务「处置」已超期（时限 2026-12-05 03:13），请督办。');
  });

  it('keeps a text on one line and at most 280 characters', () => {
    const long = smsText({ title: '通知', body: `第一行\n${'很长'.repeat(300)}` });
    expect(long).toHaveLength(280);
    expect(long).not.toContain('\n');
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('the HTTP SMS gateway', () => {
  let server: http.Server;
  let url: string;
  let answer = 200;
  const seen: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        res.writeHead(answer, { 'Content-Type': 'text/plain' }).end(answer === 200 ? 'ok' : 'no');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  const sms = { phone: '13800001111', text: '【网格化管理】督办：处置', key: 'notification-9' };

  it('posts the message as JSON with the secret and the idempotency key', async () => {
    answer = 200;
    await new HttpSmsGateway(url, 'the-secret').send(sms);
    const last = seen[seen.length - 1];
    expect(JSON.parse(last.body)).toEqual(sms);
    expect(last.headers).toMatchObject({ 'content-type': 'application/json', authorization: 'Bearer the-secret', 'idempotency-key': 'notification-9' });
  });

  it('given the provider is down (503), the failure is retried; given it refuses the message (400), retrying cannot help', async () => {
    answer = 503;
    const down = await new HttpSmsGateway(url, undefined).send(sms).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(DeliveryError);
    expect(down).toMatchObject({ permanent: false, message: 'SMS gateway answered 503: no' });
    answer = 400;
    expect(await new HttpSmsGateway(url, undefined).send(sms).catch((e: unknown) => e)).toMatchObject({ permanent: true });
    answer = 429;
    expect(await new HttpSmsGateway(url, undefined).send(sms).catch((e: unknown) => e)).toMatchObject({ permanent: false });
  });

  it('given nothing answers, the failure is retried', async () => {
    const nobody = await new HttpSmsGateway('http://127.0.0.1:1/sms', undefined, 2000).send(sms).catch((e: unknown) => e);
    expect(nobody).toBeInstanceOf(DeliveryError);
    expect(nobody).toMatchObject({ permanent: false });
    expect((nobody as Error).message).toMatch(/^SMS gateway unreachable/);
  });
});
