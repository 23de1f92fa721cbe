/**
 * Builds the console (designer/dist) when it is missing or stale: the API's types generated from
 * the OpenAPI document it serves (generated/openapi/schema.d.ts, kept current by the bootstrap:
 * platform/bootstrap/api-types.ts), a strict type check of the console against them (vue-tsc, so a
 * change in schema/ breaks this build rather than a user), then the Vite bundle.
 * Staleness is a hash over every input; `npm start`, `npm test` and `npm run api` call it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { ensureApiTypes } from '../api/openapi-types';
import { hashInputs } from '../platform/bootstrap/codegen';

const ROOT = path.resolve(__dirname, '..');
export const CONSOLE_DIR = path.join(__dirname, 'dist');
const STAMP = path.join(CONSOLE_DIR, '.build-hash');

/** Everything the bundle is made from: the console, the contracts, the shared process core, the locked packages. */
const INPUTS = ['designer/src', 'designer/index.html', 'designer/vite.config.ts', 'designer/tsconfig.json', 'designer/build.ts', 'schema', 'api/openapi.ts', 'process', 'diagrams', 'package-lock.json'];

export function inputsHash(): string {
  return hashInputs(ROOT, INPUTS);
}

export function consoleIsCurrent(): boolean {
  try {
    return fs.readFileSync(STAMP, 'utf8') === inputsHash() && fs.existsSync(path.join(CONSOLE_DIR, 'index.html'));
  } catch {
    return false;
  }
}

function run(what: string, args: string[]): void {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`console build: ${what} failed\n${out}`);
  }
}

const bin = (pkg: string, file: string) => path.join(path.dirname(require.resolve(`${pkg}/package.json`, { paths: [ROOT] })), file);


/** Brotli and gzip copies of the text assets, served as they are (no compression per request). */
function precompress(dir: string): void {
  if (!fs.existsSync(dir)) return;
  for (const name of fs.readdirSync(dir)) {
    if (!/\.(js|css|svg|json|map)$/.test(name)) continue;
    const file = path.join(dir, name);
    const body = fs.readFileSync(file);
    fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } }));
    fs.writeFileSync(`${file}.gz`, zlib.gzipSync(body, { level: 9 }));
  }
}

/** Builds when stale (or when `force`); returns whether it built. */
export function ensureConsole(opts: { force?: boolean; log?: (line: string) => void } = {}): boolean {
  if (!opts.force && consoleIsCurrent()) return false;
  const log = opts.log ?? (() => undefined);
  const t0 = Date.now();
  log('building the web console (designer/dist) …');
  const hash = inputsHash();
  // the typed client's schema (usually current already: the bootstrap generates it with the Prisma client)
  ensureApiTypes(ROOT, log);
  run('type check (vue-tsc)', [bin('vue-tsc', 'bin/vue-tsc.js'), '-p', path.join(__dirname, 'tsconfig.json'), '--noEmit']);
  run('vite build', [bin('vite', 'bin/vite.js'), 'build', '--config', path.join(__dirname, 'vite.config.ts'), '--logLevel', 'warn']);
  precompress(path.join(CONSOLE_DIR, 'assets'));
  fs.writeFileSync(STAMP, hash);
  log(`web console built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return true;
}

if (require.main === module) {
  ensureConsole({ force: process.argv.includes('--force'), log: (l) => console.log(`gridcase: ${l}`) });
}
