/**
 * Where the CPU goes during a measurement: CPU time of named processes (from /proc/<pid>/stat),
 * of the load generator itself, and of the whole machine (/proc/stat), between two snapshots.
 * Linux only; elsewhere every number is NaN and the notes say so.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isAlive, readPid } from '../../platform/bootstrap/proc';

/** USER_HZ: the unit of /proc CPU times (100 on every mainstream Linux build) */
const TICK_MS = 10;

/** user + system CPU of a process so far, ms (NaN when it is gone or /proc is missing) */
export function processCpuMs(pid: number): number {
  if (!(pid > 0)) return NaN;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces: count fields after its closing parenthesis
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return NaN;
  }
}

/** busy and total CPU time of the machine so far, ms summed over all cores */
export function machineCpuMs(): { busy: number; total: number } {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = v[3] + (v[4] ?? 0);
    return { busy: (total - idle) * TICK_MS, total: total * TICK_MS };
  } catch {
    return { busy: NaN, total: NaN };
  }
}

/** A pid from a GridCase pid file (<dataDir>/run/<name>.pid), if that process still runs. */
function pidFromFile(file: string): number | undefined {
  const pid = readPid(file);
  return pid !== undefined && isAlive(pid) ? pid : undefined;
}

/**
 * The local Temporal server and MariaDB, when they run on this machine: from the bootstrap's pid
 * files, else the first process whose command looks like one (read-only, nothing is signalled).
 */
export function servicePids(dataDir: string): { temporal?: number; mariadb?: number } {
  const run = path.join(dataDir, 'run');
  let temporal = pidFromFile(path.join(run, 'temporal.pid'));
  let mariadb = pidFromFile(path.join(run, 'mariadb.pid'));
  if (temporal && mariadb) return { temporal, mariadb };
  try {
    for (const d of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      let cmd: string;
      try {
        cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
      } catch {
        continue;
      }
      if (!mariadb && /(^|\/)(mariadbd|mysqld)( |$)/.test(cmd)) mariadb = Number(d);
      if (!temporal && /(^|\/)temporal(-server)? .*(server start-dev|start)/.test(cmd)) temporal = Number(d);
    }
  } catch {
    /* no /proc */
  }
  return { temporal, mariadb };
}

export interface CpuSnapshot {
  at: number;
  procs: Record<string, number>;
  self: number;
  machine: { busy: number; total: number };
}

export interface CpuUsage {
  wallMs: number;
  /** CPU ms of each named process during the interval */
  procs: Record<string, number>;
  /** CPU ms of the load generator (this process) */
  self: number;
  /** CPU ms of the whole machine (all processes, all users), and its capacity (wall × cores) */
  machineBusy: number;
  machineTotal: number;
}

/** Watches named processes; `pids` is read at each snapshot (a restarted process keeps its name). */
export class CpuMeter {
  constructor(private readonly pids: () => Record<string, number | undefined>) {}

  snapshot(): CpuSnapshot {
    const procs: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids())) procs[name] = pid === undefined ? NaN : processCpuMs(pid);
    const u = process.cpuUsage();
    return { at: performance.now(), procs, self: (u.user + u.system) / 1000, machine: machineCpuMs() };
  }

  static diff(a: CpuSnapshot, b: CpuSnapshot): CpuUsage {
    const procs: Record<string, number> = {};
    for (const name of Object.keys(b.procs)) procs[name] = b.procs[name] - (a.procs[name] ?? NaN);
    return { wallMs: b.at - a.at, procs, self: b.self - a.self, machineBusy: b.machine.busy - a.machine.busy, machineTotal: b.machine.total - a.machine.total };
  }
}

/** "api 3.1, worker 5.2, temporal 4.0, mariadb 2.2, load generator 1.0 ms CPU per case; machine 93 % busy, 80 % in the processes listed" */
export function describeCpu(u: CpuUsage, perUnit: number, unit: string): string {
  const parts = Object.entries(u.procs)
    .filter(([, v]) => Number.isFinite(v))
    .map(([k, v]) => `${k} ${(v / perUnit).toFixed(1)}`);
  parts.push(`load generator ${(u.self / perUnit).toFixed(1)}`);
  const pct = (x: number) => (u.machineTotal > 0 && Number.isFinite(x) ? `${((100 * x) / u.machineTotal).toFixed(0)} %` : '—');
  return `${parts.join(', ')} ms CPU per ${unit}; machine ${pct(u.machineBusy)} busy, ${pct(listedMs(u))} in the processes listed`;
}

/** CPU ms of the listed processes and the load generator together */
export function listedMs(u: CpuUsage): number {
  return Object.values(u.procs).reduce((a, v) => a + (Number.isFinite(v) ? v : 0), 0) + u.self;
}

/** CPU ms per unit of each process, for the JSON details */
export function cpuPer(u: CpuUsage, perUnit: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(u.procs)) out[k] = Number((v / perUnit).toFixed(2));
  out.loadGenerator = Number((u.self / perUnit).toFixed(2));
  out.machineBusyPct = u.machineTotal > 0 ? Number(((100 * u.machineBusy) / u.machineTotal).toFixed(1)) : NaN;
  out.listedPct = u.machineTotal > 0 ? Number(((100 * listedMs(u)) / u.machineTotal).toFixed(1)) : NaN;
  return out;
}

/** How busy the machine is with nothing of ours running: busy share of all cores over `ms`, percent. */
export async function backgroundBusy(ms = 2_000): Promise<number> {
  const a = machineCpuMs();
  await new Promise((r) => setTimeout(r, ms));
  const b = machineCpuMs();
  return b.total > a.total ? (100 * (b.busy - a.busy)) / (b.total - a.total) : NaN;
}

/** The note that says how much of the machine other work held when a section started. */
export function contention(busyPct: number): string {
  if (!Number.isFinite(busyPct)) return 'Machine load before the section: unknown (no /proc/stat).';
  return `Machine load before the section, with none of its load running: ${busyPct.toFixed(0)} % of all cores busy (2 s sample).${busyPct > 15 ? ' Other work was sharing the machine, and possibly the same Temporal and MariaDB servers: the numbers below are lower and noisier than on a machine of its own.' : ''}`;
}
