/**
 * Bulk verification (批量核验, POST /api/cases/verification): the audit chain of every case a
 * search finds, checked as GET /api/cases/{id}/history/verify checks one (domain/audit-verify.ts:
 * the chain, its head on the case row, every signed checkpoint holding the case), a batch of
 * cases per read. Bounded like the export: beyond the limit a 422 asks to narrow the search.
 */
import { verifyCasesAudit, type AuditProblem, type SignatureCache } from '../../domain/audit-verify';
import type { Caller } from '../auth/caller';
import type { ApiDeps } from '../deps';
import type { CaseFilters } from './cases';
import { chunks, searchIds } from './case-search';

const BATCH = 200;

export async function verifySearch(deps: ApiDeps, caller: Caller, q: CaseFilters, limit: number) {
  const ids = await searchIds(deps, caller, q, limit, 'verify');
  const cache: SignatureCache = new Map();
  const broken: { caseId: string; problems: AuditProblem[] }[] = [];
  let checked = 0;
  for (const part of chunks(ids, BATCH)) {
    for (const r of await verifyCasesAudit(deps.prisma, part, deps.auditKey, cache)) {
      checked++;
      if (!r.intact) broken.push({ caseId: r.caseId, problems: r.problems });
    }
  }
  return { checked, intact: checked - broken.length, broken, checkedAt: new Date().toISOString() };
}
