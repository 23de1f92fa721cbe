/** Shared pieces of the command-line entry points. */
import { BootstrapError } from './bootstrap/proc';
import { ConfigError } from './config';

export function log(line: string): void {
  process.stdout.write(`gridcase: ${line}\n`);
}

/** Prints one clear line for the failures a user can fix, and a stack only for the others. */
export function fail(e: unknown): never {
  if (e instanceof BootstrapError || e instanceof ConfigError) {
    process.stderr.write(`gridcase: ${e.message}\n`);
  } else {
    const err = e as Error;
    process.stderr.write(`gridcase: ${err?.message ?? String(e)}\n`);
    if (err?.stack) process.stderr.write(`${err.stack.split('\n').slice(1).join('\n')}\n`);
  }
  process.exit(1);
}

export function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

export function version(root: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(`${root}/package.json`) as { version: string }).version;
}
