/** Generated artefacts (the Prisma client, the API types, the console build) are made again when what they are made from changed. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

function filesUnder(root: string, rel: string): string[] {
  const abs = path.join(root, rel);
  if (!fs.existsSync(abs)) return [];
  if (fs.statSync(abs).isFile()) return [rel];
  return fs
    .readdirSync(abs)
    .sort()
    .flatMap((n) => filesUnder(root, path.posix.join(rel, n)));
}

/**
 * A hash over the named files and folders below root (paths and contents, in a stable order):
 * what a generated artefact was made from, to know when to make it again.
 */
export function hashInputs(root: string, inputs: readonly string[]): string {
  const h = crypto.createHash('sha256');
  for (const f of inputs.flatMap((r) => filesUnder(root, r))) h.update(f).update('\0').update(fs.readFileSync(path.join(root, f))).update('\0');
  return h.digest('hex');
}
