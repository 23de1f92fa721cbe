/** A small JSON client of the GridCase API for the benchmarks (fetch, keep-alive, bearer tokens). */
/* eslint-disable @typescript-eslint/no-explicit-any -- replies are JSON of many shapes; callers name what they read */

export const DEMO_PASSWORD = 'GridCase#2026';

/** A point inside 王芳's grid (东华门第一社区第3网格), where reports are located. */
export const WANGFANG_POINT = { lat: 39.907529, lng: 116.3894464 };

export interface Reply<T = any> {
  status: number;
  body: T;
  ms: number;
  headers: Headers;
}

export class ApiClient {
  private tokens = new Map<string, Promise<string>>();
  constructor(readonly baseUrl: string) {}

  token(username: string): Promise<string> {
    let t = this.tokens.get(username);
    if (!t) {
      t = this.request('POST', '/api/auth/token', { body: { username, password: DEMO_PASSWORD } }).then((r) => {
        if (r.status !== 200) throw new Error(`sign-in of ${username} failed: ${r.status} ${JSON.stringify(r.body)}`);
        return r.body.access_token as string;
      });
      this.tokens.set(username, t);
      t.catch(() => this.tokens.delete(username));
    }
    return t;
  }

  async request<T = any>(method: string, path: string, opts: { as?: string; body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    if (opts.as) headers.authorization = `Bearer ${await this.token(opts.as)}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const t0 = performance.now();
    const res = await fetch(this.baseUrl + path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), signal: opts.signal });
    const text = await res.text();
    const ms = performance.now() - t0;
    let body: any = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: body as T, ms, headers: res.headers };
  }

  /** Like request, but throws unless the status is the expected one. */
  async expect<T = any>(status: number, method: string, path: string, opts: Parameters<ApiClient['request']>[2] = {}): Promise<Reply<T>> {
    const r = await this.request<T>(method, path, opts);
    if (r.status !== status) throw new Error(`${method} ${path}: ${r.status} ${typeof r.body === 'string' ? r.body.slice(0, 200) : JSON.stringify(r.body).slice(0, 300)}`);
    return r;
  }
}
