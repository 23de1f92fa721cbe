/**
 * A GridCase entry point (a TypeScript file run with tsx) as a child process that can be started,
 * killed and started again: the bench's worker and API, the fault suite's worker and API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

export interface EntryProcess {
  /** pid of the running process (-1 when none) */
  readonly pid: number;
  alive(): boolean;
  /** starts it and resolves once its output matches `ready` */
  start(): Promise<void>;
  /** sends the signal (SIGKILL by default; SIGKILL after 10 s otherwise) and resolves once it has exited */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** kill, then start */
  restart(): Promise<void>;
  /** resident set size, bytes (from /proc), NaN when unknown */
  rss(): number;
}

export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

export function entryProcess(opts: { file: string; cwd: string; env: NodeJS.ProcessEnv; ready: RegExp; logFile: string; timeoutMs?: number }): EntryProcess {
  let child: ChildProcess | undefined;
  const running = () => !!child && child.exitCode === null && child.signalCode === null;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      const out = fs.openSync(opts.logFile, 'a');
      const c = spawn(process.execPath, ['--import', 'tsx', opts.file], { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', out] });
      fs.closeSync(out);
      child = c;
      let seen = '';
      let ready = false;
      const timer = setTimeout(() => {
        c.kill('SIGKILL');
        reject(new Error(`${opts.file} did not start within ${(opts.timeoutMs ?? 120_000) / 1000} s; see ${opts.logFile}`));
      }, opts.timeoutMs ?? 120_000);
      c.stdout!.on('data', (b: Buffer) => {
        fs.appendFileSync(opts.logFile, b);
        if (ready) return;
        seen += b.toString();
        if (opts.ready.test(seen)) {
          ready = true;
          seen = '';
          clearTimeout(timer);
          resolve();
        }
      });
      c.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (!ready) reject(new Error(`${opts.file} exited (${code ?? signal}) at start; see ${opts.logFile}`));
      });
    });
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    const c = child;
    if (!c || !running()) return;
    const gone = new Promise((r) => c.once('exit', r));
    c.kill(signal);
    // a process that does not stop within 10 s of a polite signal is killed
    const hard = signal === 'SIGKILL' ? undefined : setTimeout(() => c.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(hard);
  };
  return {
    get pid() {
      return running() ? (child!.pid ?? -1) : -1;
    },
    alive: running,
    start,
    kill,
    restart: async () => {
      await kill();
      await start();
    },
    rss: () => (running() && child!.pid ? rssOf(child!.pid) : NaN),
  };
}
