/** What the API is given (AppDeps, by the entry point) and what its routes and services are given (ApiDeps, built once by createApp). */
import type { PrismaClient } from '../generated/prisma/client';
import type { AuditPublicKey } from '../platform/audit-keys';
import type { AttachmentStore } from '../platform/storage/attachments';
import type { TemporalHandle } from '../platform/temporal/client';
import type { TokenKeys } from './auth/tokens';

export interface ApiDeps {
  prisma: PrismaClient;
  temporal: TemporalHandle;
  /** task queue the case workflows run on */
  taskQueue: string;
  tokens: TokenKeys;
  attachments: AttachmentStore;
  /** largest accepted attachment, bytes */
  attachmentMaxBytes: number;
  /** Open311 POSTs per client address per minute */
  open311RateLimit: number;
  version: string;
  /** how sign-ins are throttled and accounts locked (api/services/sign-in.ts) */
  signIn: SignInPolicy;
  /** checks the signatures of audit checkpoints (GRIDCASE_AUDIT_KEY) */
  auditKey?: AuditPublicKey;
  /** most cases one export or bulk verification of the case search may hold */
  caseSearchLimit: number;
}

/** How sign-ins are throttled and accounts locked (api/services/sign-in.ts). */
export interface SignInPolicy {
  /** how far back failures count */
  windowMs: number;
  /** failures in a row of one account before it has to wait */
  accountFreeFailures: number;
  /** failures from one address within the window before it has to wait */
  addressFreeFailures: number;
  /** the first wait; each further failure doubles it (0: no waits) */
  baseDelayMs: number;
  maxDelayMs: number;
  /** failures of one account within the window that lock it … */
  lockAfter: number;
  /** … for this long */
  lockMs: number;
  /** attempts of one account being checked at the same moment */
  maxInFlight: number;
}

export const DEFAULT_SIGN_IN_POLICY: Readonly<SignInPolicy> = Object.freeze({
  windowMs: 15 * 60_000,
  accountFreeFailures: 3,
  addressFreeFailures: 20,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  lockAfter: 10,
  lockMs: 15 * 60_000,
  maxInFlight: 5,
});

/** What the entry point gives createApp (api/app.ts); unset values take their defaults. */
export interface AppDeps {
  prisma: PrismaClient;
  temporal: TemporalHandle;
  version: string;
  /** task queue of the case worker (default gridcase-cases) */
  taskQueue?: string;
  /** HS256 key of bearer tokens; without one a random key for this process */
  jwtSecret?: string;
  tokenTtl?: number;
  /** how long a token's caller (roles, units, grids) is reused before it is read again, ms (default 5000; 0: every request) */
  callerCacheMs?: number;
  attachments?: AttachmentStore;
  /** directory of the default attachment store (default .data/attachments) */
  attachmentDir?: string;
  attachmentMaxBytes?: number;
  open311RateLimit?: number;
  /** how often the inbox event stream looks for changes, ms (default 500) */
  eventIntervalMs?: number;
  /** how often the event stream re-reads its caller's account, roles and scope, ms (default 5000) */
  eventRecheckMs?: number;
  /** sign-in throttling and locks, over the defaults (api/services/sign-in.ts) */
  signIn?: Partial<SignInPolicy>;
  /** the built web console (designer/dist) served at /; without it only the API answers */
  consoleDir?: string;
  /** the audit checkpoint key (GRIDCASE_AUDIT_KEY): verification checks checkpoint signatures with it; without it they are reported unchecked */
  auditKey?: AuditPublicKey;
  /** most cases one export or bulk verification of the case search may hold (default 5000) */
  caseSearchLimit?: number;
}
