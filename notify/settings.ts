/**
 * Each person's channels per kind (table notification_settings: one row per person and channel,
 * holding the kinds sent through it). In-app is always on and has no row; a channel without a
 * row has its defaults (DEFAULT_SMS_KINDS for SMS).
 */
import type { PrismaClient } from '../generated/prisma/client';
import { DEFAULT_SMS_KINDS, NOTIFICATION_KINDS, SMS, type NotificationKind } from './kinds';

type Db = Pick<PrismaClient, 'notificationSetting'>;

/** channel → the kinds it carries, for one person (channels without a row at their defaults). */
export type ChannelKinds = Record<string, NotificationKind[]>;

const DEFAULTS: ChannelKinds = { [SMS]: DEFAULT_SMS_KINDS };

const asKinds = (v: unknown): NotificationKind[] => (Array.isArray(v) ? NOTIFICATION_KINDS.filter((k) => v.includes(k)) : []);

export async function channelKindsOf(db: Db, userId: number): Promise<ChannelKinds> {
  const rows = await db.notificationSetting.findMany({ where: { userId }, select: { channel: true, kinds: true } });
  const out: ChannelKinds = { ...DEFAULTS };
  for (const r of rows) out[r.channel] = asKinds(r.kinds);
  return out;
}

/** The channels besides in-app that carry this kind to the person. */
export function channelsFor(kinds: ChannelKinds, kind: string): string[] {
  return Object.entries(kinds)
    .filter(([, ks]) => (ks as string[]).includes(kind))
    .map(([channel]) => channel)
    .sort();
}
