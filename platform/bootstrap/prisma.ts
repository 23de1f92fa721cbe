/**
 * Generates the Prisma client (generated/prisma) when it is missing or the schema changed.
 * Offline note: the Prisma CLI insists on a schema engine binary even for `generate`, which it
 * cannot download here; generate never runs it, so any executable satisfies the check.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BootstrapError, run } from './proc';

export function ensurePrismaClient(root: string, log: (l: string) => void): void {
  const schema = path.join(root, 'schema', 'prisma', 'schema.prisma');
  const out = path.join(root, 'generated', 'prisma');
  const marker = path.join(out, '.schema-sha256');
  const cli = require.resolve('prisma/build/index.js', { paths: [root] });
  const hash = crypto.createHash('sha256').update(fs.readFileSync(schema)).update(fs.readFileSync(cli)).digest('hex');
  if (!(fs.existsSync(path.join(out, 'client.ts')) && fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === hash)) generatePrisma(root, cli, marker, hash, log);
}

function generatePrisma(root: string, cli: string, marker: string, hash: string, log: (l: string) => void): void {
  log('generating the Prisma client …');
  const r = run(process.execPath, [cli, 'generate'], {
    cwd: root,
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
    timeoutMs: 180_000,
  });
  if (r.status !== 0) throw new BootstrapError(`prisma generate failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`);
  fs.writeFileSync(marker, hash);
}
