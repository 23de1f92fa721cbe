/** Compiled process models by version id. Versions are immutable, so a process-wide cache is safe. */
import type { PrismaClient } from '../../generated/prisma/client';
import type { ProcessModel } from '../../process/model';

const cache = new Map<number, ProcessModel>();
const MAX = 200;

export async function modelOf(prisma: PrismaClient, versionId: number): Promise<ProcessModel | null> {
  const hit = cache.get(versionId);
  if (hit) return hit;
  const v = await prisma.processVersion.findUnique({ where: { id: versionId }, select: { model: true } });
  if (!v) return null;
  const model = v.model as unknown as ProcessModel;
  if (cache.size >= MAX) cache.delete(cache.keys().next().value as number);
  cache.set(versionId, model);
  return model;
}

/** The user task's outcomes and whether it may be escalated, as drawn. */
export function userTaskOf(model: ProcessModel | null, elementId: string): { outcomes: string[]; escalatable: boolean; form: unknown } | null {
  const el = model?.elements?.[elementId] as { type?: string; outcomes?: string[]; escalatable?: boolean; form?: unknown } | undefined;
  if (!el || el.type !== 'userTask') return null;
  return { outcomes: el.outcomes ?? [], escalatable: !!el.escalatable, form: el.form ?? null };
}
