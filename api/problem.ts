/** RFC 9457 problem details: every API error is application/problem+json and names its field. */
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';

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

export function sendProblem(res: Response, p: Problem): void {
  res.status(p.status).type('application/problem+json').send(JSON.stringify({ type: 'about:blank', ...p }));
}

export const notFound: RequestHandler = (req, res) => {
  sendProblem(res, { title: 'Not Found', status: 404, detail: `no route for ${req.method} ${req.path}`, field: 'path' });
};

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
}

export const errorHandler: ErrorRequestHandler = (err: unknown, _req, res, next) => {
  if (res.headersSent) return next(err);
  if (err instanceof HttpProblem) return sendProblem(res, err.problem);
  const e = err as BodyParserError;
  switch (e?.type) {
    case 'entity.parse.failed':
      return sendProblem(res, { title: 'Malformed JSON', status: 400, detail: 'the request body is not valid JSON', field: 'body' });
    case 'entity.too.large':
      return sendProblem(res, { title: 'Payload Too Large', status: 413, detail: `the request body exceeds ${e.limit} bytes`, field: 'body' });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return sendProblem(res, { title: 'Unsupported Media Type', status: 415, detail: e.message, field: 'header.Content-Type' });
  }
  console.error('unhandled error', err);
  sendProblem(res, { title: 'Internal Server Error', status: 500, detail: 'the server failed to handle the request' });
};
