/**
 * The tab's notification centre: the unread count and the newest notifications, kept live from the
 * event stream (`event: notification` carries the notification and the unread count) and fetched
 * again whenever the stream (re)opens, so nothing delivered while it was away is missed. The bell
 * and the page /notifications share it, so reading in one shows in the other.
 */
import { reactive, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { ElMessage } from 'element-plus';
import type { components } from '@generated/openapi/schema';
import { api, ok, problemText } from '../../api/client';
import { onStreamEvent, onStreamOpen } from '../../api/events';
import { holds } from '../../session/session';

export type NotificationItem = components['schemas']['Notification'];
export type NotificationKind = components['schemas']['NotificationKind'];
type Pushed = components['schemas']['NotificationEvent'];

export const KINDS: NotificationKind[] = ['URGE', 'SUPERVISE', 'OVERDUE', 'REMINDER', 'NOTICE', 'APPROVAL', 'TASK'];

/** how many the bell lists */
const RECENT = 8;

export const centre = reactive({
  unread: 0,
  recent: [] as NotificationItem[],
  loaded: false,
  error: '',
});

/** What changed, for a list of its own (the page): one delivered, one read, all read up to an id. */
export type CentreChange = { delivered: NotificationItem } | { read: NotificationItem } | { readAllUpTo: number | null };
const listeners = new Set<(c: CentreChange) => void>();
export function onCentreChange(listener: (c: CentreChange) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
const emit = (c: CentreChange) => [...listeners].forEach((l) => l(c));

export async function refresh(): Promise<void> {
  try {
    const page = ok(await api.GET('/api/notifications', { params: { query: { limit: RECENT } } }));
    centre.recent = page.items;
    centre.unread = page.unread;
    centre.loaded = true;
    centre.error = '';
  } catch (e) {
    centre.error = e instanceof Error ? e.message : String(e);
  }
}

function delivered(data: unknown): void {
  const { notification, unread } = data as Pushed;
  centre.unread = unread;
  centre.recent = [notification, ...centre.recent.filter((n) => n.id !== notification.id)].slice(0, RECENT);
  emit({ delivered: notification });
}

let users = 0;
let stops: (() => void)[] = [];
/** Keeps the centre live while something shows it (the bell, for as long as someone is signed in). */
export function useCentre(): () => void {
  users += 1;
  if (users === 1) {
    stops = [onStreamEvent('notification', delivered), onStreamOpen(() => void refresh())];
    void refresh();
  }
  return () => {
    users -= 1;
    if (users === 0) {
      stops.forEach((s) => s());
      stops = [];
      centre.recent = [];
      centre.unread = 0;
      centre.loaded = false;
    }
  };
}

export async function markRead(n: NotificationItem): Promise<NotificationItem> {
  const r = ok(await api.POST('/api/notifications/{id}/read', { params: { path: { id: n.id } } }));
  centre.unread = r.unread;
  centre.recent = centre.recent.map((x) => (x.id === n.id ? r.notification : x));
  emit({ read: r.notification });
  return r.notification;
}

/** 全部已读: up to the newest one this tab knows, so one delivered meanwhile stays unread. */
export async function markAllRead(newestSeen?: number): Promise<number> {
  const known = Math.max(newestSeen ?? 0, ...centre.recent.map((n) => n.id));
  const upTo = known > 0 ? known : null;
  const r = ok(await api.POST('/api/notifications/read-all', { body: upTo ? { upTo } : {} }));
  centre.unread = r.unread;
  const at = new Date().toISOString();
  centre.recent = centre.recent.map((n) => (n.status === 'SENT' && (!upTo || n.id <= upTo) ? { ...n, status: 'READ', readAt: at } : n));
  emit({ readAllUpTo: upTo });
  return r.read;
}

/**
 * 标为已读 and 全部已读 as the bell and the page offer them: a refusal said in a message, 全部已读's
 * progress in `readingAll`. `newestSeen` names the newest notification the caller lists beyond the
 * centre's own. Call it in a component's setup.
 */
export function useReadActions(newestSeen?: () => number) {
  const { t } = useI18n();
  const readingAll = ref(false);
  async function read(n: NotificationItem): Promise<void> {
    try {
      await markRead(n);
    } catch (e) {
      ElMessage.error(t('notifications.actionFailed', { reason: problemText(e) }));
    }
  }
  async function readAll(): Promise<void> {
    readingAll.value = true;
    try {
      await markAllRead(newestSeen?.());
      ElMessage.success(t('notifications.readAllDone'));
    } catch (e) {
      ElMessage.error(t('notifications.actionFailed', { reason: problemText(e) }));
    } finally {
      readingAll.value = false;
    }
  }
  return { read, readAll, readingAll };
}

/**
 * Where a notification leads: the task in the inbox for people who work an inbox (催办, 督办,
 * reminders and new tasks are about their tasks), otherwise the case page.
 */
export function linkOf(n: NotificationItem): string | null {
  if (n.taskId && ['TASK', 'URGE', 'REMINDER', 'SUPERVISE'].includes(n.kind) && holds('HANDLER', 'DISPATCHER', 'GRID_WORKER')) return `/inbox?task=${encodeURIComponent(n.taskId)}`;
  if (n.caseId) return `/cases/${encodeURIComponent(n.caseId)}`;
  return null;
}

/** The colour of a kind's tag: what asks to act now stands out. */
export function kindTag(kind: string): 'danger' | 'warning' | 'primary' | 'success' | 'info' {
  if (kind === 'SUPERVISE' || kind === 'OVERDUE') return 'danger';
  if (kind === 'URGE' || kind === 'REMINDER') return 'warning';
  if (kind === 'TASK') return 'primary';
  if (kind === 'APPROVAL') return 'success';
  return 'info';
}

/** "3 分钟前": minutes, hours, then days. */
export function ago(iso: string | null, t: (key: string, named?: Record<string, unknown>) => string, now = Date.now()): string {
  if (!iso) return '';
  const s = Math.max(0, (now - Date.parse(iso)) / 1000);
  if (s < 60) return t('notifications.ago.now');
  if (s < 3600) return t('notifications.ago.m', { n: Math.floor(s / 60) });
  if (s < 86400) return t('notifications.ago.h', { n: Math.floor(s / 3600) });
  return t('notifications.ago.d', { n: Math.floor(s / 86400) });
}

const ISO = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})\b/g;

/** A notification's text with the times the case workflow wrote in it (ISO 8601) shown as people read them. */
export function readable(text: string): string {
  return text.replace(ISO, (iso) => {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? iso : d.toLocaleString('zh-CN', { hour12: false, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
  });
}
