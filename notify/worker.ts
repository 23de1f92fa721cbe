/**
 * The delivery worker: drains the `notifications` outbox. At least once, idempotent per row and
 * per channel, and safe with any number of workers on the same database:
 *
 * - **Claim** (a short transaction per channel): the due PENDING rows of a channel this worker has
 *   are read `FOR UPDATE SKIP LOCKED` (another worker's claim in progress is passed over, not
 *   waited for), and each gets `attempts + 1`, `claimedBy` = this worker and `nextAttemptAt` = the end of
 *   its lease. A worker that dies mid-delivery leaves the row to be claimed again when the lease ends.
 * - **Deliver** outside any transaction, through the row's channel (notify/channels.ts).
 * - **Record** the outcome only where the claim still holds (`claimedBy` and `attempts` unchanged):
 *   SENT (or SKIPPED, with the reason in `lastError`); after a failure PENDING again with
 *   `nextAttemptAt` = now + retryMs × 2^(attempt − 1) (at most maxRetryMs) and `lastError`, or
 *   FAILED after the last attempt (or at once when the channel says retrying cannot help).
 *
 * An IN_APP row's delivery is the row becoming SENT (then the API lists it and /api/events pushes
 * it); in the same transaction the worker writes one row for each other channel the person takes
 * this kind on (notify/settings.ts), keyed `<channel>:<row id>`, so each channel is delivered,
 * retried and recorded on its own, and delivering the in-app row again writes nothing twice.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { DeliveryError, type Delivery, type NotificationChannel, type Recipient } from './channels';
import { IN_APP } from './kinds';
import { channelKindsOf, channelsFor } from './settings';

export interface DeliveryWorkerOptions {
  prisma: PrismaClient;
  /** the channels this worker delivers; rows of other channels are left to workers that have them */
  channels: NotificationChannel[];
  /** pause between looks at the outbox when nothing was due, ms (default 1000) */
  pollMs?: number;
  /** attempts per row before it is FAILED (default 5) */
  maxAttempts?: number;
  /** pause after the first failure, doubled after each further one, ms (default 30 s) */
  retryMs?: number;
  /** longest pause between attempts, ms (default 1 h) */
  maxRetryMs?: number;
  /** how long a claim holds a row before another worker may take it, ms (default 60 s) */
  leaseMs?: number;
  /** rows of each channel claimed and delivered at a time (default 10) */
  batchSize?: number;
  /** names the worker in `claimedBy` (default host, pid and a random part) */
  id?: string;
  log?: (line: string) => void;
}

type Row = Prisma.NotificationGetPayload<object>;

const sqlTime = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');
const clip = (s: string) => (s.length > 500 ? `${s.slice(0, 499)}…` : s);

export class DeliveryWorker {
  readonly id: string;
  readonly pollMs: number;
  readonly maxAttempts: number;
  private readonly prisma: PrismaClient;
  private readonly channels: Map<string, NotificationChannel>;
  private readonly retryMs: number;
  private readonly maxRetryMs: number;
  private readonly leaseMs: number;
  private readonly batchSize: number;
  private readonly log: (line: string) => void;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private lastProblem = '';

  constructor(o: DeliveryWorkerOptions) {
    this.prisma = o.prisma;
    this.channels = new Map(o.channels.map((c) => [c.name, c]));
    if (!this.channels.size) throw new Error('a delivery worker needs at least one channel');
    this.pollMs = o.pollMs ?? 1000;
    this.maxAttempts = o.maxAttempts ?? 5;
    this.retryMs = o.retryMs ?? 30_000;
    this.maxRetryMs = o.maxRetryMs ?? 3_600_000;
    this.leaseMs = o.leaseMs ?? 60_000;
    this.batchSize = o.batchSize ?? 10;
    this.id = (o.id ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`).slice(0, 64);
    this.log = o.log ?? (() => undefined);
  }

  /** Starts draining in the background until stop(). */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Finishes the deliveries in hand (their outcome is recorded), then stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let claimed = 0;
      try {
        claimed = await this.drainOnce();
        this.lastProblem = '';
      } catch (e) {
        // the database is away for a moment: said once, then tried again at the next look
        const problem = (e as Error).message.split('\n')[0];
        if (problem !== this.lastProblem) this.log(`notification delivery: ${problem}`);
        this.lastProblem = problem;
      }
      if (claimed < this.batchSize * this.channels.size && !this.stopping) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.pollMs);
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }

  /** Claims a batch of due rows of each channel and delivers them; returns how many rows were claimed. */
  async drainOnce(): Promise<number> {
    const rows: Row[] = [];
    for (const channel of this.channels.keys()) rows.push(...(await this.claim(channel)));
    await Promise.all(rows.map((r) => this.deliver(r)));
    return rows.length;
  }

  /**
   * One channel at a time: on the index (status, channel, nextAttemptAt) the read walks exactly the
   * due rows of that channel in order and stops after the batch, so it locks nothing else (rows of
   * channels this worker does not have stay free for the workers that do).
   */
  private async claim(channel: string): Promise<Row[]> {
    const now = new Date();
    return this.prisma.$transaction(async (tx) => {
      const due = await tx.$queryRaw<{ id: bigint }[]>`
        SELECT id FROM notifications
        WHERE status = 'PENDING' AND channel = ${channel} AND nextAttemptAt <= ${sqlTime(now)}
        ORDER BY nextAttemptAt, id
        LIMIT ${this.batchSize}
        FOR UPDATE SKIP LOCKED`;
      if (!due.length) return [];
      const ids = due.map((d) => BigInt(d.id));
      await tx.notification.updateMany({ where: { id: { in: ids } }, data: { attempts: { increment: 1 }, claimedBy: this.id, nextAttemptAt: new Date(now.getTime() + this.leaseMs) } });
      return tx.notification.findMany({ where: { id: { in: ids } }, orderBy: { id: 'asc' } });
      // READ COMMITTED: no next-key lock on the row after the range (another channel's first due row)
    }, { isolationLevel: 'ReadCommitted' });
  }

  /** The claim still holds: this worker's, at this attempt, still PENDING. */
  private held(row: Row): Prisma.NotificationWhereInput {
    return { id: row.id, claimedBy: this.id, attempts: row.attempts, status: 'PENDING' };
  }

  private async deliver(row: Row): Promise<void> {
    if (row.attempts > this.maxAttempts) {
      await this.finish(row, { status: 'FAILED', lastError: clip(`the last attempt did not finish within its lease${row.lastError ? ` (before: ${row.lastError})` : ''}`) });
      return;
    }
    const channel = this.channels.get(row.channel)!;
    let outcome: Delivery;
    let recipient: Recipient | null = null;
    try {
      const user = row.userId === null ? null : await this.prisma.user.findUnique({ where: { id: row.userId }, select: { id: true, displayName: true, phone: true, active: true } });
      if (!user) outcome = { status: 'SKIPPED', reason: 'NO_RECIPIENT' };
      else if (!user.active) outcome = { status: 'SKIPPED', reason: 'ACCOUNT_DISABLED' };
      else {
        recipient = { userId: user.id, displayName: user.displayName, phone: user.phone?.trim() || null };
        outcome = await channel.deliver({ id: row.id, kind: row.kind, title: row.title, body: row.body, caseId: row.caseId, taskId: row.taskId, idempotencyKey: `notification-${row.id}` }, recipient);
      }
    } catch (e) {
      await this.failed(row, e);
      return;
    }
    try {
      if (outcome.status === 'SENT' && row.channel === IN_APP && recipient) await this.sentInApp(row, recipient);
      else await this.finish(row, outcome.status === 'SENT' ? { status: 'SENT', sentAt: new Date(), lastError: null } : { status: 'SKIPPED', lastError: outcome.reason });
    } catch (e) {
      // the outcome could not be written: the row is delivered again once its lease ends (at least once)
      this.log(`notification delivery: row ${row.id} delivered, its outcome not recorded: ${(e as Error).message.split('\n')[0]}`);
    }
  }

  /** In-app: SENT, and the person's other channels for this kind written as rows of their own. */
  private async sentInApp(row: Row, to: Recipient): Promise<void> {
    const others = channelsFor(await channelKindsOf(this.prisma, to.userId), row.kind).filter((c) => c !== IN_APP);
    await this.prisma.$transaction(async (tx) => {
      const done = await tx.notification.updateMany({ where: this.held(row), data: { status: 'SENT', sentAt: new Date(), claimedBy: null, lastError: null } });
      if (done.count === 0) return; // the lease ran out and another worker holds the row: its outcome stands
      if (!others.length) return;
      await tx.notification.createMany({
        data: others.map((channel) => ({
          dedupeKey: `${channel.toLowerCase()}:${row.id}`.slice(0, 191),
          userId: row.userId,
          orgUnitId: row.orgUnitId,
          caseId: row.caseId,
          taskId: row.taskId,
          channel,
          kind: row.kind,
          title: row.title,
          body: row.body,
          payload: { via: Number(row.id) },
        })),
        skipDuplicates: true,
      });
    });
  }

  private async finish(row: Row, data: Prisma.NotificationUpdateManyMutationInput): Promise<void> {
    await this.prisma.notification.updateMany({ where: this.held(row), data: { ...data, claimedBy: null } });
  }

  private async failed(row: Row, e: unknown): Promise<void> {
    const message = clip(e instanceof Error ? e.message : String(e));
    const last = row.attempts >= this.maxAttempts || (e instanceof DeliveryError && e.permanent);
    const wait = Math.min(this.retryMs * 2 ** (row.attempts - 1), this.maxRetryMs);
    try {
      await this.finish(row, last ? { status: 'FAILED', lastError: message } : { lastError: message, nextAttemptAt: new Date(Date.now() + wait) });
    } catch {
      // not recorded: the lease ends and the row is tried again
    }
    if (last) this.log(`notification ${row.id} (${row.channel}) FAILED after ${row.attempts} attempt(s): ${message}`);
  }
}
