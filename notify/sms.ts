/**
 * SMS through a gateway adapter. The in-repo adapter (`log`, the default) appends each message to a
 * file as one JSON line { at, phone, text, key }; a real provider plugs in by configuration
 * (`http`: each message POSTed as JSON to GRIDCASE_SMS_HTTP_URL with the secret as a bearer token
 * and the row's idempotency key, so a provider that honours it sends a retried message once).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../platform/config';
import { DeliveryError, type Delivery, type NotificationChannel, type OutboundMessage, type Recipient } from './channels';
import { SMS } from './kinds';

export interface ShortMessage {
  phone: string;
  text: string;
  /** stable per outbox row: the same message retried carries the same key */
  key: string;
}

export interface SmsGateway {
  /** how the gateway is described in the start-up line */
  readonly description: string;
  /** resolves once the provider accepted the message; throws DeliveryError (permanent or not) otherwise */
  send(sms: ShortMessage): Promise<void>;
}

/** Appends every message to a file: the default, for development, demos and tests. */
export class LogSmsGateway implements SmsGateway {
  constructor(readonly file: string) {}
  get description() {
    return `log (${this.file})`;
  }
  async send(sms: ShortMessage): Promise<void> {
    await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
    await fs.promises.appendFile(this.file, `${JSON.stringify({ at: new Date().toISOString(), phone: sms.phone, text: sms.text, key: sms.key })}\n`, 'utf8');
  }
}

/**
 * POSTs `{ phone, text, key }` as JSON to a provider's endpoint (or a small relay in front of one)
 * with `Authorization: Bearer <secret>` and `Idempotency-Key: <key>`. 2xx: sent; 4xx other than
 * 408 and 429: the provider refused this message (permanent); anything else, or no answer within
 * the timeout: retried.
 */
export class HttpSmsGateway implements SmsGateway {
  constructor(
    readonly url: string,
    private readonly secret: string | undefined,
    private readonly timeoutMs = 10_000,
  ) {}
  get description() {
    return `http (${new URL(this.url).origin})`;
  }
  async send(sms: ShortMessage): Promise<void> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': sms.key, ...(this.secret ? { Authorization: `Bearer ${this.secret}` } : {}) },
        body: JSON.stringify(sms),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new DeliveryError(`SMS gateway unreachable: ${(e as Error).message}`);
    }
    const answer = (await res.text().catch(() => '')).slice(0, 200);
    if (res.ok) return;
    const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
    throw new DeliveryError(`SMS gateway answered ${res.status}${answer ? `: ${answer}` : ''}`, permanent);
  }
}

export function smsGatewayFrom(cfg: Config['notify']['sms']): SmsGateway {
  return cfg.gateway === 'http' ? new HttpSmsGateway(cfg.url, cfg.secret) : new LogSmsGateway(cfg.logFile);
}

/** Longest text sent (about four concatenated messages of 70 Chinese characters). */
const MAX_TEXT = 280;
const SIGNATURE = '【网格化管理】';

const ISO = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})\b/g;
/** the times the case workflow writes into a text (ISO 8601, UTC) as Beijing time: 2026-12-04 19:13 */
const beijing = (iso: string) => {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
};

export function smsText(m: Pick<OutboundMessage, 'title' | 'body'>): string {
  const text = `${SIGNATURE}${m.title}：${m.body}`.replace(ISO, beijing).replace(/\s+/g, ' ').trim();
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

/** The SMS channel: a person without a phone number is skipped (recorded on the row, not a failure). */
export class SmsChannel implements NotificationChannel {
  constructor(
    readonly gateway: SmsGateway,
    /** the outbox's channel value (tests give it another, so that only their own worker takes their rows) */
    readonly name: string = SMS,
  ) {}
  async deliver(message: OutboundMessage, to: Recipient): Promise<Delivery> {
    if (!to.phone) return { status: 'SKIPPED', reason: 'NO_PHONE' };
    await this.gateway.send({ phone: to.phone, text: smsText(message), key: message.idempotencyKey });
    return { status: 'SENT' };
  }
}
