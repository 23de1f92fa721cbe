/**
 * The case search beyond one page (the auditor's workspace): the form's choices, counting,
 * exporting (CSV, XLSX) with the export history, and verifying every chain the search finds.
 * Mounted before the case routes, so /api/cases/export is not read as a case number.
 */
import { Router } from 'express';
import type { ApiDeps } from '../deps';
import { allow, authenticate, callerOf } from '../auth/middleware';
import { input, validate } from '../http/validate';
import { localeOf } from '../i18n';
import type { CaseFilters } from '../services/cases';
import { countCases, searchOptions } from '../services/case-search';
import { EXPORTERS, listExports, MEDIA_TYPES, startExport, writeExport, type ExportQuery } from '../services/case-export';
import { verifySearch } from '../services/case-verification';

export function caseSearchRoutes(deps: ApiDeps): Router {
  const r = Router();
  const auth = authenticate(deps.prisma, deps.tokens);
  const exporters = allow(...EXPORTERS);

  r.get('/api/cases/search-options', auth, validate({}), async (req, res) => {
    res.json(await searchOptions(deps, callerOf(req)));
  });

  r.get('/api/cases/count', auth, validate({ query: 'CaseCountQuery' }), async (req, res) => {
    res.json(await countCases(deps, callerOf(req), input<unknown, CaseFilters>(req).query, deps.caseSearchLimit));
  });

  r.get('/api/cases/export', auth, exporters, validate({ query: 'CaseExportQuery' }), async (req, res) => {
    const plan = await startExport(deps, callerOf(req), input<unknown, ExportQuery>(req).query, deps.caseSearchLimit);
    res
      .status(200)
      .attachment(plan.fileName)
      .type(MEDIA_TYPES[plan.format])
      .set({ 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'X-Export-Id': String(plan.id), 'X-Export-Cases': String(plan.ids.length) });
    await writeExport(deps, plan, res, localeOf(req));
  });

  r.get('/api/cases/exports', auth, exporters, validate({ query: 'CaseExportListQuery' }), async (req, res) => {
    res.json(await listExports(deps, callerOf(req), input<unknown, { mine?: boolean; cursor?: string; limit: number }>(req).query));
  });

  r.post('/api/cases/verification', auth, exporters, validate({ body: 'CaseVerificationBody' }), async (req, res) => {
    res.json(await verifySearch(deps, callerOf(req), input<CaseFilters>(req).body, deps.caseSearchLimit));
  });

  return r;
}
