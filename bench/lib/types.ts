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
