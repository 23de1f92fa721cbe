/**
 * Case numbers: <district prefix>-<Beijing date>-<daily sequence>, e.g. DC-20261123-00042, the
 * 42nd case reported in 东城区 that day. The counter row is locked by its own increment, so
 * concurrent intakes (on any API instance) never share a number.
 */
import type { PrismaClient } from '../../generated/prisma/client';

const BEIJING_OFFSET_MS = 8 * 3600_000;
export const DEFAULT_CASE_PREFIX = 'GC';

export function beijingDay(at: Date): string {
  return new Date(at.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10).replace(/-/g, '');
}

/**
 * `step` > 1 skips ahead: after a database restore the counter can lag behind numbers Temporal
 * already holds, and intake probes forward with growing steps until a number is free.
 */
export async function nextCaseNumber(prisma: PrismaClient, districtUnitId: number, at: Date = new Date(), step = 1): Promise<string> {
  const district = await prisma.orgUnit.findUnique({ where: { id: districtUnitId }, select: { casePrefix: true } });
  const prefix = district?.casePrefix || DEFAULT_CASE_PREFIX;
  const day = beijingDay(at);
  const n = await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`INSERT INTO case_sequences (prefix, day, last) VALUES (${prefix}, ${day}, ${step}) ON DUPLICATE KEY UPDATE last = last + ${step}`;
    const rows = await tx.$queryRaw<{ last: number }[]>`SELECT last FROM case_sequences WHERE prefix = ${prefix} AND day = ${day}`;
    return Number(rows[0].last);
  });
  return `${prefix}-${day}-${String(n).padStart(5, '0')}`;
}
