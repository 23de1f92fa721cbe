/** RFC 9457 problem details: every API error is application/problem+json and names its field. */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { localeOf, t } from './i18n';

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
}

export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, next) => {
  if (res.headersSent) return next(err);
  if (err instanceof HttpProblem) return sendProblem(req, res, err.problem);
  const l = localeOf(req);
  const e = err as BodyParserError;
  switch (e?.type) {
    case 'entity.parse.failed':
      return sendProblem(req, res, { title: t(l, 'malformed-json.title'), status: 400, detail: t(l, 'malformed-json.detail'), field: 'body' });
    case 'entity.too.large':
      return sendProblem(req, res, { title: t(l, 'too-large.title'), status: 413, detail: t(l, 'too-large.detail', { limit: e.limit ?? 0 }), field: 'body' });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return sendProblem(req, res, { title: t(l, 'unsupported-media.title'), status: 415, detail: e.message, field: 'header.Content-Type' });
  }
  console.error('unhandled error', err);
  sendProblem(req, res, { title: t(l, 'internal.title'), status: 500, detail: t(l, 'internal.detail') });
};
