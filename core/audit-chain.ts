/**
 * The audit chain of case_events: each row carries the SHA-256 of the previous row of the same
 * case and its own hash over its content, so an edited or deleted row breaks the chain.
 */
import crypto from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainRow {
  caseId: string;
  seq: number;
  actorId: number | null;
  actorName: string;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  tier: string | null;
  reason: string | null;
  payload: unknown;
  createdAt: Date;
}

/** JSON with object keys sorted, so the hash does not depend on key order (MySQL JSON reorders keys). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function eventHash(prevHash: string, row: ChainRow): string {
  const content = canonicalJson({
    caseId: row.caseId,
    seq: row.seq,
    actorId: row.actorId,
    actorName: row.actorName,
    action: row.action,
    fromStatus: row.fromStatus,
    toStatus: row.toStatus,
    tier: row.tier,
    reason: row.reason,
    payload: row.payload,
    createdAt: row.createdAt.toISOString(),
  });
  return crypto.createHash('sha256').update(prevHash).update('\n').update(content).digest('hex');
}

/** Recomputes a case's chain; returns the first row (by seq) whose link or hash does not hold. */
export function verifyChain(rows: (ChainRow & { prevHash: string; hash: string })[]): { intact: true } | { intact: false; seq: number; reason: string } {
  let prev = GENESIS_HASH;
  let expectSeq = 1;
  for (const row of [...rows].sort((a, b) => a.seq - b.seq)) {
    if (row.seq !== expectSeq) return { intact: false, seq: expectSeq, reason: `row ${expectSeq} is missing` };
    if (row.prevHash !== prev) return { intact: false, seq: row.seq, reason: 'its link to the previous row does not match' };
    if (eventHash(prev, row) !== row.hash) return { intact: false, seq: row.seq, reason: 'its content does not match its hash' };
    prev = row.hash;
    expectSeq += 1;
  }
  return { intact: true };
}
