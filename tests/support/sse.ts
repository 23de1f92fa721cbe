/** Reading a Server-Sent Events response (GET /api/events) in tests, as an EventSource would. */

export interface SseEvent {
  id?: string;
  event?: string;
  data?: unknown;
}

/**
 * Reads one stream incrementally: each `next(match)` consumes events until one matches, the
 * stream ends or the time is up (then null). `seen` holds every event read so far.
 */
export function sseStream(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const seen: SseEvent[] = [];
  let buf = '';
  let ended = false;
  const next = async (match: (e: SseEvent) => boolean, timeoutMs = 15_000): Promise<SseEvent | null> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const hit = seen.find(match);
      if (hit) return hit;
      if (ended || Date.now() > until) return null;
      const timer = new Promise<{ timeout: true }>((r) => setTimeout(() => r({ timeout: true }), Math.max(1, until - Date.now())));
      const r = await Promise.race([reader.read(), timer]);
      if ('timeout' in r) return seen.find(match) ?? null;
      if (r.done) {
        ended = true;
        continue;
      }
      buf += decoder.decode(r.value, { stream: true });
      let k;
      while ((k = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, k);
        buf = buf.slice(k + 2);
        const e: SseEvent = {};
        for (const line of block.split('\n')) {
          if (line.startsWith('id: ')) e.id = line.slice(4);
          else if (line.startsWith('event: ')) e.event = line.slice(7);
          else if (line.startsWith('data: ')) e.data = JSON.parse(line.slice(6));
        }
        if (e.event) seen.push(e);
      }
    }
  };
  return { next, seen, ended: () => ended, close: () => reader.cancel().catch(() => undefined) };
}
