/** What the API's routes and services are given (built once by createApp). */
import type { PrismaClient } from '../generated/prisma/client';
import type { AuditPublicKey } from '../platform/audit-keys';
import type { AttachmentStore } from '../platform/storage/attachments';
import type { TemporalHandle } from '../platform/temporal/client';
import type { TokenKeys } from './auth/tokens';
import type { SignInPolicy } from './services/sign-in';

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
