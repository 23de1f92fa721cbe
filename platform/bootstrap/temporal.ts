/**
 * Temporal for GridCase: an external cluster named by TEMPORAL_ADDRESS, or a local dev server
 * (reused when already listening, else started with its SQLite state under .data/temporal/).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import type { TemporalTarget } from '../temporal/connection';
import { probeTemporal } from '../temporal/probe';

export { probeTemporal };
import { BootstrapError, isAlive, isPortOpen, readPid, spawnDetached, waitFor } from './proc';
import { temporalBinary, type TemporalServerKind } from './tools';

export interface TemporalService extends TemporalTarget {
  source: 'external' | 'reused' | 'started';
  server: TemporalServerKind | 'external' | 'local (not started by GridCase)';
  uiUrl: string | undefined;
  /** Set when this bootstrap started the server (so the caller may stop it again). */
  startedPid: number | undefined;
}

export function temporalPaths(cfg: Config) {
  const dir = path.join(cfg.dataDir, 'temporal');
  return {
    dir,
    dbFile: path.join(dir, 'temporal.db'),
    pidFile: path.join(cfg.dataDir, 'run', 'temporal.pid'),
    kindFile: path.join(cfg.dataDir, 'run', 'temporal.kind'),
    logFile: path.join(cfg.dataDir, 'logs', 'temporal.log'),
  };
}

export async function ensureTemporal(cfg: Config, log: (line: string) => void): Promise<TemporalService> {
  const external = cfg.temporal.address;
  if (external) {
    const target = { address: external, namespace: cfg.temporal.namespace, tls: cfg.temporal.tls, apiKey: cfg.temporal.apiKey };
    const probe = await probeTemporal(target, 5_000);
    if (!probe.ok) {
      throw new BootstrapError(`Temporal at ${external} (TEMPORAL_ADDRESS, namespace ${cfg.temporal.namespace}) is unreachable: ${probe.reason}`);
    }
    return { ...target, source: 'external', server: 'external', uiUrl: undefined, startedPid: undefined };
  }

  const address = `127.0.0.1:${cfg.temporal.localPort}`;
  const target = { address, namespace: cfg.temporal.namespace, tls: undefined, apiKey: undefined };
  const paths = temporalPaths(cfg);
  const uiUrl = `http://127.0.0.1:${cfg.temporal.localUiPort}`;

  if (await isPortOpen('127.0.0.1', cfg.temporal.localPort)) {
    const probe = await probeTemporal(target, 3_000);
    if (!probe.ok) {
      throw new BootstrapError(
        `port ${cfg.temporal.localPort} is taken by something that is not a Temporal server with namespace "${cfg.temporal.namespace}" (${probe.reason}); stop it or set GRIDCASE_TEMPORAL_PORT to a free port`,
      );
    }
    const pid = readPid(paths.pidFile);
    const ours = pid !== undefined && isAlive(pid);
    const kind = ours && fs.existsSync(paths.kindFile) ? (fs.readFileSync(paths.kindFile, 'utf8').trim() as TemporalServerKind) : 'local (not started by GridCase)';
    return { ...target, source: 'reused', server: kind, uiUrl: kind.startsWith('temporal-cli') ? uiUrl : undefined, startedPid: undefined };
  }
  if (await isPortOpen('127.0.0.1', cfg.temporal.localUiPort)) {
    throw new BootstrapError(`port ${cfg.temporal.localUiPort} (Temporal web UI) is taken by another program; stop it or set GRIDCASE_TEMPORAL_UI_PORT`);
  }

  const binary = temporalBinary(path.join(cfg.root, '.tools'), log);
  fs.mkdirSync(paths.dir, { recursive: true });
  const args = binary.devServer
    ? [
        'server', 'start-dev',
        '--db-filename', paths.dbFile,
        '--ip', '127.0.0.1',
        '--port', String(cfg.temporal.localPort),
        '--ui-port', String(cfg.temporal.localUiPort),
        '--log-level', 'warn',
        '--ui-disable-news-fetch',
        ...(cfg.temporal.namespace === 'default' ? [] : ['--namespace', cfg.temporal.namespace]),
      ]
    : [String(cfg.temporal.localPort)];
  log(`starting Temporal (${binary.kind}) on ${address} …`);
  const pid = spawnDetached(binary.path, args, { logFile: paths.logFile, pidFile: paths.pidFile });
  fs.writeFileSync(paths.kindFile, binary.kind);
  await waitFor(
    `Temporal (${binary.kind}) on ${address}`,
    async () => {
      if (!isAlive(pid)) throw new BootstrapError(`Temporal (${binary.kind}) exited at start; see ${paths.logFile}`);
      return (await isPortOpen('127.0.0.1', cfg.temporal.localPort)) && (await probeTemporal(target, 2_000)).ok;
    },
    90_000,
    paths.logFile,
  );
  return { ...target, source: 'started', server: binary.kind, uiUrl: binary.devServer ? uiUrl : undefined, startedPid: pid };
}
