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

export function consoleRoutes(dir: string): Router {
  const r = express.Router();
  const index = path.join(dir, 'index.html');
  r.use('/assets', express.static(path.join(dir, 'assets'), { index: false, immutable: true, maxAge: '365d', fallthrough: false }));
  r.get(/.*/, (req, res, next) => {
    if (NOT_PAGES.test(req.path) || !req.accepts('html') || !fs.existsSync(index)) return next();
    res.set({ 'Content-Security-Policy': CSP, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'same-origin' });
    res.sendFile(index);
  });
  return r;
}
