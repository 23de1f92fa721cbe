/**
 * Deploying a process: compile and lint the BPMN, then store it as the next immutable version
 * of its definition (server side). New cases use the newest version; running cases keep theirs.
 */
import crypto from 'node:crypto';
import type { Prisma, PrismaClient } from '../../../generated/prisma/client';
import { compileBpmn, type CompileIssue } from '../../../process/compiler';

export class DeployError extends Error {
  constructor(readonly issues: CompileIssue[]) {
    super(`the diagram does not compile: ${issues.map((i) => `${i.element}: ${i.message}`).join('; ')}`);
    this.name = 'DeployError';
  }
}

export interface Deployed {
  definitionId: number;
  versionId: number;
  version: number;
  /** false when the newest version already had this exact XML (nothing written) */
  created: boolean;
}

/** Deploys `xml` as the next version of `key`; `comment` (the administrator's note) is stored with a new version only. */
export async function deployProcess(
  prisma: PrismaClient,
  input: { key: string; xml: string; deployedById?: number | null; name?: string; skipIfUnchanged?: boolean; comment?: string | null },
  /** runs in the deployment's transaction once a new version is written (the administration audit log) */
  onDeployed?: (tx: Prisma.TransactionClient, deployed: Deployed & { checksum: string }) => Promise<void>,
): Promise<Deployed> {
  const result = await compileBpmn(input.xml);
  if (!result.ok) throw new DeployError(result.errors);
  const checksum = crypto.createHash('sha256').update(input.xml).digest('hex');
  return prisma.$transaction(async (tx) => {
    const definition = await tx.processDefinition.upsert({
      where: { key: input.key },
      create: { key: input.key, name: input.name ?? result.model.name ?? input.key },
      update: {},
    });
    // lock the definition row so concurrent deployments number versions one after the other
    await tx.$queryRaw`SELECT id FROM process_definitions WHERE id = ${definition.id} FOR UPDATE`;
    const latest = await tx.processVersion.findFirst({ where: { definitionId: definition.id }, orderBy: { version: 'desc' }, select: { id: true, version: true, checksum: true } });
    if (latest && input.skipIfUnchanged && latest.checksum === checksum) return { definitionId: definition.id, versionId: latest.id, version: latest.version, created: false };
    const version = (latest?.version ?? 0) + 1;
    const row = await tx.processVersion.create({
      data: { definitionId: definition.id, version, bpmnXml: input.xml, model: result.model as object, checksum, deployedById: input.deployedById ?? null, comment: input.comment ?? null },
    });
    const deployed = { definitionId: definition.id, versionId: row.id, version, created: true };
    await onDeployed?.(tx, { ...deployed, checksum });
    return deployed;
  });
}

/** The newest deployed version of a process key. */
export async function latestVersion(prisma: PrismaClient, key: string): Promise<{ id: number; version: number } | null> {
  return prisma.processVersion.findFirst({ where: { definition: { key } }, orderBy: { version: 'desc' }, select: { id: true, version: true } });
}
