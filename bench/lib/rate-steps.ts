/**
 * Open-loop steps at rising rates ("sustained for 60 s at rising load until latency breaks"):
 * like openLoop in load.ts, but a step stops issuing as soon as `stop()` names a reason (e.g. the
 * backlog already shows the step is broken), so an overloaded step does not run on for its full
 * length piling up work the machine cannot do.
 */
import type { LoopResult } from './load';

export async function openLoopUntil<T>(
  opts: { ratePerSecond: number; durationMs: number; stop: (state: { inFlight: number; started: number; elapsedMs: number }) => string | undefined },
  op: (i: number) => Promise<T>,
): Promise<LoopResult<T> & { started: number; stoppedBecause?: string }> {
  const t0 = performance.now();
  const ok: T[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let inFlight = 0;
  let stoppedBecause: string | undefined;
  const running: Promise<void>[] = [];
  const total = Math.round((opts.ratePerSecond * opts.durationMs) / 1000);
  let started = 0;
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / opts.ratePerSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    stoppedBecause = opts.stop({ inFlight, started, elapsedMs: performance.now() - t0 });
    if (stoppedBecause) break;
    inFlight += 1;
    started += 1;
    running.push(
      op(i)
        .then(
          (v) => {
            ok.push(v);
          },
          (e: Error) => {
            errors += 1;
            if (errorSamples.length < 5) errorSamples.push(e.message.slice(0, 300));
          },
        )
        .finally(() => {
          inFlight -= 1;
        }),
    );
  }
  await Promise.all(running);
  return { elapsedMs: performance.now() - t0, ok, errors, errorSamples, started, stoppedBecause };
}
