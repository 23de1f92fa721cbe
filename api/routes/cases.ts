/** /api/cases: intake, lists, one case, its history, supervision, merging, attachments. */
import { Router, type RequestHandler, type Response } from 'express';
import type { ApiDeps } from '../deps';
import { allow, authenticate, callerOf } from '../auth/middleware';
import { reportArea } from '../auth/scope';
import { badRequest, HttpError } from '../http/errors';
import { idempotencyKey, idempotent } from '../http/idempotency';
import { photosOf, uploadPhotos } from '../http/upload';
import { input, validate } from '../http/validate';
import { caseHistory, getCase, historyCsv, listCases, verifyHistory, type CaseListQuery } from '../services/cases';
import { text } from '../services/errors';
import { rateAsReporter } from '../services/satisfaction';
import { callerAsReporter, intakeCase, type Channel } from '../services/intake';
import type { Crs } from '../../core/crs';
import { addAttachments, mergeCase, readAttachment, superviseCase, urgeCase } from '../services/supervision';
import { caseDiagram, caseMap, casePathOf, withdrawCase } from '../services/case-page';

interface CaseCreate {
  category?: string | null;
  description: string;
  location: { lat: number; lng: number; crs?: Crs; address?: string };
  channel?: Channel;
  severity?: number;
  reporter?: { name: string; phone?: string };
}

/** multipart: the report is JSON in the field `case`, the photos in `photos`. */
const caseFromMultipart: RequestHandler = (req, _res, next) => {
  if (!req.is('multipart/form-data')) return next();
  const raw = (req.body as Record<string, unknown> | undefined)?.case;
  if (typeof raw !== 'string') throw badRequest('body.case', text('multipart 请求须在 case 字段中放入 JSON 格式的上报内容', 'a multipart request carries the report as JSON in the field case'));
  try {
    req.body = JSON.parse(raw);
  } catch {
    throw badRequest('body.case', text('case 字段不是合法的 JSON', 'the field case is not valid JSON'));
  }
  next();
};

/** Urge and supervise: 201 with the history row written (Location: the case's history), or 202 while the workflow has not written it yet. */
function answerWritten(res: Response, caseId: string, answer: { event: unknown }) {
  if (answer.event) res.status(201).location(`/api/cases/${caseId}/history`).json(answer);
  else res.status(202).json(answer);
}

const REPORTERS = ['GRID_WORKER', 'DISPATCHER', 'HANDLER', 'SUPERVISOR', 'ADMINISTRATOR'] as const;
const HANDLING = ['HANDLER', 'DISPATCHER', 'GRID_WORKER', 'SUPERVISOR'] as const;

export function caseRoutes(deps: ApiDeps): Router {
  const r = Router();
  const auth = authenticate(deps.prisma, deps.tokens);
  const once = idempotent(deps.prisma);
  const id = validate({ params: 'CaseIdParams' });

  r.post('/api/cases', auth, allow(...REPORTERS), uploadPhotos(deps.attachmentMaxBytes), caseFromMultipart, validate({ body: 'CaseCreate' }), once, async (req, res) => {
    const c = callerOf(req);
    const b = input<CaseCreate>(req).body;
    const photos = photosOf(req.files as Express.Multer.File[] | undefined);
    const me = await callerAsReporter(deps, c);
    const result = await intakeCase(deps, {
      categoryCode: b.category ?? null,
      description: b.description,
      location: { lat: b.location.lat, lng: b.location.lng, crs: b.location.crs },
      address: b.location.address ?? null,
      channel: b.channel ?? (c.roles.has('GRID_WORKER') ? 'GRID_APP' : 'WEB'),
      severity: b.severity,
      reporter: b.reporter ? { userId: null, name: b.reporter.name, phone: b.reporter.phone ?? null } : me,
      photos,
      hold: req.idempotency,
      area: reportArea(c),
    });
    res.status(201).location(`/api/cases/${result.id}`).json(result);
  });

  r.get('/api/cases', auth, validate({ query: 'CaseListQuery' }), async (req, res) => {
    res.json(await listCases(deps, callerOf(req), input<unknown, CaseListQuery>(req).query));
  });

  r.get('/api/cases/:id', auth, id, async (req, res) => {
    res.json(await getCase(deps, callerOf(req), input<unknown, unknown, { id: string }>(req).params.id));
  });

  r.get('/api/cases/:id/history', auth, validate({ params: 'CaseIdParams', query: 'HistoryQuery' }), async (req, res) => {
    const { params, query } = input<unknown, { format: 'json' | 'csv' }, { id: string }>(req);
    const rows = await caseHistory(deps, callerOf(req), params.id);
    if (query.format === 'csv') {
      res.type('text/csv; charset=utf-8').attachment(`${params.id}-history.csv`).send(historyCsv(rows));
      return;
    }
    res.json({ caseId: params.id, events: rows });
  });

  r.get('/api/cases/:id/history/verify', auth, id, async (req, res) => {
    res.json(await verifyHistory(deps, callerOf(req), input<unknown, unknown, { id: string }>(req).params.id));
  });

  r.get('/api/cases/:id/path', auth, id, async (req, res) => {
    res.json(await casePathOf(deps, callerOf(req), input<unknown, unknown, { id: string }>(req).params.id));
  });

  r.get('/api/cases/:id/diagram', auth, id, async (req, res) => {
    const xml = await caseDiagram(deps, callerOf(req), input<unknown, unknown, { id: string }>(req).params.id);
    // a version never changes: the case's diagram may be kept
    res.type('application/xml').set('Cache-Control', 'private, max-age=3600').send(xml);
  });

  r.get('/api/cases/:id/map', auth, id, async (req, res) => {
    res.json(await caseMap(deps, callerOf(req), input<unknown, unknown, { id: string }>(req).params.id));
  });

  r.post('/api/cases/:id/withdraw', auth, validate({ params: 'CaseIdParams', body: 'WithdrawBody' }), once, async (req, res) => {
    const { params, body } = input<{ reason: string }, unknown, { id: string }>(req);
    res.json(await withdrawCase(deps, callerOf(req), params.id, body, idempotencyKey(req)));
  });

  r.post('/api/cases/:id/urge', auth, allow('SUPERVISOR'), validate({ params: 'CaseIdParams', body: 'UrgeBody' }), once, async (req, res) => {
    const { params, body } = input<{ note?: string; taskId?: string }, unknown, { id: string }>(req);
    answerWritten(res, params.id, await urgeCase(deps, callerOf(req), params.id, body));
  });

  r.post('/api/cases/:id/supervise', auth, allow('SUPERVISOR'), validate({ params: 'CaseIdParams', body: 'SuperviseBody' }), once, async (req, res) => {
    const { params, body } = input<{ instruction: string; newDeadline?: string }, unknown, { id: string }>(req);
    answerWritten(res, params.id, await superviseCase(deps, callerOf(req), params.id, body));
  });

  r.post('/api/cases/:id/merge', auth, allow('DISPATCHER', 'HANDLER'), validate({ params: 'CaseIdParams', body: 'MergeBody' }), once, async (req, res) => {
    const { params, body } = input<{ into: string; reason?: string }, unknown, { id: string }>(req);
    res.json(await mergeCase(deps, callerOf(req), params.id, body, idempotencyKey(req)));
  });

  r.post('/api/cases/:id/attachments', auth, allow(...HANDLING), uploadPhotos(deps.attachmentMaxBytes), validate({ params: 'CaseIdParams', body: 'AttachmentUpload' }), once, async (req, res) => {
    const { params, body } = input<{ taskId?: string }, unknown, { id: string }>(req);
    if (!req.is('multipart/form-data')) throw new HttpError(415, 'header.Content-Type', text('请以 multipart/form-data 上传照片', 'upload photos as multipart/form-data'), 'UNSUPPORTED_MEDIA_TYPE');
    res.status(201).json({ attachments: await addAttachments(deps, callerOf(req), params.id, photosOf(req.files as Express.Multer.File[] | undefined), body.taskId) });
  });

  r.get('/api/cases/:id/attachments/:attachmentId', auth, validate({ params: 'AttachmentParams' }), async (req, res) => {
    const { params } = input<unknown, unknown, { id: string; attachmentId: string }>(req);
    const a = await readAttachment(deps, callerOf(req), params.id, params.attachmentId);
    res.type(a.mediaType).set('ETag', `"${a.sha256}"`).set('Cache-Control', 'private, max-age=86400').set('X-Content-Type-Options', 'nosniff').attachment(a.fileName).send(a.bytes);
  });

  r.post('/api/cases/:id/rating', auth, validate({ params: 'CaseIdParams', body: 'RatingBody' }), once, async (req, res) => {
    const { params, body } = input<{ score: number; comment?: string }, unknown, { id: string }>(req);
    res.status(201).json(await rateAsReporter(deps, callerOf(req), params.id, body));
  });

  return r;
}
