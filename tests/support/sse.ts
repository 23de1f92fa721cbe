/** Reading a Server-Sent Events response (GET /api/events) in tests, as an EventSource would. */

export interface SseEvent {
  id?: string;
  event?: string;
  data?: unknown;
}

/**
 * Reads one stream incrementally: each `next(match)` consumes events until one matches, the
 * stream ends or the time is up (then null); `waitFor(match)` is the same but throws instead of
 * giving null. `seen` holds every event read so far.
 */
export function sseStream(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const seen: SseEvent[] = [];
  let buf = '';
  let ended = false;
  /** a read still outstanding when a wait gave up: the next wait takes its chunk, so none is lost */
  let pending: ReturnType<typeof reader.read> | null = null;
  /** Reads until `enough()` holds, the stream ends or the time is up; says whether `enough()` holds. */
  const until = async (enough: () => boolean, timeoutMs = 15_000): Promise<boolean> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (enough()) return true;
      if (ended || Date.now() > deadline) return false;
      pending ??= reader.read();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const r = await Promise.race([pending, new Promise<null>((res) => (timer = setTimeout(() => res(null), Math.max(1, deadline - Date.now()))))]);
      clearTimeout(timer);
      if (!r) return enough();
      pending = null;
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
  const next = async (match: (e: SseEvent) => boolean, timeoutMs = 15_000): Promise<SseEvent | null> =>
    (await until(() => seen.some(match), timeoutMs)) ? seen.find(match)! : null;
  const waitFor = async (match: (e: SseEvent) => boolean, timeoutMs = 30_000): Promise<SseEvent> => {
    const hit = await next(match, timeoutMs);
    if (hit) return hit;
    throw new Error(ended ? 'the stream ended' : `no matching event within ${timeoutMs} ms; saw ${JSON.stringify(seen.map((e) => e.event))}`);
  };
  return { next, waitFor, until, seen, ended: () => ended, close: () => reader.cancel().catch(() => undefined) };
}

/** Reads a whole stream's events until `done` says so or the time is up, then closes it. */
export async function readEvents(body: ReadableStream<Uint8Array>, done: (events: SseEvent[]) => boolean, timeoutMs = 15_000): Promise<SseEvent[]> {
  const stream = sseStream(body);
  await stream.until(() => done(stream.seen), timeoutMs);
  await stream.close();
  return stream.seen;
}
