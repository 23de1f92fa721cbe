/** RFC 9457 problem details: every API error is application/problem+json and names its field. */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { HttpError } from './http/errors';
import { inputPlacesOf, mapDomainError } from './http/domain-errors';
import { DomainError, type Text } from './services/errors';
import { localeOf, t, type Locale, type MessageKey } from './i18n';
import { TemporalServiceError, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from './case-workflows';

export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  /** The offending input, e.g. "body.location.lat" or "header.Idempotency-Key". */
  field?: string;
  errors?: Array<{ field: string; message: string }>;
  [extra: string]: unknown;
}

export class HttpProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'HttpProblem';
  }
}

export function sendProblem(req: Request, res: Response, p: Problem): void {
  res
    .status(p.status)
    .set('Content-Language', localeOf(req))
    .type('application/problem+json')
    .send(JSON.stringify({ type: 'about:blank', ...p }));
}

export const notFound: RequestHandler = (req, res) => {
  const l = localeOf(req);
  sendProblem(req, res, { title: t(l, 'not-found.title'), status: 404, detail: t(l, 'not-found.detail', { method: req.method, path: req.path }), field: 'path' });
};

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
  charset?: string;
  encoding?: string;
}

const TITLES: Record<number, MessageKey> = {
  400: 'bad-request.title',
  401: 'unauthorized.title',
  403: 'forbidden.title',
  404: 'not-found.title',
  409: 'conflict.title',
  412: 'precondition-failed.title',
  413: 'too-large.title',
  415: 'unsupported-media.title',
  422: 'unprocessable.title',
  429: 'rate-limited.title',
  503: 'unavailable.title',
};

const say = (m: Text, l: Locale) => (typeof m === 'string' ? m : m[l]);

/** A domain error as the problem of this request: status and fields from the mapping (./http/domain-errors.ts). */
export function domainProblem(req: Request, e: DomainError): Problem {
  const l = localeOf(req);
  const { status, field, errors } = mapDomainError(e, inputPlacesOf(req));
  // each issue's message as the service gave it (a text, or both languages)
  const issues: Record<string, unknown> = errors ? { errors } : {};
  return { title: t(l, TITLES[status]), status, detail: say(e.text, l), ...(field ? { field } : {}), code: e.code, ...e.extra, ...issues };
}

function httpErrorProblem(req: Request, e: HttpError): Problem {
  const l = localeOf(req);
  return { title: t(l, TITLES[e.status]), status: e.status, detail: say(e.text, l), field: e.field, code: e.code, ...e.extra };
}

/**
 * Errors of the HTTP layer, before a route runs: a body the parsers cannot read (malformed JSON,
 * too large, too many form fields or nested too deeply, not UTF-8, an unknown charset or
 * Content-Encoding, compressed data that does not inflate, a length that does not match) and a
 * path that is not valid percent-encoding. Null for any other error.
 */
export function httpLayerProblem(err: unknown, l: Locale): Problem | null {
  // the router's "Failed to decode param"
  if (err instanceof URIError && (err as { status?: number }).status === 400) return { title: t(l, 'bad-request.title'), status: 400, detail: t(l, 'bad-path.detail'), field: 'path' };
  const e = err as BodyParserError;
  switch (e?.type) {
    case 'entity.parse.failed':
      return { title: t(l, 'malformed-json.title'), status: 400, detail: t(l, 'malformed-json.detail'), field: 'body' };
    case 'entity.too.large':
      return { title: t(l, 'too-large.title'), status: 413, detail: t(l, 'too-large.detail', { limit: e.limit ?? 0 }), field: 'body' };
    case 'parameters.too.many':
      return { title: t(l, 'too-large.title'), status: 413, detail: t(l, 'too-many-fields.detail'), field: 'body' };
    case 'charset.unsupported':
      return { title: t(l, 'unsupported-media.title'), status: 415, detail: t(l, 'unsupported-charset.detail', { charset: String(e.charset ?? '').toUpperCase() }), field: 'header.Content-Type' };
    case 'encoding.unsupported':
      return { title: t(l, 'unsupported-media.title'), status: 415, detail: t(l, 'unsupported-encoding.detail', { encoding: String(e.encoding ?? '') }), field: 'header.Content-Encoding' };
    case 'encoding.invalid':
      return { title: t(l, 'bad-request.title'), status: 400, detail: t(l, 'invalid-utf8.detail'), field: 'body' };
  }
  // the rest of what body-parser and raw-body refuse (http-errors with a client status)
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return { title: t(l, TITLES[e.status] ?? 'bad-request.title'), status: e.status, detail: t(l, 'unreadable-body.detail'), field: 'body' };
  return null;
}

/** Reasons the case workflow gives for refusing an update, and the status each one means. */
const WORKFLOW_REFUSALS: Record<string, 409 | 422 | 404> = {
  BAD_INPUT: 422,
  FORM_INVALID: 422,
  OUTCOME_INVALID: 422,
  OUTCOME_REQUIRED: 422,
  DURATION_INVALID: 422,
  DURATION_REQUIRED: 422,
  DEADLINE_INVALID: 422,
  LOCATION_REQUIRED: 422,
  OUTSIDE_DISTRICT: 422,
  TASK_NOT_FOUND: 404,
  APPROVAL_NOT_FOUND: 404,
};
const REFUSAL_FIELD: Record<string, string> = {
  FORM_INVALID: 'body.data',
  OUTCOME_INVALID: 'body.outcome',
  OUTCOME_REQUIRED: 'body.outcome',
  DURATION_INVALID: 'body.duration',
  DURATION_REQUIRED: 'body.duration',
  DEADLINE_INVALID: 'body.newDeadline',
  LOCATION_REQUIRED: 'body.data.location',
  OUTSIDE_DISTRICT: 'body.data.location',
  TASK_NOT_FOUND: 'path.id',
  APPROVAL_NOT_FOUND: 'path.id',
};

/** What each refusal means, for people reading Chinese (English readers get the engine's own words). */
const REFUSAL_ZH: Record<string, string> = {
  BAD_INPUT: '请求内容不符合要求',
  FORM_INVALID: '表单内容不符合要求',
  OUTCOME_INVALID: '办理结果不在该环节允许的范围内',
  OUTCOME_REQUIRED: '请选择办理结果',
  DURATION_INVALID: '时长格式无效',
  DURATION_REQUIRED: '请填写时长',
  DEADLINE_INVALID: '期限无效',
  LOCATION_REQUIRED: '该案件上报时没有坐标：请在 data.location 中标注位置后再办结',
  OUTSIDE_DISTRICT: '该位置不在本案件所属的区内',
  NOT_LOCATED: '该案件尚未定位：请先标注位置',
  TASK_NOT_FOUND: '该案件没有这个任务',
  TASK_NOT_ACTIVE: '任务已结束',
  TASK_NOT_READY: '任务尚未派出',
  TASK_CLAIMED: '任务已由他人签收',
  TASK_NOT_CLAIMED: '请先签收任务',
  NOT_ESCALATABLE: '该环节不能上报',
  TOP_TIER: '已是最高层级，不能再上报',
  NOTHING_TO_RETURN_TO: '没有可以回退的上一环节',
  APPROVAL_PENDING: '已有同类申请在等待审批',
  APPROVAL_NOT_FOUND: '该案件没有这个审批',
  APPROVAL_DECIDED: '该申请已审批',
  ALREADY_OVERDUE: '已超期，不能再申请延期',
  CASE_ENDED: '案件已结束',
  ALREADY_DISPATCHED: '案件已派遣处置，不能再撤回',
  NOT_REPORTER: '只有上报人可以撤回案件',
};

/**
 * The engine's form messages (process/form.ts validateForm, joined by "; ": `data.feedback is
 * required`, `data.photos[0] must be string` …) as `{ field: 'body.data.feedback', message }`, so a
 * client can show each one on its field.
 */
export function formFieldErrors(message: string): { field: string; message: string }[] {
  return message
    .split('; ')
    .map((m) => m.match(/^data((?:\.[A-Za-z_$][\w$]*|\[\d+\])*) (.+)$/s))
    .filter((m): m is RegExpMatchArray => !!m)
    .map((m) => ({ field: `body.data${m[1].replace(/\[\d+\].*$/, '')}`, message: m[2] }));
}

interface Failure {
  type?: string;
  message?: string;
  cause?: Failure;
}

/** Temporal's or the database's "I am not there": the API answers 503 and recovers by itself. */
export function isUnavailable(err: unknown): 'temporal' | 'database' | null {
  if (err instanceof TemporalServiceError || err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return 'temporal';
  const e = err as { name?: string; code?: unknown; message?: string; meta?: { driverAdapterError?: { cause?: { kind?: string; code?: number; cause?: string } } } };
  if (e?.name === 'PrismaClientInitializationError') return 'database';
  if (typeof e?.code === 'string' && ['P1001', 'P1002', 'P1008', 'P1017', 'P2024'].includes(e.code)) return 'database';
  const driver = e?.meta?.driverAdapterError?.cause;
  if (driver && (['DatabaseNotReachable', 'ConnectionClosed', 'TooManyConnections', 'SocketTimeout'].includes(driver.kind ?? '') || [45009, 45028, 45012].includes(driver.code ?? 0))) return 'database';
  // (EPIPE, ECONNRESET: a pooled connection the database closed when it stopped, written to again)
  if (typeof e?.message === 'string' && /pool timeout|ECONNREFUSED|ECONNRESET|EPIPE|Connection closed|socket has unexpectedly been closed/i.test(e.message)) return 'database';
  return null;
}

export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, next) => {
  if (res.headersSent) return next(err);
  if (err instanceof HttpProblem) return sendProblem(req, res, err.problem);
  if (err instanceof HttpError) return sendProblem(req, res, httpErrorProblem(req, err));
  if (err instanceof DomainError) {
    // a throttled caller learns when to try again
    if (err.kind === 'throttled' && err.extra.retryAfter !== undefined) res.set('Retry-After', String(err.extra.retryAfter));
    return sendProblem(req, res, domainProblem(req, err));
  }
  const l = localeOf(req);
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = (err.cause ?? {}) as Failure;
    const code = cause.type ?? 'REFUSED';
    const status = WORKFLOW_REFUSALS[code] ?? 409;
    const english = cause.message ?? err.message;
    const detail = l === 'en' ? english : `${REFUSAL_ZH[code] ?? '流程拒绝了该操作'}（${english}）`;
    // a form refused field by field: the first offending field, and each one in `errors`
    const errors = code === 'FORM_INVALID' ? formFieldErrors(english) : [];
    return sendProblem(req, res, { title: t(l, TITLES[status]), status, detail, field: errors[0]?.field ?? REFUSAL_FIELD[code] ?? 'path.id', code, ...(errors.length ? { errors } : {}) });
  }
  if (err instanceof WorkflowNotFoundError) {
    return sendProblem(req, res, { title: t(l, 'not-found.title'), status: 404, detail: t(l, 'case-not-running.detail'), field: 'path.id', code: 'NOT_RUNNING' });
  }
  const down = isUnavailable(err);
  if (down) {
    res.set('Retry-After', '5');
    return sendProblem(req, res, { title: t(l, 'unavailable.title'), status: 503, detail: t(l, 'unavailable.detail', { down }), field: down, code: 'UNAVAILABLE' });
  }
  const known = err as { code?: string; meta?: { target?: unknown; modelName?: string } };
  if (known?.code === 'P2025') return sendProblem(req, res, { title: t(l, 'not-found.title'), status: 404, detail: t(l, 'record-not-found.detail'), field: 'path.id', code: 'NOT_FOUND' });
  if (known?.code === 'P2002') return sendProblem(req, res, { title: t(l, 'conflict.title'), status: 409, detail: t(l, 'duplicate.detail'), field: `body.${String(Array.isArray(known.meta?.target) ? known.meta.target[0] : (known.meta?.target ?? 'id'))}`, code: 'DUPLICATE' });
  if (known?.code === 'P2003') return sendProblem(req, res, { title: t(l, 'conflict.title'), status: 409, detail: t(l, 'in-use.detail'), field: 'path.id', code: 'IN_USE' });
  const layer = httpLayerProblem(err, l);
  if (layer) return sendProblem(req, res, layer);
  console.error('unhandled error', err);
  sendProblem(req, res, { title: t(l, 'internal.title'), status: 500, detail: t(l, 'internal.detail') });
};
