/**
 * Signed checkpoints of the audit chains, one per district at least once a day.
 *
 * A checkpoint of district D holds the heads (seq, hash from the case row) of D's cases whose
 * chain moved since D's previous checkpoint, is numbered 1, 2, … per district, names the previous
 * checkpoint's signature, and is signed with Ed25519 (GRIDCASE_AUDIT_KEY) over its statement:
 *
 *   gridcase audit checkpoint v1
 *   district <id> <code>
 *   number <n>
 *   at <ISO time>
 *   previous <signature of checkpoint n-1, or ->
 *   key <key id>
 *   cases <count>
 *   <case id> <seq> <hash>          one line per case, sorted by case id
 *
 * The statement is rebuilt from the rows to check a checkpoint, so an auditor holding only the
 * public key and an exported checkpoint can check it with any Ed25519 tool. Written by the
 * `auditCheckpoints` workflow, which a Temporal schedule the worker creates starts every day at
 * 00:10 Beijing time (platform/temporal/schedules.ts), or by `npm run -s cli -- audit checkpoint`.
 */
import crypto from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client';
import type { AuditKey } from '../platform/audit-keys';

/** A case row written this long before the previous checkpoint may still have committed after it. */
const OVERLAP_MS = 60 * 60 * 1000;
const CHUNK = 500;

export interface CheckpointHead {
  caseId: string;
  seq: number;
  hash: string;
}

export interface CheckpointRecord {
  district: { id: number; code: string };
  number: number;
  createdAt: Date;
  previousSignature: string | null;
  keyId: string;
  heads: CheckpointHead[];
}

export function checkpointStatement(c: CheckpointRecord): string {
  const heads = [...c.heads].sort((a, b) => (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0));
  return [
    'gridcase audit checkpoint v1',
    `district ${c.district.id} ${c.district.code}`,
    `number ${c.number}`,
    `at ${c.createdAt.toISOString()}`,
    `previous ${c.previousSignature ?? '-'}`,
    `key ${c.keyId}`,
    `cases ${heads.length}`,
    ...heads.map((h) => `${h.caseId} ${h.seq} ${h.hash}`),
    '',
  ].join('\n');
}

export function signStatement(key: AuditKey, statement: string): string {
  return crypto.sign(null, Buffer.from(statement, 'utf8'), key.privateKey).toString('base64url');
}

export function checkSignature(publicKey: crypto.KeyObject, statement: string, signature: string): boolean {
  try {
    return crypto.verify(null, Buffer.from(statement, 'utf8'), publicKey, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}

const digestOf = (statement: string) => crypto.createHash('sha256').update(statement, 'utf8').digest('hex');

export interface WrittenCheckpoint {
  district: string;
  number: number;
  caseCount: number;
}

/** Writes one checkpoint per district (all districts, or those given by code or case-number prefix) as of `now`. */
export async function writeCheckpoints(prisma: PrismaClient, key: AuditKey, opts: { now?: Date; districts?: string[] } = {}): Promise<WrittenCheckpoint[]> {
  const now = opts.now ?? new Date();
  const districts = await prisma.orgUnit.findMany({
    where: { level: 'DISTRICT', ...(opts.districts ? { OR: [{ code: { in: opts.districts } }, { casePrefix: { in: opts.districts } }] } : {}) },
    select: { id: true, code: true },
    orderBy: { code: 'asc' },
  });
  const written: WrittenCheckpoint[] = [];
  for (const d of districts) written.push(await writeDistrictCheckpoint(prisma, key, d, now));
  return written;
}

async function writeDistrictCheckpoint(prisma: PrismaClient, key: AuditKey, district: { id: number; code: string }, now: Date): Promise<WrittenCheckpoint> {
  return prisma.$transaction(
    async (tx) => {
      const prev = await tx.auditCheckpoint.findFirst({ where: { districtId: district.id }, orderBy: { number: 'desc' }, select: { number: true, createdAt: true, signature: true, caseCount: true } });
      // a retried run (same `now`) finds its checkpoint written: nothing again
      if (prev && prev.createdAt.getTime() === now.getTime()) return { district: district.code, number: prev.number, caseCount: prev.caseCount };
      const since = prev ? new Date(prev.createdAt.getTime() - OVERLAP_MS) : undefined;
      const moved = await tx.case.findMany({
        where: { districtId: district.id, auditHeadHash: { not: null }, lastEventSeq: { gt: 0 }, ...(since ? { updatedAt: { gte: since } } : {}) },
        select: { id: true, lastEventSeq: true, auditHeadHash: true },
        orderBy: { id: 'asc' },
      });
      // drop the heads an earlier checkpoint already holds (seq only grows: same seq, same head)
      const heads: CheckpointHead[] = [];
      for (let i = 0; i < moved.length; i += CHUNK) {
        const chunk = moved.slice(i, i + CHUNK);
        const known = await tx.auditCheckpointHead.findMany({ where: { OR: chunk.map((c) => ({ caseId: c.id, seq: c.lastEventSeq })) }, select: { caseId: true } });
        const seen = new Set(known.map((k) => k.caseId));
        for (const c of chunk) if (!seen.has(c.id)) heads.push({ caseId: c.id, seq: c.lastEventSeq, hash: c.auditHeadHash! });
      }
      const record: CheckpointRecord = { district, number: (prev?.number ?? 0) + 1, createdAt: now, previousSignature: prev?.signature ?? null, keyId: key.keyId, heads };
      const statement = checkpointStatement(record);
      // a concurrent writer of the same district takes the same number: the unique key refuses the second
      const cp = await tx.auditCheckpoint.create({
        data: {
          districtId: district.id,
          number: record.number,
          createdAt: now,
          previousSignature: record.previousSignature,
          caseCount: heads.length,
          digest: digestOf(statement),
          keyId: key.keyId,
          signature: signStatement(key, statement),
        },
        select: { id: true },
      });
      for (let i = 0; i < heads.length; i += 5000) {
        await tx.auditCheckpointHead.createMany({ data: heads.slice(i, i + 5000).map((h) => ({ checkpointId: cp.id, ...h })) });
      }
      return { district: district.code, number: record.number, caseCount: heads.length };
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
}

export interface CheckpointView {
  district: { id: number; code: string; name: string };
  number: number;
  createdAt: string;
  previousSignature: string | null;
  keyId: string;
  digest: string;
  signature: string;
  /** the exact text that was signed (UTF-8): check it with the public key */
  statement: string;
  cases: CheckpointHead[];
}

/** A district's checkpoints in number order, after `after` (for auditors to copy elsewhere). */
export async function listCheckpoints(prisma: PrismaClient, districtId: number, opts: { after?: number; limit: number }): Promise<CheckpointView[]> {
  const district = await prisma.orgUnit.findUniqueOrThrow({ where: { id: districtId }, select: { id: true, code: true, name: true } });
  const rows = await prisma.auditCheckpoint.findMany({
    where: { districtId, ...(opts.after !== undefined ? { number: { gt: opts.after } } : {}) },
    orderBy: { number: 'asc' },
    take: opts.limit,
    include: { heads: { select: { caseId: true, seq: true, hash: true } } },
  });
  return rows.map((r) => {
    const heads = [...r.heads].sort((a, b) => (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0));
    return {
      district,
      number: r.number,
      createdAt: r.createdAt.toISOString(),
      previousSignature: r.previousSignature,
      keyId: r.keyId,
      digest: r.digest,
      signature: r.signature,
      statement: checkpointStatement({ district, number: r.number, createdAt: r.createdAt, previousSignature: r.previousSignature, keyId: r.keyId, heads }),
      cases: heads,
    };
  });
}
