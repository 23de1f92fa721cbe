/**
 * The reference processes (diagrams/<key>.bpmn) deployed as the first versions of their
 * definitions. A definition that already has versions is left alone unless the file changed
 * and no administrator has deployed since (the newest version is still one the seed wrote).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { PrismaClient } from '../generated/prisma/client';
import { deployProcess } from '../api/services/admin/deploy';
import { PROCESS_KEYS } from './catalog';
import type { SeedCount } from './report';

export const PROCESSES_DIR = path.resolve(__dirname, '..', 'diagrams');

export function referenceProcessXml(key: string): string {
  return fs.readFileSync(path.join(PROCESSES_DIR, `${key}.bpmn`), 'utf8');
}

export async function seedProcesses(prisma: PrismaClient): Promise<SeedCount> {
  const count: SeedCount = { created: 0, updated: 0, total: PROCESS_KEYS.length };
  for (const key of PROCESS_KEYS) {
    const file = path.join(PROCESSES_DIR, `${key}.bpmn`);
    if (!fs.existsSync(file)) throw new Error(`seed: the reference process ${file} is missing`);
    const newest = await prisma.processVersion.findFirst({ where: { definition: { key } }, orderBy: { version: 'desc' }, select: { deployedById: true } });
    if (newest && newest.deployedById !== null) continue; // an administrator owns it now
    const r = await deployProcess(prisma, { key, xml: referenceProcessXml(key), skipIfUnchanged: true });
    if (r.created) count[newest ? 'updated' : 'created'] += 1;
  }
  return count;
}
