/**
 * Open311 GeoReport v2 under /open311/v2/ (http://wiki.open311.org/GeoReport_v2): services,
 * service definitions, POST and GET requests, tokens; every resource as .json and .xml.
 *
 * Errors follow the spec, not problem+json: `[{"code":400,"description":"…"}]` or
 * `<errors><error><code>400</code><description>…</description></error></errors>`, with 403 for a
 * missing or bad api_key, 404 for what does not exist, 429 over the rate limit, 503 when a
 * dependency is down and 400 for anything else the request got wrong (our 409/422 included). The
 * error handler is returned next to the router (`app.use(open311Routes(api))` mounts both), so it
 * also catches what fails before the router, such as an unreadable body; it passes on every
 * error of other paths.
 *
 * POST requests: form-urlencoded, or multipart/form-data with a photo in `media` and every other
 * field (api_key too) as a form field, as published Open311 clients send a photo (the photo is
 * checked as intake's: ../http/upload.ts) → rate limit (per client address and per api_key,
 * ../http/rate-limit.ts) → api_key → validation (schema/api/open311.json) → Idempotency-Key
 * (scope open311:<client id>) → intake. A successful POST answers 200, as the spec's examples and
 * existing Open311 clients expect.
 *
 * requests/{id}: an id that is not a case number of ours, unknown or malformed, is a 404.
 */
import { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import type { ApiDeps } from '../deps';
import { HttpError } from '../http/errors';
import { inputPlacesOf, mapDomainError, placeInputs, type InputPlaces } from '../http/domain-errors';
import { idempotent } from '../http/idempotency';
import { OPEN311_MEDIA, photosOf, uploadPhotos } from '../http/upload';
import { rateLimit, SlidingWindow } from '../http/rate-limit';
import { input, validate } from '../http/validate';
import { xmlDocument, type XmlValue } from '../http/xml';
import { localeOf, type Locale } from '../i18n';
import { DomainError, text, type Text } from '../services/errors';
import { HttpProblem, httpLayerProblem, isUnavailable } from '../problem';
import {
  apiClientByKey,
  createServiceRequest,
  findServiceRequests,
  getServiceRequest,
  keyHash,
  listServices,
  serviceDefinition,
  serviceRequestOfToken,
  type ApiClientRef,
  type RequestForm,
  type RequestQuery,
} from '../services/open311';

export const OPEN311_BASE = '/open311/v2';

type Format = 'json' | 'xml';

/** XML element names of list items (the Spark convention's plural → singular). */
const ITEM_NAMES: Record<string, string> = { services: 'service', service_requests: 'request', attributes: 'attribute', values: 'value', errors: 'error' };

function formatOf(req: Request, res: Response): Format {
  return (res.locals.format as Format | undefined) ?? (/\.xml$/i.test(req.path) ? 'xml' : 'json');
}

function send(req: Request, res: Response, root: string, value: XmlValue, status = 200): void {
  res.status(status).set('Content-Language', localeOf(req));
  if (formatOf(req, res) === 'xml') res.type('text/xml; charset=utf-8').send(xmlDocument(root, value, ITEM_NAMES));
  else res.type('application/json; charset=utf-8').send(JSON.stringify(value));
}

/** The resource's extension: .json or .xml, anything else does not exist. */
const format: RequestHandler = (req, res, next) => {
  const f = String(req.params.format ?? '').toLowerCase();
  if (f !== 'json' && f !== 'xml') throw new HttpError(404, 'format', text(`不支持 .${f} 格式：请用 .json 或 .xml`, `the format .${f} is not supported: use .json or .xml`), 'NOT_FOUND');
  res.locals.format = f;
  next();
};

/** GeoReport v2: "a null parameter should be treated as equivalent to a non-declared parameter". */
const dropEmpty: RequestHandler = (req, _res, next) => {
  const body = req.body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object') {
    for (const [k, v] of Object.entries(body)) if (v === '' || v === null) delete body[k];
  }
  next();
};

const apiKeyOf = (req: Request): string | undefined => {
  const fromBody = (req.body as { api_key?: unknown } | undefined)?.api_key;
  const fromQuery = (req.query as { api_key?: unknown }).api_key;
  const key = typeof fromBody === 'string' ? fromBody : typeof fromQuery === 'string' ? fromQuery : undefined;
  return key || undefined;
};

// ---------------------------------------------------------------------------------------------
// errors in the spec's format

interface SpecError {
  code: number;
  description: string;
}

/** Our field paths in Open311's words: body.attribute.severity → attribute[severity], query.status → status. */
export function specField(field: string): string {
  const [where, ...rest] = field.split('.');
  if (where === 'header') return `${rest.join('.')} header`;
  if (where === 'client') return `client ${rest.join(' ')}`;
  const parts = ['body', 'query', 'path'].includes(where) ? rest : [where, ...rest];
  if (!parts.length) return where;
  return parts[0] + parts.slice(1).map((p) => `[${p}]`).join('');
}

const say = (m: Text, l: Locale) => (typeof m === 'string' ? m : m[l]);
/** The validator's most common words in Chinese (the rest stay as ajv says them). */
const ZH_MESSAGES: Record<string, string> = { 'is required': '为必填项', 'is not a known field': '不是已知字段', 'must be string': '须为文本', 'must be object': '须为对象' };
const fieldMessage = (m: string, l: Locale) => (l === 'zh-CN' ? (ZH_MESSAGES[m] ?? m) : m);
const named = (field: string | undefined, description: string) => (field && !description.includes(field) ? `${field}: ${description}` : description);

/** The status the spec wants: 403 for api keys, 404, 429, 503; 400 for any other client error. */
function specStatus(status: number): number {
  if (status === 401) return 403;
  if ([403, 404, 413, 415, 429, 503].includes(status)) return status;
  return status >= 500 ? 500 : 400;
}

function specErrors(err: unknown, l: Locale, places: InputPlaces): { status: number; errors: SpecError[]; retryAfter?: string } | null {
  if (err instanceof HttpProblem) {
    const p = err.problem;
    const status = specStatus(p.status);
    const list = p.errors?.length ? p.errors.map((e) => named(specField(e.field), fieldMessage(e.message, l))) : [named(p.field ? specField(p.field) : undefined, p.detail ?? p.title)];
    return { status, errors: list.map((description) => ({ code: status, description })) };
  }
  if (err instanceof HttpError) {
    const status = specStatus(err.status);
    return { status, errors: [{ code: status, description: named(specField(err.field), say(err.text, l)) }] };
  }
  if (err instanceof DomainError) {
    const mapped = mapDomainError(err, places);
    const status = specStatus(mapped.status);
    const field = mapped.field ? specField(mapped.field) : undefined;
    const list = mapped.errors ? mapped.errors.map((e) => named(specField(e.field), say(e.message, l))) : [named(field, say(err.text, l))];
    return { status, errors: list.map((description) => ({ code: status, description })) };
  }
  const down = isUnavailable(err);
  if (down) {
    const description = l === 'en' ? `the service is temporarily unavailable (${down}): try again shortly` : `服务暂时不可用（${down}），请稍后重试`;
    return { status: 503, errors: [{ code: 503, description }], retryAfter: '5' };
  }
  const e = err as { code?: string; type?: string; limit?: number };
  if (e?.code === 'P2025') return { status: 404, errors: [{ code: 404, description: l === 'en' ? 'the record does not exist' : '记录不存在' }] };
  if (e?.type === 'entity.parse.failed') return { status: 400, errors: [{ code: 400, description: l === 'en' ? 'the request body cannot be read' : '请求体无法解析' }] };
  if (e?.type === 'entity.too.large') return { status: 413, errors: [{ code: 413, description: l === 'en' ? `the request body exceeds ${e.limit} bytes` : `请求体超过 ${e.limit} 字节` }] };
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return { status: 415, errors: [{ code: 415, description: l === 'en' ? 'send the body in UTF-8' : '请求体须为 UTF-8 编码' }] };
  const layer = httpLayerProblem(err, l);
  if (layer) {
    const status = specStatus(layer.status);
    return { status, errors: [{ code: status, description: named(layer.field ? specField(layer.field) : undefined, layer.detail ?? layer.title) }] };
  }
  return null;
}

export const open311Errors: ErrorRequestHandler = (err: unknown, req, res, next) => {
  if (res.headersSent || !req.path.startsWith('/open311/')) return next(err);
  const l = localeOf(req);
  let out = specErrors(err, l, inputPlacesOf(req));
  if (!out) {
    console.error('unhandled error', err);
    out = { status: 500, errors: [{ code: 500, description: l === 'en' ? 'the server failed to handle the request' : '服务器处理请求时出错' }] };
  }
  if (out.retryAfter) res.set('Retry-After', out.retryAfter);
  send(req, res, 'errors', out.errors as unknown as XmlValue, out.status);
};

/** Case numbers (DC-20261124-00042); any other service_request_id names nothing. */
const REQUEST_ID = /^[A-Za-z0-9-]{1,40}$/;

/** GeoReport v2 answers a request id it does not know with 404, whether unknown or malformed. */
const requestId: RequestHandler = (req, _res, next) => {
  const id = String(req.params.service_request_id ?? '');
  if (!REQUEST_ID.test(id)) {
    const shown = id.length > 40 ? `${id.slice(0, 40)}…` : id;
    throw new HttpError(404, 'service_request_id', text(`没有诉求 ${shown}`, `service_request_id ${shown} was not found`), 'NOT_FOUND');
  }
  next();
};

const unknownPath: RequestHandler = (req) => {
  throw new HttpError(404, 'path', text(`没有 ${req.method} ${req.path} 这个接口`, `no resource ${req.method} ${req.path}`), 'NOT_FOUND');
};

// ---------------------------------------------------------------------------------------------

/** The Open311 router and, after it, its error handler (mount both with one app.use). */
export function open311Routes(deps: ApiDeps): [Router, ErrorRequestHandler] {
  const r = Router();
  // per API instance, in memory: see ../http/rate-limit.ts
  const window = new SlidingWindow(deps.open311RateLimit);
  const clients = new WeakMap<Request, ApiClientRef>();

  const apiKey: RequestHandler = async (req, _res, next) => {
    clients.set(req, await apiClientByKey(deps, apiKeyOf(req)));
    next();
  };

  r.get(`${OPEN311_BASE}/services.:format`, format, async (req, res) => {
    send(req, res, 'services', (await listServices(deps, localeOf(req))) as unknown as XmlValue);
  });

  r.get(`${OPEN311_BASE}/services/:service_code.:format`, format, validate({ params: 'Open311ServiceParams' }), async (req, res) => {
    const { service_code } = input<unknown, unknown, { service_code: string }>(req).params;
    send(req, res, 'service_definition', (await serviceDefinition(deps, service_code, localeOf(req))) as unknown as XmlValue);
  });

  r.post(
    `${OPEN311_BASE}/requests.:format`,
    format,
    uploadPhotos(deps.attachmentMaxBytes, OPEN311_MEDIA),
    dropEmpty,
    rateLimit(window, (req) => {
      const key = apiKeyOf(req);
      return [`ip:${req.ip}`, ...(key ? [`key:${keyHash(key)}`] : [])];
    }),
    apiKey,
    validate({ body: 'Open311RequestCreate' }),
    // intake's inputs in Open311's words
    placeInputs({ category: 'service_code', location: 'lat' }),
    idempotent(deps.prisma, (req) => `open311:${clients.get(req)!.id}`),
    async (req, res) => {
      const form = input<RequestForm>(req).body;
      const photos = photosOf(req.files as Express.Multer.File[] | undefined, OPEN311_MEDIA.field);
      const created = await createServiceRequest(deps, clients.get(req)!, form, localeOf(req), req.idempotency, photos);
      send(req, res, 'service_requests', created as unknown as XmlValue);
    },
  );

  r.get(`${OPEN311_BASE}/requests.:format`, format, validate({ query: 'Open311RequestsQuery' }), async (req, res) => {
    const q = input<unknown, RequestQuery>(req).query;
    send(req, res, 'service_requests', (await findServiceRequests(deps, q, localeOf(req))) as unknown as XmlValue);
  });

  r.get(`${OPEN311_BASE}/requests/:service_request_id.:format`, format, requestId, validate({}), async (req, res) => {
    const service_request_id = String(req.params.service_request_id);
    send(req, res, 'service_requests', (await getServiceRequest(deps, service_request_id, localeOf(req))) as unknown as XmlValue);
  });

  r.get(`${OPEN311_BASE}/tokens/:token.:format`, format, validate({ params: 'Open311TokenParams' }), async (req, res) => {
    const { token } = input<unknown, unknown, { token: string }>(req).params;
    send(req, res, 'service_requests', (await serviceRequestOfToken(deps, token)) as unknown as XmlValue);
  });

  r.use('/open311', unknownPath);
  return [r, open311Errors];
}
