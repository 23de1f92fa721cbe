/** The worker's Temporal plumbing: the SDK runtime's logger and the native connection. */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { tlsOptions, type TemporalTarget } from './connection';

let runtimeInstalled = false;

/** The SDK logs every worker state change at INFO; GridCase keeps its console for its own lines. */
export function installRuntime(level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' = 'WARN'): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger(level) });
  runtimeInstalled = true;
}

export async function connectWorker(target: TemporalTarget): Promise<NativeConnection> {
  return NativeConnection.connect({
    address: target.address,
    tls: tlsOptions(target.tls) ?? (target.apiKey ? true : undefined),
    apiKey: target.apiKey,
  });
}
