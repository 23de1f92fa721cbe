/**
 * The caller's own notifications (the in-app rows the delivery worker has delivered: SENT, or READ
 * once read) and their channel settings. Nobody reads or marks another person's: such an id is a
 * 404, as an unknown one is.
 */
import type { Prisma } from '../../generated/prisma/client';
import { CHOOSABLE_CHANNELS, IN_APP, NOTIFICATION_KINDS, SMS, type NotificationKind } from '../../notify/kinds';
import { channelKindsOf } from '../../notify/settings';
import type { Caller } from '../auth/caller';
import type { ApiDeps } from '../deps';
import { notFound, text } from './errors';
import { apiIdOrNull } from '../http/ids';
import { listPage, type ListOrder } from '../http/paging';

export interface NotificationListQuery {
  unread?: boolean;
  kind?: NotificationKind[];
  cursor?: string;
  limit?: number;
}

const select = { id: true, kind: true, title: true, body: true, caseId: true, taskId: true, status: true, createdAt: true, sentAt: true, readAt: true } satisfies Prisma.NotificationSelect;
type Row = Prisma.NotificationGetPayload<{ select: typeof select }>;

/** newest first; the id is unique and follows the order rows were written */
const ORDER: ListOrder = { name: 'notifications', keys: [{ field: 'id', dir: 'desc', kind: 'int' }] };

export function notificationView(n: Row) {
  return {
    id: Number(n.id),
    kind: n.kind,
    title: n.title,
    body: n.body,
    caseId: n.caseId,
    taskId: apiIdOrNull(n.taskId),
    status: n.status as 'SENT' | 'READ',
    createdAt: n.createdAt.toISOString(),
    sentAt: n.sentAt?.toISOString() ?? null,
    readAt: n.readAt?.toISOString() ?? null,
  };
}
export type NotificationView = ReturnType<typeof notificationView>;

/** The caller's delivered in-app notifications. */
function own(c: Caller): Prisma.NotificationWhereInput {
  return { userId: c.userId, channel: IN_APP, status: { in: ['SENT', 'READ'] } };
}

export async function unreadCount(deps: Pick<ApiDeps, 'prisma'>, userId: number): Promise<number> {
  return deps.prisma.notification.count({ where: { userId, channel: IN_APP, status: 'SENT' } });
}

export async function listNotifications(deps: ApiDeps, c: Caller, q: NotificationListQuery) {
  const where: Prisma.NotificationWhereInput = { ...own(c), ...(q.unread ? { status: 'SENT' } : {}), ...(q.kind?.length ? { kind: { in: q.kind } } : {}) };
  // keyset on the id alone (newest first); a cursor holds an INT-range id, as every list's does
  const page = await listPage(q, ORDER, 20, (after, take) => deps.prisma.notification.findMany({ where: { AND: [where, after] }, select, orderBy: { id: 'desc' }, take }).then((rows) => rows.map(notificationView)));
  return {
    items: page.items,
    nextCursor: page.nextCursor,
    unread: await unreadCount(deps, c.userId),
  };
}

const missing = () => notFound('id', text('通知不存在', 'no such notification'));

/** Marks one of the caller's notifications read (again: no change); answers it with the unread count. */
export async function readNotification(deps: ApiDeps, c: Caller, id: number) {
  const key = BigInt(id);
  await deps.prisma.notification.updateMany({ where: { id: key, ...own(c), status: 'SENT' }, data: { status: 'READ', readAt: new Date() } });
  const row = await deps.prisma.notification.findFirst({ where: { id: key, ...own(c) }, select });
  if (!row) throw missing();
  return { notification: notificationView(row), unread: await unreadCount(deps, c.userId) };
}

/** Marks the caller's unread notifications read (of some kinds, up to an id): how many, and what stays unread. */
export async function readAllNotifications(deps: ApiDeps, c: Caller, body: { kind?: NotificationKind[]; upTo?: number }) {
  const { count } = await deps.prisma.notification.updateMany({
    where: { ...own(c), status: 'SENT', ...(body.kind?.length ? { kind: { in: body.kind } } : {}), ...(body.upTo ? { id: { lte: BigInt(body.upTo) } } : {}) },
    data: { status: 'READ', readAt: new Date() },
  });
  return { read: count, unread: await unreadCount(deps, c.userId) };
}

/** The caller's channels: in-app (every kind, always) and SMS (the kinds chosen, and whether it can reach them). */
export async function notificationSettings(deps: ApiDeps, c: Caller) {
  const [kinds, user] = await Promise.all([channelKindsOf(deps.prisma, c.userId), deps.prisma.user.findUniqueOrThrow({ where: { id: c.userId }, select: { phone: true } })]);
  const phone = user.phone?.trim() || null;
  return {
    phone: phone ? maskPhone(phone) : null,
    kinds: [...NOTIFICATION_KINDS],
    channels: [
      { channel: IN_APP, kinds: [...NOTIFICATION_KINDS], editable: false, reachable: true },
      ...CHOOSABLE_CHANNELS.map((channel) => ({ channel, kinds: kinds[channel] ?? [], editable: true, reachable: channel === SMS ? phone !== null : true })),
    ],
  };
}

export async function saveNotificationSettings(deps: ApiDeps, c: Caller, body: { channels: { channel: string; kinds: NotificationKind[] }[] }) {
  await deps.prisma.$transaction(
    body.channels.map((ch) => {
      const kinds = NOTIFICATION_KINDS.filter((k) => ch.kinds.includes(k));
      return deps.prisma.notificationSetting.upsert({ where: { userId_channel: { userId: c.userId, channel: ch.channel } }, create: { userId: c.userId, channel: ch.channel, kinds }, update: { kinds } });
    }),
  );
  return notificationSettings(deps, c);
}

/** 13812345678 → 138****5678: the page says where SMS go without showing the whole number. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\s/g, '');
  return digits.length >= 7 ? `${digits.slice(0, 3)}****${digits.slice(-4)}` : '****';
}

export interface NotificationEvent {
  id: string;
  event: 'notification';
  data: { notification: NotificationView; unread: number };
}

/**
 * What one event stream has pushed of its caller's notifications. A delivery's time (sentAt) is
 * taken before its transaction commits, and on a busy database the commit can come seconds later:
 * each look therefore reads back `LOOKBACK_MS` before the previous look's end and skips what it
 * already pushed, so a late commit is pushed late rather than never.
 */
export interface NotificationCursor {
  /** nothing before this (the stream's start, or the Last-Event-ID it resumed from) */
  start: Date;
  /** the end of the previous look */
  upTo: Date;
  /** ids pushed, with their delivery time (forgotten once out of the look-back) */
  pushed: Map<string, number>;
}

export const LOOKBACK_MS = 15_000;

/**
 * For /api/events: the caller's in-app notifications delivered since the previous look up to `upTo`
 * and not pushed yet, each with the unread count as it is now; the event id is the delivery time.
 */
export async function notificationEventsSince(deps: Pick<ApiDeps, 'prisma'>, userId: number, cursor: NotificationCursor, upTo: Date, max = 200): Promise<NotificationEvent[]> {
  const from = new Date(Math.max(cursor.start.getTime(), cursor.upTo.getTime() - LOOKBACK_MS));
  for (const [id, at] of cursor.pushed) if (at <= from.getTime()) cursor.pushed.delete(id);
  const rows = await deps.prisma.notification.findMany({
    where: { userId, channel: IN_APP, status: { in: ['SENT', 'READ'] }, sentAt: { gt: from, lte: upTo }, ...(cursor.pushed.size ? { id: { notIn: [...cursor.pushed.keys()].map(BigInt) } } : {}) },
    select,
    orderBy: [{ sentAt: 'asc' }, { id: 'asc' }],
    take: max,
  });
  // a full batch: the next look goes on from its last delivery
  cursor.upTo = rows.length === max ? rows[rows.length - 1].sentAt! : upTo;
  if (!rows.length) return [];
  for (const r of rows) cursor.pushed.set(String(r.id), r.sentAt!.getTime());
  const unread = await unreadCount(deps, userId);
  return rows.map((r) => ({ id: String(r.sentAt!.getTime()), event: 'notification', data: { notification: notificationView(r), unread } }));
}
