/** Load shapes: closed loops (N callers, each as fast as it can) and open loops (a fixed arrival rate). */

export interface LoopResult<T> {
  elapsedMs: number;
  ok: T[];
  errors: number;
  /** the first few error messages, for the notes */
  errorSamples: string[];
}

/** `concurrency` callers repeat `op` until `durationMs` has passed (or `count` operations started). */
export async function closedLoop<T>(opts: { concurrency: number; durationMs?: number; count?: number }, op: (i: number) => Promise<T>): Promise<LoopResult<T>> {
  const t0 = performance.now();
  const ok: T[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let started = 0;
  const more = () => (opts.count === undefined || started < opts.count) && (opts.durationMs === undefined || performance.now() - t0 < opts.durationMs);
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (more()) {
        const i = started++;
        try {
          ok.push(await op(i));
        } catch (e) {
          errors += 1;
          if (errorSamples.length < 5) errorSamples.push((e as Error).message.slice(0, 300));
        }
      }
    }),
  );
  return { elapsedMs: performance.now() - t0, ok, errors, errorSamples };
}

/** Starts `op` at `ratePerSecond` for `durationMs` regardless of how long each takes; waits for all. */
export async function openLoop<T>(opts: { ratePerSecond: number; durationMs: number; maxInFlight?: number }, op: (i: number) => Promise<T>): Promise<LoopResult<T> & { dropped: number }> {
  const t0 = performance.now();
  const ok: T[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let dropped = 0;
  let inFlight = 0;
  const running: Promise<void>[] = [];
  const total = Math.round((opts.ratePerSecond * opts.durationMs) / 1000);
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / opts.ratePerSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (opts.maxInFlight !== undefined && inFlight >= opts.maxInFlight) {
      dropped += 1;
      continue;
    }
    inFlight += 1;
    running.push(
      op(i).then(
        (v) => {
          ok.push(v);
        },
        (e: Error) => {
          errors += 1;
          if (errorSamples.length < 5) errorSamples.push(e.message.slice(0, 300));
        },
      ).finally(() => {
        inFlight -= 1;
      }),
    );
  }
  await Promise.all(running);
  return { elapsedMs: performance.now() - t0, ok, errors, errorSamples, dropped };
}

export const sleep = (msec: number) => new Promise<void>((r) => setTimeout(r, msec));
