/**
 * Verifies one case's audit trail, or every case of a district: the hash chain itself (the first
 * broken row), the chain against the head kept on the case row (rows missing at the end, rows
 * added or changed at the end), and against every signed checkpoint that holds the case (rows
 * missing or changed since one was signed, a checkpoint whose signature does not hold); checking
 * them all, not only the latest, catches a chain rewritten and extended so that a later checkpoint
 * signed the forged head.
 * Used by GET /api/cases/{id}/history/verify and `npm run -s cli -- audit verify`.
 */
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { verifyChain } from '../core/audit-chain';
import { checkpointStatement, checkSignature } from './audit-checkpoints';
import type { AuditPublicKey } from '../platform/audit-keys';

export type AuditProblemCode = 'ROW_BROKEN' | 'ROWS_MISSING' | 'HEAD_MISMATCH' | 'CHECKPOINT_MISMATCH' | 'CHECKPOINT_SIGNATURE';

export interface AuditProblem {
  code: AuditProblemCode;
  /** the first row concerned */
  seq: number;
  reason: string;
  /** ROWS_MISSING: the last row that is there */
  afterSeq?: number;
  /** CHECKPOINT_*: which checkpoint */
  checkpoint?: { district: string; number: number };
}

export interface CaseAuditResult {
  caseId: string;
  intact: boolean;
  rows: number;
  lastHash: string | null;
  /** the head kept on the case row */
  head: { seq: number; hash: string | null };
  /** the latest checkpoint holding this case, and what it recorded */
  checkpoint: { district: string; number: number; createdAt: string; seq: number; hash: string; signature: 'valid' | 'invalid' | 'unchecked' } | null;
  /** how many checkpoints hold the case (each is checked) */
  checkpoints: number;
  /** the first problem (kept for clients of the first version of this answer) */
  firstBroken?: { seq: number; reason: string };
  problems: AuditProblem[];
}

type EventRow = Parameters<typeof verifyChain>[0][number];

/** What one checkpoint recorded of a case, and whether the checkpoint's signature holds. */
export interface CheckpointEntry {
  district: string;
  number: number;
  createdAt: string;
  seq: number;
  hash: string;
  signature: 'valid' | 'invalid' | 'unchecked';
  keyId: string;
}

/** The checks, on rows already read (pure). `checkpoints`: every checkpoint holding the case, any order. */
export function auditProblems(rows: EventRow[], head: { seq: number; hash: string | null }, checkpoints: CheckpointEntry[], key: AuditPublicKey | undefined): AuditProblem[] {
  const problems: AuditProblem[] = [];
  const sorted = [...rows].sort((a, b) => a.seq - b.seq);
  const chain = verifyChain(sorted);
  if (!chain.intact) problems.push({ code: 'ROW_BROKEN', seq: chain.seq, reason: chain.reason });
  const last = sorted.at(-1);
  const lastSeq = last?.seq ?? 0;
  const bySeq = new Map(sorted.map((r) => [r.seq, r]));

  if (head.seq > 0 || head.hash !== null) {
    const at = bySeq.get(head.seq);
    if (lastSeq < head.seq) {
      problems.push({ code: 'ROWS_MISSING', seq: lastSeq + 1, afterSeq: lastSeq, reason: `rows ${lastSeq + 1}–${head.seq} are missing: the chain ends at seq ${lastSeq}, the head on the case row is seq ${head.seq}` });
    } else if (lastSeq > head.seq) {
      problems.push({ code: 'HEAD_MISMATCH', seq: head.seq + 1, reason: `rows after the head were added outside the application: the chain ends at seq ${lastSeq}, the head on the case row is seq ${head.seq}` });
    } else if (!at || at.hash !== head.hash) {
      problems.push({ code: 'HEAD_MISMATCH', seq: head.seq, reason: `row ${head.seq} does not match the head on the case row (hash ${head.hash ?? 'none'})` });
    }
  } else if (lastSeq > 0) {
    problems.push({ code: 'HEAD_MISMATCH', seq: 1, reason: `the case row records no head, yet the chain has ${lastSeq} rows` });
  }

  // every checkpoint that ever held the case: a later one may have signed a head forged in between
  for (const cp of [...checkpoints].sort((a, b) => a.seq - b.seq || a.number - b.number)) {
    const ref = { district: cp.district, number: cp.number };
    const name = `checkpoint ${cp.district} #${cp.number} (${cp.createdAt})`;
    if (cp.signature === 'invalid') {
      const why = key && cp.keyId !== key.keyId ? `it names key ${cp.keyId}, not the audit key ${key.keyId}` : 'it was altered after it was signed';
      problems.push({ code: 'CHECKPOINT_SIGNATURE', seq: cp.seq, checkpoint: ref, reason: `the signature of ${name} does not verify: ${why}` });
    }
    const at = bySeq.get(cp.seq);
    if (!at) {
      problems.push({ code: 'CHECKPOINT_MISMATCH', seq: Math.min(cp.seq, lastSeq + 1), afterSeq: lastSeq, checkpoint: ref, reason: `${name} recorded the chain up to seq ${cp.seq}, the chain now ends at seq ${lastSeq}: rows after ${lastSeq} are missing` });
    } else if (at.hash !== cp.hash) {
      problems.push({ code: 'CHECKPOINT_MISMATCH', seq: cp.seq, checkpoint: ref, reason: `row ${cp.seq} differs from what ${name} recorded (hash ${cp.hash}): the chain was rewritten after it was signed` });
    }
  }
  return problems.sort((a, b) => a.seq - b.seq);
}

/** Signature checks of checkpoints by id, shared across the cases of one run (a district's verification). */
export type SignatureCache = Map<number, { district: string; signature: CheckpointEntry['signature'] }>;

type CheckpointRow = { id: number; districtId: number; number: number; createdAt: Date; previousSignature: string | null; keyId: string; signature: string };

/** The district and signature check of one checkpoint, once per cache. */
async function checkedCheckpoint(prisma: PrismaClient, cp: CheckpointRow, key: AuditPublicKey | undefined, cache: SignatureCache) {
  let known = cache.get(cp.id);
  if (!known) {
    const district = await prisma.orgUnit.findUnique({ where: { id: cp.districtId }, select: { id: true, code: true } });
    let signature: CheckpointEntry['signature'] = 'unchecked';
    if (key) {
      const heads = await prisma.auditCheckpointHead.findMany({ where: { checkpointId: cp.id }, select: { caseId: true, seq: true, hash: true } });
      const statement = checkpointStatement({ district: district ?? { id: cp.districtId, code: '?' }, number: cp.number, createdAt: cp.createdAt, previousSignature: cp.previousSignature, keyId: cp.keyId, heads });
      signature = cp.keyId === key.keyId && checkSignature(key.publicKey, statement, cp.signature) ? 'valid' : 'invalid';
    }
    known = { district: district?.code ?? String(cp.districtId), signature };
    cache.set(cp.id, known);
  }
  return known;
}

const CHECKPOINT_SELECT = { id: true, districtId: true, number: true, createdAt: true, previousSignature: true, keyId: true, signature: true } as const;

/** Every checkpoint holding each of the cases (one read), each signature checked once per cache with `key`. */
async function checkpointsOfCases(prisma: PrismaClient, caseIds: string[], key: AuditPublicKey | undefined, cache: SignatureCache): Promise<Map<string, CheckpointEntry[]>> {
  const entries = await prisma.auditCheckpointHead.findMany({
    where: { caseId: { in: caseIds } },
    orderBy: [{ caseId: 'asc' }, { seq: 'asc' }],
    select: { caseId: true, seq: true, hash: true, checkpoint: { select: CHECKPOINT_SELECT } },
  });
  const out = new Map<string, CheckpointEntry[]>(caseIds.map((id) => [id, []]));
  for (const e of entries) {
    const cp = e.checkpoint;
    const known = await checkedCheckpoint(prisma, cp, key, cache);
    out.get(e.caseId)!.push({ district: known.district, number: cp.number, createdAt: cp.createdAt.toISOString(), seq: e.seq, hash: e.hash, signature: known.signature, keyId: cp.keyId });
  }
  return out;
}

function auditResult(caseId: string, rows: Prisma.CaseEventGetPayload<object>[], head: { seq: number; hash: string | null }, checkpoints: CheckpointEntry[], key: AuditPublicKey | undefined): CaseAuditResult {
  const problems = auditProblems(
    rows.map((x) => ({ ...x, tier: x.tier as string | null })),
    head,
    checkpoints,
    key,
  );
  const latest = checkpoints.at(-1);
  return {
    caseId,
    intact: problems.length === 0,
    rows: rows.length,
    lastHash: rows.at(-1)?.hash ?? null,
    head,
    checkpoint: latest ? { district: latest.district, number: latest.number, createdAt: latest.createdAt, seq: latest.seq, hash: latest.hash, signature: latest.signature } : null,
    checkpoints: checkpoints.length,
    ...(problems.length ? { firstBroken: { seq: problems[0].seq, reason: problems[0].reason } } : {}),
    problems,
  };
}

/**
 * Verifies several cases with one read of their case rows, audit rows and checkpoint heads (the
 * same checks as verifyCaseAudit, case by case); cases that do not exist are left out. Keep the
 * batch small enough for its rows to sit in memory (a few hundred cases).
 */
export async function verifyCasesAudit(prisma: PrismaClient, caseIds: string[], key: AuditPublicKey | undefined, cache: SignatureCache = new Map()): Promise<CaseAuditResult[]> {
  if (!caseIds.length) return [];
  const [cases, rows, checkpoints] = await Promise.all([
    prisma.case.findMany({ where: { id: { in: caseIds } }, select: { id: true, lastEventSeq: true, auditHeadHash: true } }),
    prisma.caseEvent.findMany({ where: { caseId: { in: caseIds } }, orderBy: [{ caseId: 'asc' }, { seq: 'asc' }] }),
    checkpointsOfCases(prisma, caseIds, key, cache),
  ]);
  const rowsOf = new Map<string, Prisma.CaseEventGetPayload<object>[]>();
  for (const r of rows) {
    let list = rowsOf.get(r.caseId);
    if (!list) rowsOf.set(r.caseId, (list = []));
    list.push(r);
  }
  const heads = new Map(cases.map((c) => [c.id, { seq: c.lastEventSeq, hash: c.auditHeadHash }]));
  return caseIds.filter((id) => heads.has(id)).map((id) => auditResult(id, rowsOf.get(id) ?? [], heads.get(id)!, checkpoints.get(id) ?? [], key));
}

/** Verifies one case (it must exist). */
export async function verifyCaseAudit(prisma: PrismaClient, caseId: string, key: AuditPublicKey | undefined, cache: SignatureCache = new Map()): Promise<CaseAuditResult> {
  const c = await prisma.case.findUniqueOrThrow({ where: { id: caseId }, select: { lastEventSeq: true, auditHeadHash: true } });
  const rows = await prisma.caseEvent.findMany({ where: { caseId }, orderBy: { seq: 'asc' } });
  const checkpoints = (await checkpointsOfCases(prisma, [caseId], key, cache)).get(caseId) ?? [];
  return auditResult(caseId, rows, { seq: c.lastEventSeq, hash: c.auditHeadHash }, checkpoints, key);
}

/** Verifies every case of a district (by code or case-number prefix), calling `broken` for each case that does not verify. */
export async function verifyDistrict(
  prisma: PrismaClient,
  districtCode: string,
  key: AuditPublicKey | undefined,
  broken: (r: CaseAuditResult) => void,
): Promise<{ district: { id: number; code: string; name: string }; cases: number; broken: number } | null> {
  // the 15-digit code or the case-number prefix (DC)
  const district = await prisma.orgUnit.findFirst({ where: { level: 'DISTRICT', OR: [{ code: districtCode }, { casePrefix: districtCode }] }, select: { id: true, code: true, name: true } });
  if (!district) return null;
  let cases = 0;
  let bad = 0;
  let after: string | undefined;
  const cache: SignatureCache = new Map();
  for (;;) {
    const page = await prisma.case.findMany({ where: { districtId: district.id, ...(after ? { id: { gt: after } } : {}) }, select: { id: true }, orderBy: { id: 'asc' }, take: 200 });
    if (!page.length) break;
    for (const { id } of page) {
      const r = await verifyCaseAudit(prisma, id, key, cache);
      cases++;
      if (!r.intact) {
        bad++;
        broken(r);
      }
    }
    after = page.at(-1)!.id;
  }
  return { district, cases, broken: bad };
}
