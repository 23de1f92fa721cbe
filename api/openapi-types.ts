/**
 * The API's TypeScript types, generated from the OpenAPI document the API serves
 * (openapi-typescript) into generated/openapi/: `schema.d.ts` (paths, components) for the typed
 * clients (openapi-fetch) of the console and the tests, and `openapi.json`, the document itself.
 * Regenerated when an input changed: everything under schema/, the code that assembles the
 * document (api/openapi.ts) and the generator's version (a hash over them, as designer/build.ts
 * does for the console). The entry points (cli/) call it right after the bootstrap generated the
 * Prisma client, so a fresh clone has both before anything type-checks or builds.
 */
import fs from 'node:fs';
import path from 'node:path';
import { hashInputs } from '../platform/bootstrap/codegen';
import { BootstrapError, run } from '../platform/bootstrap/proc';

export const API_TYPES_DIR = ['generated', 'openapi'] as const;

/** Writes generated/openapi/{openapi.json,schema.d.ts} when missing or stale; returns whether it wrote them. */
export function ensureApiTypes(root: string, log: (l: string) => void, opts: { force?: boolean } = {}): boolean {
  const out = path.join(root, ...API_TYPES_DIR);
  const types = path.join(out, 'schema.d.ts');
  const docFile = path.join(out, 'openapi.json');
  const marker = path.join(out, '.inputs-sha256');
  const pkg = require.resolve('openapi-typescript/package.json', { paths: [root] });
  const hash = hashInputs(root, ['schema', 'api/openapi.ts', path.relative(root, pkg)]);
  if (!opts.force && fs.existsSync(types) && fs.existsSync(docFile) && fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === hash) return false;
  log('generating the API types (generated/openapi) …');
  // loaded here, not at the top: the document's modules need the generated Prisma client, which a
  // fresh clone has only once the bootstrap ran
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { openapiDocument } = require('./openapi') as typeof import('./openapi');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(docFile, JSON.stringify(openapiDocument(), null, 1));
  const cli = path.join(path.dirname(pkg), 'bin', 'cli.js');
  const r = run(process.execPath, [cli, docFile, '--output', types, '--silent'], { cwd: root, timeoutMs: 180_000 });
  if (r.status !== 0) throw new BootstrapError(`openapi-typescript failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`);
  fs.writeFileSync(marker, hash);
  return true;
}
