/** The web console as the API serves it: pages fall through to index.html, API paths never do, assets precompressed. */
import express from 'express';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import request from 'supertest';
import { consoleRoutes } from '../../api/console';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-console-'));
const script = 'console.log("控制台");'.repeat(50);
beforeAll(() => {
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>GridCase</title><div id="app"></div>');
  fs.writeFileSync(path.join(dir, 'assets', 'main-abc123.js'), script);
  fs.writeFileSync(path.join(dir, 'assets', 'main-abc123.js.br'), zlib.brotliCompressSync(script));
  fs.writeFileSync(path.join(dir, 'assets', 'main-abc123.js.gz'), zlib.gzipSync(script));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function app() {
  const a = express();
  a.get('/api/known', (_req, res) => void res.json({ ok: true }));
  a.use(consoleRoutes(dir));
  a.use((_req, res) => void res.status(404).type('application/problem+json').send('{"status":404}'));
  return a;
}

describe('the console routes', () => {
  it('given a browser asking for the root or any page path, then it gets index.html with a strict content security policy', async () => {
    for (const p of ['/', '/signin', '/processes/standard-closed-loop/diff']) {
      const res = await request(app()).get(p).set('Accept', 'text/html');
      expect(res.status).toBe(200);
      expect(res.text).toContain('<div id="app">');
      expect(res.headers['content-security-policy']).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
      expect(res.headers['cache-control']).toBe('no-cache');
    }
  });

  it('given an API, Open311 or docs path, then the console never answers it', async () => {
    for (const p of ['/api/unknown', '/open311/v2/nope.json', '/docs/x', '/health/x', '/openapi.json']) {
      const res = await request(app()).get(p).set('Accept', 'text/html');
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
    expect((await request(app()).get('/api/known')).body).toEqual({ ok: true });
  });

  it('given a client that takes brotli or gzip, then assets are the build’s precompressed copies, cached for a year', async () => {
    const br = await request(app()).get('/assets/main-abc123.js').set('Accept-Encoding', 'gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/text\/javascript/);
    expect(br.headers['cache-control']).toMatch(/max-age=31536000/);
    expect(br.headers.vary).toMatch(/Accept-Encoding/);
    // the bytes on the wire are the .br file (the client decodes them)
    expect(Number(br.headers['content-length'])).toBe(fs.statSync(path.join(dir, 'assets', 'main-abc123.js.br')).size);
    expect(br.text).toBe(script);

    const gz = await request(app()).get('/assets/main-abc123.js').set('Accept-Encoding', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.text).toBe(script);

    const plain = await request(app()).get('/assets/main-abc123.js').set('Accept-Encoding', 'identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.text).toBe(script);
  });

  it('given a missing asset, then it is a 404, not the index page', async () => {
    const res = await request(app()).get('/assets/missing.js').set('Accept', 'text/html');
    expect(res.status).toBe(404);
    expect(res.text).not.toContain('<div id="app">');
  });
});
