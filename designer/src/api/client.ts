/**
 * The API client, typed by the OpenAPI document the API serves (openapi-typescript generates
 * generated/openapi/schema.d.ts with the Prisma client, platform/bootstrap/api-types.ts; the
 * tests' typed client uses the same file; openapi-fetch does the calls). Every call carries the signed-in
 * caller's bearer token and the UI language; a 401 ends the session.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from '@generated/openapi/schema';
import { session, signOutLocally } from '../session/session';

const auth: Middleware = {
  onRequest({ request }) {
    if (session.token) request.headers.set('Authorization', `Bearer ${session.token}`);
    request.headers.set('Accept-Language', session.lang === 'en' ? 'en' : 'zh-CN');
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401 && session.token) signOutLocally();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: '' });
api.use(auth);

/** An RFC 9457 problem as the API sends it. */
export interface Problem {
  status: number;
  title?: string;
  detail?: string;
  field?: string;
  code?: string;
  errors?: { element: string; type: string; message: string; rule: string }[];
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
  }
}

/** The data of an openapi-fetch result, or an ApiError with the server's problem. */
export function ok<T>(r: { data?: T; error?: unknown; response: Response }): T {
  if (r.error !== undefined || !r.response.ok) {
    const body = (r.error ?? {}) as Partial<Problem>;
    throw new ApiError({ ...body, status: r.response.status } as Problem);
  }
  return r.data as T;
}

/** Plain-text bodies (BPMN XML) the generated client would parse as JSON. */
export async function fetchText(url: string, init: RequestInit = {}): Promise<{ text: string; response: Response }> {
  const headers = new Headers(init.headers);
  if (session.token) headers.set('Authorization', `Bearer ${session.token}`);
  headers.set('Accept-Language', session.lang === 'en' ? 'en' : 'zh-CN');
  const response = await fetch(url, { ...init, headers });
  const text = await response.text();
  if (!response.ok) {
    let problem: Problem = { status: response.status, detail: text };
    try {
      problem = { ...JSON.parse(text), status: response.status };
    } catch {
      /* not JSON */
    }
    if (response.status === 401 && session.token) signOutLocally();
    throw new ApiError(problem);
  }
  return { text, response };
}

/**
 * Bytes the page shows itself (a case's photos: GET /api/cases/{id}/attachments/{attachmentId}
 * needs the bearer token, so an <img src> cannot load it): the body as a Blob, e.g. for
 * URL.createObjectURL (revoke it when done).
 */
export async function fetchBlob(url: string): Promise<Blob> {
  const headers = new Headers();
  if (session.token) headers.set('Authorization', `Bearer ${session.token}`);
  headers.set('Accept-Language', session.lang === 'en' ? 'en' : 'zh-CN');
  const response = await fetch(url, { headers });
  if (!response.ok) {
    let problem: Problem = { status: response.status };
    try {
      problem = { ...(await response.json()), status: response.status };
    } catch {
      /* not JSON */
    }
    if (response.status === 401 && session.token) signOutLocally();
    throw new ApiError(problem);
  }
  return response.blob();
}

export function problemText(e: unknown): string {
  if (e instanceof ApiError) return e.problem.detail ?? e.problem.title ?? e.message;
  return e instanceof Error ? e.message : String(e);
}
