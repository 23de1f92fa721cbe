/**
 * The administration's own audit trail: every change an administrator makes (processes,
 * categories and time limits, org units, grids, departments, users and roles, calendar days) is
 * one append-only row of admin_audit_log, written in the transaction of the change, with who
 * (id and name), what (action, entity and id) and the record before and after. Readers are the
 * administrators and auditors of the scope the change falls under (city-wide settings: everyone
 * who reads the administration). Also the export of the signed audit checkpoints.
 */
import type { Prisma, PrismaClient } from '../../../generated/prisma/client';
import { listCheckpoints, type CheckpointView } from '../../../domain/audit-checkpoints';
import type { AuditPublicKey } from '../../../platform/audit-keys';
import type { Caller } from '../../auth/caller';
import { malformed, notFound, text } from '../errors';
import { decodeKeys, encodeKeys, type ListOrder } from '../../http/paging';
import { inScope, type AdminScope } from './scope';

export type AuditEntity = 'process' | 'category' | 'org-unit' | 'grid' | 'department' | 'user' | 'calendar-day';

/** Who made a change. */
export interface AdminActor {
  userId: number;
  name: string;
}

export const actorOf = (c: Caller): AdminActor => ({ userId: c.userId, name: c.name });

export interface AdminChange {
  action: string;
  entity: AuditEntity;
  entityId: string | number;
  /** org path of what changed (who may read the entry); null or absent: city-wide */
  orgPath?: string | null;
  before?: unknown;
  after?: unknown;
}

/** JSON of a record: dates as ISO text, big integers as numbers, undefined dropped. */
function plain(v: unknown): Prisma.InputJsonValue | undefined {
  if (v === undefined || v === null) return undefined;
  return JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x))) as Prisma.InputJsonValue;
}

/** Writes one entry, in the caller's transaction. */
export async function recordAdminChange(tx: Prisma.TransactionClient, actor: AdminActor, change: AdminChange): Promise<void> {
  await tx.adminAuditEntry.create({
    data: {
      actorId: actor.userId,
      actorName: actor.name.slice(0, 100),
      action: change.action,
      entity: change.entity,
      entityId: String(change.entityId).slice(0, 100),
      orgPath: change.orgPath ?? null,
      before: plain(change.before),
      after: plain(change.after),
    },
  });
}

export interface AdminAuditQuery {
  entity?: AuditEntity;
  entityId?: string;
  action?: string;
  actorId?: number;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

function decodeCursor(cursor: string | undefined): bigint | undefined {
  if (!cursor) return undefined;
  try {
    const { id } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { id: unknown };
    if (typeof id !== 'string' || !/^[1-9][0-9]{0,18}$/.test(id)) throw new Error('id');
    return BigInt(id);
  } catch {
    throw malformed('cursor', text('分页游标无效', 'the cursor is invalid'));
  }
}

export async function listAdminAudit(prisma: PrismaClient, scope: AdminScope, q: AdminAuditQuery) {
  const before = decodeCursor(q.cursor);
  const where: Prisma.AdminAuditEntryWhereInput = {
    AND: [
      // in the reader's subtrees, or city-wide
      { OR: [{ orgPath: null }, ...scope.paths.map((p) => ({ orgPath: { startsWith: p } }))] },
      q.entity ? { entity: q.entity } : {},
      q.entityId ? { entityId: q.entityId } : {},
      q.action ? { action: q.action } : {},
      q.actorId ? { actorId: q.actorId } : {},
      q.from ? { at: { gte: new Date(q.from) } } : {},
      q.to ? { at: { lt: new Date(q.to) } } : {},
      before !== undefined ? { id: { lt: before } } : {},
    ],
  };
  const rows = await prisma.adminAuditEntry.findMany({ where, orderBy: { id: 'desc' }, take: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  return {
    items: page.map((r) => ({
      id: r.id.toString(),
      at: r.at.toISOString(),
      actor: { id: r.actorId, name: r.actorName },
      action: r.action,
      entity: r.entity,
      entityId: r.entityId,
      orgPath: r.orgPath,
      before: r.before ?? null,
      after: r.after ?? null,
    })),
    nextCursor: rows.length > q.limit ? Buffer.from(JSON.stringify({ id: page.at(-1)!.id.toString() })).toString('base64url') : null,
  };
}

const CHECKPOINT_ORDER: ListOrder = { name: 'checkpoints', keys: [{ field: 'number', dir: 'asc', kind: 'int' }] };

/**
 * A district's signed checkpoints with the public key to check them (the district must be in the
 * reader's scope), in number order: those numbered above `after`, in cursor pages as every list.
 */
export async function exportCheckpoints(prisma: PrismaClient, scope: AdminScope, key: AuditPublicKey | undefined, q: { district: number; after?: number; cursor?: string; limit: number }) {
  const d = await prisma.orgUnit.findUnique({ where: { id: q.district }, select: { id: true, level: true, path: true } });
  if (!d || d.level !== 'DISTRICT' || !inScope(scope, d.path)) throw notFound('district', text(`区县 ${q.district} 不存在或不在您的管辖范围内`, `district ${q.district} does not exist or is outside your scope`));
  const last = decodeKeys(CHECKPOINT_ORDER, q.cursor)?.[0] as number | undefined;
  const after = Math.max(q.after ?? 0, last ?? 0);
  const rows: CheckpointView[] = await listCheckpoints(prisma, d.id, { after: after || undefined, limit: q.limit + 1 });
  const items = rows.slice(0, q.limit);
  return {
    key: key ? { algorithm: 'Ed25519', keyId: key.keyId, publicKeyPem: key.publicKeyPem } : null,
    items,
    nextCursor: rows.length > q.limit ? encodeKeys(CHECKPOINT_ORDER, items.at(-1)! as unknown as Record<string, unknown>) : null,
  };
}
