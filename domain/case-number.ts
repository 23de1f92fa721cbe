/**
 * Case numbers: <district prefix>-<Beijing date>-<daily sequence>, e.g. DC-20261123-00042, the
 * 42nd case reported in 东城区 that day. The counter row is locked by its own increment, so
 * concurrent intakes (on any API instance) never share a number.
 */
import type { PrismaClient } from '../generated/prisma/client';

const BEIJING_OFFSET_MS = 8 * 3600_000;
export const DEFAULT_CASE_PREFIX = 'GC';

export function beijingDay(at: Date): string {
  return new Date(at.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10).replace(/-/g, '');
}

export function formatCaseNumber(prefix: string, day: string, n: number): string {
  return `${prefix}-${day}-${String(n).padStart(5, '0')}`;
}

export interface CaseNumber {
  id: string;
  prefix: string;
  day: string;
  n: number;
}

/**
 * The next number of the district's day. `atLeast` moves the counter forward: after a database
 * restore the counter can lag behind numbers Temporal already holds (see intake).
 */
export async function nextCaseNumber(prisma: PrismaClient, districtUnitId: number, at: Date = new Date(), atLeast = 1): Promise<CaseNumber> {
  const district = await prisma.orgUnit.findUnique({ where: { id: districtUnitId }, select: { casePrefix: true } });
  const prefix = district?.casePrefix || DEFAULT_CASE_PREFIX;
  const day = beijingDay(at);
  const n = await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`INSERT INTO case_sequences (prefix, day, last) VALUES (${prefix}, ${day}, ${Math.max(1, atLeast)}) ON DUPLICATE KEY UPDATE last = GREATEST(last + 1, ${atLeast})`;
    const rows = await tx.$queryRaw<{ last: number }[]>`SELECT last FROM case_sequences WHERE prefix = ${prefix} AND day = ${day}`;
    return Number(rows[0].last);
  });
  return { id: formatCaseNumber(prefix, day, n), prefix, day, n };
}

/** `DC-20261123-00042` → its parts; undefined when the text is not a case number. */
export function parseCaseNumber(id: string): CaseNumber | undefined {
  const m = /^([A-Z0-9]{1,8})-(\d{8})-(\d{5,})$/.exec(id);
  return m ? { id, prefix: m[1], day: m[2], n: Number(m[3]) } : undefined;
}
