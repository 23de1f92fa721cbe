/**
 * Serves the web console (designer/dist, built by designer/build.ts): hashed assets cached for a
 * year, and index.html for every other GET that asks for a page, so the console's own router
 * decides (the sign-in page, then the page of the caller's role). API paths never fall through
 * to it: an unknown /api path is still a problem+json 404.
 */
import express, { type Router } from 'express';
import fs from 'node:fs';
import path from 'node:path';

const NOT_PAGES = /^\/(api|open311|docs|health|openapi\.json)(\/|$)/;

/**
 * The console's pages may load only what they were served with. Styles may be inline (Element
 * Plus and bpmn-js set style attributes); scripts may use eval because the shared process
 * compiler validates with ajv, which compiles schemas to functions.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.json': 'application/json', '.map': 'application/json' };

/** The build's precompressed copy (.br, else .gz) of an asset, when the client takes it. */
function precompressed(assets: string): express.RequestHandler {
  return (req, res, next) => {
    const name = path.basename(req.path);
    const type = TYPES[path.extname(name)];
    if (!type || name !== req.path.slice(1)) return next();
    const accepts = String(req.headers['accept-encoding'] ?? '');
    for (const [encoding, ext] of [['br', '.br'], ['gzip', '.gz']] as const) {
      if (!new RegExp(`\\b${encoding}\\b`).test(accepts)) continue;
      const file = path.join(assets, name + ext);
      if (!fs.existsSync(file)) continue;
      res.set({ 'Content-Encoding': encoding, 'Content-Type': type, Vary: 'Accept-Encoding', 'Cache-Control': 'public, max-age=31536000, immutable' });
      return res.sendFile(file);
    }
    next();
  };
}

export function consoleRoutes(dir: string): Router {
  const r = express.Router();
  const index = path.join(dir, 'index.html');
  r.use('/assets', precompressed(path.join(dir, 'assets')));
  r.use('/assets', express.static(path.join(dir, 'assets'), { index: false, immutable: true, maxAge: '365d', fallthrough: false }));
  r.get(/.*/, (req, res, next) => {
    if (NOT_PAGES.test(req.path) || !req.accepts('html') || !fs.existsSync(index)) return next();
    res.set({ 'Content-Security-Policy': CSP, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'same-origin' });
    res.sendFile(index);
  });
  return r;
}
