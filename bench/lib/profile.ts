/**
 * Where the time goes during a benchmark: CPU used by each process (from /proc) and by the whole
 * machine over a measured interval, and the SQL a Prisma call sends (captured with Prisma's query
 * events) with MariaDB's own account of running it (ANALYZE FORMAT=JSON).
 */
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import type { Connection } from 'mariadb';
import { PrismaClient } from '../../generated/prisma/client';
import { isAlive, readPid } from '../../platform/bootstrap/proc';
import { connectionOptions } from '../../platform/db/url';
import { machineCpuMs, processCpuMs } from './cpu';

/** CPU seconds used so far by a process (user + system), NaN when /proc cannot tell. */
const cpuSecondsOf = (pid: number) => processCpuMs(pid) / 1000;

/** busy and total CPU seconds of the whole machine (all cores) from /proc/stat */
function machineTicks(): { busy: number; total: number } {
  const m = machineCpuMs();
  return { busy: m.busy / 1000, total: m.total / 1000 };
}

export interface CpuSample {
  /** wall-clock seconds of the interval */
  wall: number;
  /** CPU seconds used by each named process in the interval */
  processes: Record<string, number>;
  /** CPU seconds used by the whole machine (all processes, all cores) */
  machine: number;
  /** cores of the machine */
  cores: number;
}

/** Starts measuring; the returned function ends the interval and gives the CPU each used. */
export function cpuMeter(pids: Record<string, number>): () => CpuSample {
  const t0 = performance.now();
  const m0 = machineTicks();
  const self0 = process.cpuUsage();
  const p0 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSecondsOf(pid)]));
  return () => {
    const self = process.cpuUsage(self0);
    const m1 = machineTicks();
    const processes: Record<string, number> = { 'load generator': (self.user + self.system) / 1e6 };
    for (const [k, pid] of Object.entries(pids)) processes[k] = cpuSecondsOf(pid) - p0[k];
    const cores = Math.max(1, Math.round((m1.total - m0.total) / ((performance.now() - t0) / 1000)));
    return { wall: (performance.now() - t0) / 1000, processes, machine: m1.busy - m0.busy, cores };
  };
}

/** The MariaDB server's process id when it runs on this machine (its pid file is readable). */
export async function localServerPid(conn: Connection): Promise<number | undefined> {
  try {
    const [row] = (await conn.query('SELECT @@pid_file AS f')) as Array<{ f: string }>;
    const pid = readPid(row.f);
    return pid !== undefined && isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export interface CapturedQuery {
  sql: string;
  params: unknown[];
  ms: number;
}

/** A Prisma client on the bench database that records every statement it sends while `capture` runs. */
export function recordingPrisma(databaseUrl: string) {
  const prisma = new PrismaClient({
    adapter: new PrismaMariaDb({ ...connectionOptions(databaseUrl, { connectTimeout: 5_000 }), connectionLimit: 4 }),
    log: [{ emit: 'event', level: 'query' }],
  });
  let sink: CapturedQuery[] | null = null;
  prisma.$on('query', (e) => {
    if (!sink) return;
    let params: unknown[] = [];
    try {
      params = JSON.parse(e.params) as unknown[];
    } catch {
      /* not JSON: leave empty */
    }
    sink.push({ sql: e.query, params, ms: e.duration });
  });
  return {
    prisma: prisma as unknown as PrismaClient,
    async capture<T>(fn: () => Promise<T>): Promise<{ result: T; queries: CapturedQuery[] }> {
      const queries: CapturedQuery[] = [];
      sink = queries;
      try {
        return { result: await fn(), queries };
      } finally {
        sink = null;
      }
    },
    disconnect: () => prisma.$disconnect(),
  };
}

const ISO_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** A statement Prisma sent, ready for the mariadb driver: LIMIT/OFFSET inlined, the other values as parameters. */
export function runnable(q: CapturedQuery): { sql: string; params: unknown[] } {
  // dates arrive as ISO strings in Prisma's query events; the adapter sends them as DATETIME values
  const params = q.params.map((p) => (typeof p === 'string' && ISO_INSTANT.test(p) ? `${p.slice(0, 10)} ${p.slice(11, 23)}` : p));
  let sql = q.sql;
  const m = /LIMIT \?( OFFSET \?)?\s*$/.exec(sql);
  if (m) {
    const offset = m[1] ? Number(params.pop()) : undefined;
    const limit = Number(params.pop());
    sql = `${sql.slice(0, m.index)}LIMIT ${limit}${offset !== undefined ? ` OFFSET ${offset}` : ''}`;
  }
  return { sql, params };
}

interface PlanNode {
  [k: string]: unknown;
}

/** One line per table of an ANALYZE FORMAT=JSON plan: how it was read, with which key, how many rows, and the sorts. */
export function planSummary(plan: unknown): string {
  const parts: string[] = [];
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    const n = node as PlanNode;
    if (n.filesort && typeof n.filesort === 'object') {
      const f = n.filesort as PlanNode;
      parts.push(`filesort of ${f.r_output_rows ?? '?'} rows${f.r_used_priority_queue ? ' (priority queue)' : ''}${Number(f.r_sort_passes) > 0 ? `, ${f.r_sort_passes} merge pass(es)` : ''}, ${Number(f.r_total_time_ms ?? 0).toFixed(1)} ms`);
    }
    if (n.table_name && n.access_type) {
      const rows = n.r_rows === null || n.r_rows === undefined ? 'not run' : `${Math.round(Number(n.r_rows) * Number(n.r_loops ?? 1))} rows read`;
      parts.push(`${n.table_name}: ${n.access_type}${n.key ? ` on ${n.key}` : ''}, ${rows}`);
    }
    for (const v of Object.values(n)) walk(v);
  };
  walk(plan);
  return [...new Set(parts)].join('; ');
}

/** MariaDB's ANALYZE of a captured statement: total time and the plan summary. */
export async function analyze(conn: Connection, q: CapturedQuery): Promise<{ ms: number; plan: string; raw: unknown }> {
  const { sql, params } = runnable(q);
  const [row] = (await conn.query(`ANALYZE FORMAT=JSON ${sql}`, params)) as Array<Record<string, string>>;
  const raw = JSON.parse(Object.values(row)[0]) as { query_block?: { r_total_time_ms?: number } };
  return { ms: Number(raw.query_block?.r_total_time_ms ?? NaN), plan: planSummary(raw), raw };
}
