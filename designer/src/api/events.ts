/**
 * The API's event stream (GET /api/events, Server-Sent Events) for the whole tab: ONE EventSource,
 * shared by every page and component that listens (the inbox's `task` and `overdue`, the
 * notification centre's `notification` …); subscribe by event name:
 *
 *   onUnmounted(onStreamEvent('notification', (data) => …));
 *   onUnmounted(onStreamOpen(() => reload()));   // (re)connected: fetch what may have been missed
 *
 * It opens while someone is signed in and something listens, and closes on sign-out and when the
 * last listener leaves. EventSource reconnects by itself after a network error (the server's
 * `retry: 3000`, resuming with Last-Event-ID); a stream the server refused or ended (an expired
 * token, a disabled account, a restart) is opened again here after a growing pause, once the
 * session is checked (a 401 there signs the tab out, see client.ts). EventSource cannot send
 * headers, so the token goes as `?access_token=` (the API accepts it on this route only).
 */
import { reactive, watch } from 'vue';
import { session } from '../session/session';
import { api } from './client';

/** The events /api/events sends (schema/openapi: inboxEvents). */
export type StreamEventName = 'task' | 'overdue' | 'notification' | 'scope' | 'end' | (string & {});
export type StreamListener = (data: unknown, event: MessageEvent<string>) => void;

/** The stream's state, for a page that wants to say "live" or "reconnecting". */
export const stream = reactive({ state: 'closed' as 'closed' | 'connecting' | 'open' });

const listeners = new Map<string, Set<StreamListener>>();
const openListeners = new Set<() => void>();
let source: EventSource | null = null;
/** event names listened to on the current source */
let attached = new Set<string>();
let retry: ReturnType<typeof setTimeout> | undefined;
const FIRST_PAUSE = 1000;
let pause = FIRST_PAUSE;

function dispatch(name: string, e: MessageEvent<string>): void {
  let data: unknown = e.data;
  try {
    data = JSON.parse(e.data);
  } catch {
    /* not JSON: passed on as text */
  }
  for (const l of [...(listeners.get(name) ?? [])]) l(data, e);
}

function attach(name: string): void {
  if (!source || attached.has(name)) return;
  attached.add(name);
  source.addEventListener(name, (e) => dispatch(name, e as MessageEvent<string>));
}

const wanted = () => !!session.token && (listeners.size > 0 || openListeners.size > 0);

function close(): void {
  clearTimeout(retry);
  retry = undefined;
  source?.close();
  source = null;
  attached = new Set();
  stream.state = 'closed';
}

/** Opens again after a pause, if the session is still good (checking it signs a stale tab out). */
function reopenLater(): void {
  close();
  const wait = pause;
  pause = Math.min(pause * 2, 60_000);
  retry = setTimeout(() => {
    void api
      .GET('/api/auth/me')
      .catch(() => undefined)
      .finally(() => {
        if (wanted()) open();
      });
  }, wait);
}

function open(): void {
  if (source || !wanted()) return;
  clearTimeout(retry);
  const es = new EventSource(`/api/events?access_token=${encodeURIComponent(session.token!)}`);
  source = es;
  stream.state = 'connecting';
  for (const name of listeners.keys()) attach(name);
  // the account was disabled (or the server ends the stream for another reason): not a network error
  attach('end');
  es.addEventListener('end', () => reopenLater());
  es.onopen = () => {
    stream.state = 'open';
    pause = FIRST_PAUSE;
    for (const l of [...openListeners]) l();
  };
  es.onerror = () => {
    // CONNECTING: EventSource retries by itself; CLOSED: the server refused it (401, 5xx)
    if (es.readyState === EventSource.CLOSED) reopenLater();
    else stream.state = 'connecting';
  };
}

/** Listens to one event of the stream (opening it if needed); returns the function that stops listening. */
export function onStreamEvent(name: StreamEventName, listener: StreamListener): () => void {
  let set = listeners.get(name);
  if (!set) listeners.set(name, (set = new Set()));
  set.add(listener);
  if (source) attach(name);
  else open();
  return () => {
    set.delete(listener);
    if (!set.size) listeners.delete(name);
    if (!wanted()) close();
  };
}

/** Called each time the stream (re)opens: the moment to fetch what changed while it was away. */
export function onStreamOpen(listener: () => void): () => void {
  openListeners.add(listener);
  open();
  return () => {
    openListeners.delete(listener);
    if (!wanted()) close();
  };
}

// a new sign-in (another token) gets a stream of its own; signing out closes it
watch(
  () => session.token,
  () => {
    close();
    pause = FIRST_PAUSE;
    open();
  },
);
window.addEventListener('gridcase:signed-out', close);
