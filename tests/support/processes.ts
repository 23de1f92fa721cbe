/** Running GridCase's own npm commands as child processes, the way a person or a deployment does. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const root = path.resolve(__dirname, '../..');

export interface Command {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `node scripts/run.js <command>` (what `npm start`, `npm run api` … run), output collected. */
export function runCommand(command: 'start' | 'api' | 'worker' | 'stop', env: NodeJS.ProcessEnv): Command {
  const child = spawn(process.execPath, [path.join(root, 'scripts/run.js'), command], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out, exited: new Promise((r) => child.once('exit', (code) => r(code))) };
}

/** Waits until the command printed `text`; fails early, with its output, if it exits first. */
export async function waitForOutput(cmd: Command, text: string, ms = 180_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (cmd.output().includes(text)) return;
    if (cmd.child.exitCode !== null) throw new Error(`exited before printing "${text}":\n${cmd.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for "${text}":\n${cmd.output()}`);
}

export { freePort } from '../../platform/bootstrap/proc';
