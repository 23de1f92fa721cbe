/**
 * What the `baseline` and `intake` sections share: the closed-loop plan both throughput
 * measurements use (so the ratio compares like with like), and the shape of the baseline's numbers
 * in ctx.shared.baseline.
 */
import { CpuMeter, type CpuUsage } from './cpu';
import { closedLoop, type LoopResult } from './load';
import type { Summary } from './stats';

export interface ThroughputPlan {
  /** closed-loop callers, one measurement per level */
  levels: number[];
  /** measured time per level */
  durationMs: number;
  /** unmeasured run at each level first (connections, JIT, caches) */
  warmupMs: number;
}

export function throughputPlan(quick: boolean): ThroughputPlan {
  return quick ? { levels: [4], durationMs: 5_000, warmupMs: 1_000 } : { levels: [4, 16], durationMs: 20_000, warmupMs: 3_000 };
}

export interface LevelResult {
  concurrency: number;
  /** completed per second (completions / elapsed time of the measured run) */
  perSecond: number;
  completed: number;
  errors: number;
  errorSamples: string[];
  /** whole operation: start (or POST) until the update (task action) has returned */
  latency: Summary;
  cpu?: CpuUsage;
  /** CPU ms per completed operation, by process */
  cpuPer?: Record<string, number>;
}

export interface BaselineShared {
  plan: ThroughputPlan;
  levels: LevelResult[];
  peak: { concurrency: number; perSecond: number };
  /** start → one update → one write → complete, at the top level */
  literal?: LevelResult;
  /** one completed baseline workflow's history */
  history?: { events: number; bytes?: number };
}

/** A closed loop at one level after an unmeasured warm-up at the same level, with the CPU used by the measured part. */
export async function measuredClosedLoop<T>(plan: ThroughputPlan, concurrency: number, meter: CpuMeter, op: () => Promise<T>): Promise<LoopResult<T> & { cpu: CpuUsage }> {
  if (plan.warmupMs > 0) await closedLoop({ concurrency, durationMs: plan.warmupMs }, op);
  const a = meter.snapshot();
  const r = await closedLoop({ concurrency, durationMs: plan.durationMs }, op);
  return { ...r, cpu: CpuMeter.diff(a, meter.snapshot()) };
}
