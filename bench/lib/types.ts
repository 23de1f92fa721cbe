/** What `npm run bench` (cli/bench.ts) hands to each section, and what a section returns. */
import type { PrismaClient } from '../../generated/prisma/client';
import type { TemporalTarget } from '../../platform/temporal/connection';
import type { TemporalHandle } from '../../platform/temporal/client';

export interface BenchProcess {
  pid: number;
  /** resident set size of the process, bytes (from /proc) */
  rss(): number;
  /** kill and start again (waits until it is ready) */
  restart(): Promise<void>;
}

/** A further API or worker process started by a section (BenchContext.spawn): not started until start(). */
export interface BenchChild {
  /** pid while it runs (-1 when it does not) */
  readonly pid: number;
  /** the API's base URL (its own port from freePort); undefined for a worker */
  readonly url?: string;
  /** its log file (<dataDir>/logs/<bench database>-<label>.log) */
  readonly logFile: string;
  start(): Promise<void>;
  /** SIGTERM, SIGKILL after 10 s; resolves once it has exited (nothing when it does not run) */
  stop(): Promise<void>;
  rss(): number;
}

export interface BenchContext {
  root: string;
  /** `--quick`: every section at a small scale (a smoke run of the harness, not numbers to report) */
  quick: boolean;
  log(line: string): void;
  /** the bench database (recreated, migrated and seeded at the start of the run), as the application's account */
  databaseUrl: string;
  /** the same database as the schema owner (for scratch tables: DDL) */
  ownerUrl: string;
  /** the same server without a database (to create scratch databases) */
  serverUrl: string;
  prisma: PrismaClient;
  temporalTarget: TemporalTarget;
  temporal: TemporalHandle;
  /** the task queue the bench worker polls (unique per run) */
  taskQueue: string;
  /** base URL of the API process, e.g. http://127.0.0.1:3456 */
  apiUrl: string;
  /** the API and worker child processes */
  api: BenchProcess;
  worker: BenchProcess;
  /**
   * A further API or worker process with the same environment as `api` and `worker` (the bench
   * database, the run's task queue, the same signing keys), e.g. to measure scale-out. `label`
   * names its log file and must be unique in the run. The section stops what it starts; the
   * bench stops any still running when the run ends.
   */
  spawn(kind: 'api' | 'worker', label: string): Promise<BenchChild>;
  /** shared between sections (e.g. the baseline's throughput, read by the intake section) */
  shared: Record<string, unknown>;
}

export interface BenchRow {
  measure: string;
  value: number | string;
  unit?: string;
  /** e.g. "≤ 50 ms", "≥ 0.67 × baseline" */
  target?: string;
  /** whether the target is met (omitted when there is no target) */
  met?: boolean;
}

export interface SectionResult {
  id: string;
  title: string;
  rows: BenchRow[];
  /** where the time goes and what would fix a missed target; one paragraph each */
  notes: string[];
  /** raw numbers for the JSON file */
  details?: Record<string, unknown>;
}

export interface BenchSection {
  id: string;
  title: string;
  run(ctx: BenchContext): Promise<SectionResult>;
}
