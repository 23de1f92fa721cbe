/** Connection options for Temporal, shared by the client (API), the worker and the bootstrap. */
import fs from 'node:fs';
import type { Config } from '../config';

export interface TemporalTarget {
  address: string;
  namespace: string;
  tls: Config['temporal']['tls'];
  apiKey: string | undefined;
}

export function tlsOptions(tls: Config['temporal']['tls']) {
  if (!tls) return undefined;
  return {
    serverNameOverride: tls.serverName,
    serverRootCACertificate: tls.caPath ? fs.readFileSync(tls.caPath) : undefined,
    clientCertPair: tls.certPath && tls.keyPath ? { crt: fs.readFileSync(tls.certPath), key: fs.readFileSync(tls.keyPath) } : undefined,
  };
}

export function clientConnectionOptions(target: TemporalTarget, connectTimeoutMs = 10_000) {
  const tls = tlsOptions(target.tls);
  return {
    address: target.address,
    tls: tls ?? (target.apiKey ? true : undefined),
    apiKey: target.apiKey,
    connectTimeout: connectTimeoutMs,
  };
}
