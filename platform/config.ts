/**
 * Configuration, read from the environment once and validated into a typed object.
 * Nothing else in the code base reads process.env (the bootstrap passes what it resolved here).
 */
import path from 'node:path';
import { parseAuditKey, parseAuditPublicKey } from './audit-keys';
import { parseDatabaseUrl } from './db/url';

export type Mode = 'start' | 'test';

export interface Config {
  /** Project root (where package.json lives). */
  root: string;
  /** Where local services keep their data, logs and pid files. */
  dataDir: string;
  http: { host: string; port: number };
  database: {
    /** Set when DATABASE_URL is given: an external MySQL/MariaDB is used as is. The API, the
     * worker and the seed use this account: rows only (SELECT, INSERT, UPDATE, DELETE). */
    url: string | undefined;
    /** DATABASE_OWNER_URL: the account that owns the schema (migrations, creating and dropping
     * databases); the same server and database as DATABASE_URL. Unset: DATABASE_URL's account. */
    ownerUrl: string | undefined;
    /** Port and database names of the private MariaDB started under dataDir otherwise. */
    localPort: number;
    name: string;
    testName: string;
  };
  temporal: {
    /** Set when TEMPORAL_ADDRESS is given: an external cluster (or Temporal Cloud) is used. */
    address: string | undefined;
    namespace: string;
    taskQueue: string;
    localPort: number;
    localUiPort: number;
    tls: { certPath?: string; keyPath?: string; caPath?: string; serverName?: string } | undefined;
    apiKey: string | undefined;
  };
  auth: {
    /** HS256 key of the API's bearer tokens (GRIDCASE_JWT_SECRET, at least 32 bytes); npm start
     * and npm test generate one under dataDir when it is unset, `npm run api` requires it. */
    jwtSecret: string | undefined;
    /** lifetime of a token, seconds */
    tokenTtl: number;
    /** how long the API reuses a token's caller before reading it again, ms (0: every request) */
    callerCacheMs: number;
    /** GRIDCASE_ALLOW_DEMO_PASSWORDS=1: `npm run api` starts even though active accounts still have
     * the demo seed's password (a demo installation); without it, it refuses to start. */
    allowDemoPasswords: boolean;
  };
  attachments: {
    /** where uploaded photos are stored (GRIDCASE_ATTACHMENT_DIR, default <dataDir>/attachments) */
    dir: string;
    /** largest accepted file, bytes */
    maxBytes: number;
  };
  audit: {
    /** GRIDCASE_AUDIT_KEY: the Ed25519 key that signs the audit checkpoints (platform/audit-keys.ts);
     * npm start and npm test generate one under dataDir when it is unset, the production API and
     * worker require it. */
    key: string | undefined;
    /** GRIDCASE_AUDIT_PUBLIC_KEY: the public half alone, for processes that only check checkpoints (the API) */
    publicKey: string | undefined;
  };
  /** Open311 POST requests.json allowed per client address per minute */
  open311RateLimit: number;
  worker: {
    /** Workflows the worker keeps in its sticky cache (GRIDCASE_WORKER_MAX_CACHED_WORKFLOWS); unset:
     * the Temporal SDK's default, derived from the heap size limit. 0 turns the cache off. */
    maxCachedWorkflows: number | undefined;
    /** GRIDCASE_WORKER_STICKY_TIMEOUT_MS: how long a workflow task waits on the worker's sticky queue
     * before it goes back to the task queue shared by all workers (and waits there again); the SDK's
     * default is 10 s, too short for a worker with a backlog (bench section Timers) */
    stickyQueueScheduleToStartTimeoutMs: number;
    /** GRIDCASE_WORKER_WORKFLOW_TASK_POLLS: concurrent workflow-task polls (sticky and shared queue
     * together; the SDK's default is 10), 2 to 40 (the worker's 40 concurrent workflow tasks) */
    maxConcurrentWorkflowTaskPolls: number;
  };
  /** The notification delivery worker (notify/): how often it looks for due rows, how it retries, the SMS gateway. */
  notify: {
    /** GRIDCASE_NOTIFY_POLL_MS: pause between looks at the outbox when it is empty */
    pollMs: number;
    /** GRIDCASE_NOTIFY_MAX_ATTEMPTS: attempts per row and channel before it is FAILED */
    maxAttempts: number;
    /** GRIDCASE_NOTIFY_RETRY_MS: pause after the first failed attempt, doubling after each further one (at most an hour) */
    retryMs: number;
    /** GRIDCASE_SMS_GATEWAY: `log` (default: each message appended to a file) or `http` (POSTed as JSON to a provider's endpoint) */
    sms: { gateway: 'log'; logFile: string } | { gateway: 'http'; url: string; secret: string | undefined };
  };
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** `npm test` stops the services it started itself unless this is set (GRIDCASE_KEEP_SERVICES=1). */
  keepServices: boolean;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new ConfigError(name, `must be a TCP port between 1 and 65535, got "${raw}"`);
  }
  return n;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(name, `must be a positive integer, got "${raw}"`);
  return n;
}

function between(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${raw}"`);
  return n;
}

function count(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(name, `must be an integer of 0 or more, got "${raw}"`);
  return n;
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = (env[name] ?? '').trim().toLowerCase();
  if (raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw new ConfigError(name, `must be 1 or true (or 0, false, unset), got "${env[name]}"`);
}

function identifier(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const v = env[name] || fallback;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(v)) {
    throw new ConfigError(name, `must be 1-64 letters, digits, "_" or "-", got "${v}"`);
  }
  return v;
}

function optional(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, root = path.resolve(__dirname, '..')): Config {
  const databaseUrl = optional(env, 'DATABASE_URL');
  if (databaseUrl !== undefined && !/^(mysql|mariadb):\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'must start with mysql:// or mariadb://');
  }
  const ownerUrl = optional(env, 'DATABASE_OWNER_URL');
  if (ownerUrl !== undefined) {
    if (!/^(mysql|mariadb):\/\//.test(ownerUrl)) throw new ConfigError('DATABASE_OWNER_URL', 'must start with mysql:// or mariadb://');
    if (databaseUrl === undefined) throw new ConfigError('DATABASE_OWNER_URL', 'is given without DATABASE_URL (the application\'s account); set both, or neither for the local MariaDB');
    let owner, app;
    try {
      owner = parseDatabaseUrl(ownerUrl);
    } catch (e) {
      throw new ConfigError('DATABASE_OWNER_URL', (e as Error).message.replace(/^Invalid DATABASE_URL /, ''));
    }
    try {
      app = parseDatabaseUrl(databaseUrl);
    } catch (e) {
      throw new ConfigError('DATABASE_URL', (e as Error).message.replace(/^Invalid DATABASE_URL /, ''));
    }
    const where = (p: typeof owner) => `${p.socketPath ?? `${p.host}:${p.port}`}/${p.database ?? ''}`;
    if (where(owner) !== where(app)) {
      throw new ConfigError('DATABASE_OWNER_URL', `must name the same server and database as DATABASE_URL (${where(app)}), got ${where(owner)}`);
    }
  }
  const auditKey = optional(env, 'GRIDCASE_AUDIT_KEY');
  let signing: ReturnType<typeof parseAuditKey> | undefined;
  if (auditKey !== undefined) {
    try {
      signing = parseAuditKey(auditKey);
    } catch (e) {
      throw new ConfigError('GRIDCASE_AUDIT_KEY', `${(e as Error).message} (generate one with \`openssl rand -base64 32\`)`);
    }
  }
  const auditPublicKey = optional(env, 'GRIDCASE_AUDIT_PUBLIC_KEY');
  if (auditPublicKey !== undefined) {
    let checking;
    try {
      checking = parseAuditPublicKey(auditPublicKey);
    } catch (e) {
      throw new ConfigError('GRIDCASE_AUDIT_PUBLIC_KEY', (e as Error).message);
    }
    if (signing && signing.keyId !== checking.keyId) throw new ConfigError('GRIDCASE_AUDIT_PUBLIC_KEY', `is not the public half of GRIDCASE_AUDIT_KEY (key ${checking.keyId}, not ${signing.keyId})`);
  }
  const temporalAddress = optional(env, 'TEMPORAL_ADDRESS');
  if (temporalAddress !== undefined && !/^[^\s:]+:\d{1,5}$/.test(temporalAddress)) {
    throw new ConfigError('TEMPORAL_ADDRESS', `must be host:port, got "${temporalAddress}"`);
  }
  const certPath = optional(env, 'TEMPORAL_TLS_CERT');
  const keyPath = optional(env, 'TEMPORAL_TLS_KEY');
  if ((certPath === undefined) !== (keyPath === undefined)) {
    throw new ConfigError(certPath ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT', 'client certificate and key must be given together');
  }
  const caPath = optional(env, 'TEMPORAL_TLS_CA');
  const serverName = optional(env, 'TEMPORAL_TLS_SERVER_NAME');
  const apiKey = optional(env, 'TEMPORAL_API_KEY');
  const tlsWanted = certPath || caPath || serverName || apiKey || env.TEMPORAL_TLS === 'true';
  const logLevel = (optional(env, 'LOG_LEVEL') ?? 'info') as Config['logLevel'];
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of debug, info, warn, error, got "${logLevel}"`);
  }
  const jwtSecret = optional(env, 'GRIDCASE_JWT_SECRET');
  if (jwtSecret !== undefined && Buffer.byteLength(jwtSecret) < 32) {
    throw new ConfigError('GRIDCASE_JWT_SECRET', 'must be at least 32 bytes (e.g. `openssl rand -base64 48`)');
  }
  const dataDir = path.resolve(root, optional(env, 'GRIDCASE_DATA_DIR') ?? '.data');
  return {
    notify: notifyConfig(env, root, dataDir),
    root,
    dataDir,
    auth: { jwtSecret, tokenTtl: positive(env, 'GRIDCASE_TOKEN_TTL', 8 * 3600), callerCacheMs: count(env, 'GRIDCASE_CALLER_CACHE_MS') ?? 5000, allowDemoPasswords: flag(env, 'GRIDCASE_ALLOW_DEMO_PASSWORDS') },
    audit: { key: auditKey, publicKey: auditPublicKey },
    attachments: {
      dir: path.resolve(root, optional(env, 'GRIDCASE_ATTACHMENT_DIR') ?? path.join(dataDir, 'attachments')),
      maxBytes: positive(env, 'GRIDCASE_ATTACHMENT_MAX_BYTES', 10 * 1024 * 1024),
    },
    open311RateLimit: positive(env, 'GRIDCASE_OPEN311_RATE_LIMIT', 30),
    worker: {
      maxCachedWorkflows: count(env, 'GRIDCASE_WORKER_MAX_CACHED_WORKFLOWS'),
      stickyQueueScheduleToStartTimeoutMs: positive(env, 'GRIDCASE_WORKER_STICKY_TIMEOUT_MS', 60_000),
      maxConcurrentWorkflowTaskPolls: between(env, 'GRIDCASE_WORKER_WORKFLOW_TASK_POLLS', 20, 2, 40),
    },
    http: { host: optional(env, 'HOST') ?? '127.0.0.1', port: port(env, 'PORT', 3000) },
    database: {
      url: databaseUrl,
      ownerUrl,
      localPort: port(env, 'GRIDCASE_DB_PORT', 3307),
      name: identifier(env, 'GRIDCASE_DB_NAME', 'gridcase'),
      testName: identifier(env, 'GRIDCASE_TEST_DB_NAME', 'gridcase_test'),
    },
    temporal: {
      address: temporalAddress,
      namespace: identifier(env, 'TEMPORAL_NAMESPACE', 'default'),
      taskQueue: identifier(env, 'TEMPORAL_TASK_QUEUE', 'gridcase-cases'),
      localPort: port(env, 'GRIDCASE_TEMPORAL_PORT', 7233),
      localUiPort: port(env, 'GRIDCASE_TEMPORAL_UI_PORT', 8233),
      tls: tlsWanted ? { certPath, keyPath, caPath, serverName } : undefined,
      apiKey,
    },
    logLevel,
    keepServices: env.GRIDCASE_KEEP_SERVICES === '1' || env.GRIDCASE_KEEP_SERVICES === 'true',
  };
}

function notifyConfig(env: NodeJS.ProcessEnv, root: string, dataDir: string): Config['notify'] {
  const gateway = optional(env, 'GRIDCASE_SMS_GATEWAY') ?? 'log';
  let sms: Config['notify']['sms'];
  if (gateway === 'log') {
    sms = { gateway, logFile: path.resolve(root, optional(env, 'GRIDCASE_SMS_LOG') ?? path.join(dataDir, 'logs', 'sms.log')) };
  } else if (gateway === 'http') {
    const url = optional(env, 'GRIDCASE_SMS_HTTP_URL');
    if (!url) throw new ConfigError('GRIDCASE_SMS_HTTP_URL', 'is required with GRIDCASE_SMS_GATEWAY=http: the provider endpoint the messages are POSTed to');
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigError('GRIDCASE_SMS_HTTP_URL', `must be an http(s) URL, got "${url}"`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new ConfigError('GRIDCASE_SMS_HTTP_URL', `must be an http(s) URL, got "${url}"`);
    sms = { gateway, url, secret: optional(env, 'GRIDCASE_SMS_HTTP_SECRET') };
  } else {
    throw new ConfigError('GRIDCASE_SMS_GATEWAY', `must be log or http, got "${gateway}"`);
  }
  return {
    pollMs: positive(env, 'GRIDCASE_NOTIFY_POLL_MS', 1000),
    maxAttempts: positive(env, 'GRIDCASE_NOTIFY_MAX_ATTEMPTS', 5),
    retryMs: positive(env, 'GRIDCASE_NOTIFY_RETRY_MS', 30_000),
    sms,
  };
}

let cached: Config | undefined;
/** The process-wide configuration (loaded on first use). */
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}
