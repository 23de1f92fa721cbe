/**
 * The time limit a user task's deadline is counted from: the duration drawn on the task, or its
 * category's limit for the task's tier (else the nearest tier above that has one), else
 * DEFAULT_LIMIT. prepareTask (activities/cases.ts) sets deadlines with it; the API reads it to show
 * on which calendar an extension or deferral would be counted (api/services/approvals.ts).
 */
import type { PrismaClient } from '../generated/prisma/client';
import { TIER_ORDER, type CalendarKind, type DeadlineSpec, type Tier } from '../process/model';

/** When a category has no limit for a tier (or the case is not classified yet). */
export const DEFAULT_LIMIT = { duration: 'P3D', calendar: 'WORKING_DAYS' as CalendarKind };

export type TimeLimit = { duration: string; calendar: CalendarKind };

/** `tier` is the task's tier; grid and reporter tasks are timed like the village tier. */
export async function timeLimitOf(prisma: Pick<PrismaClient, 'categoryTimeLimit'>, spec: DeadlineSpec, tier: Tier, category: string | null): Promise<TimeLimit> {
  return (await timeLimitsOf(prisma, [{ spec, tier, category }]))[0];
}

/** timeLimitOf for many tasks at once (a page of them), with one query of category limits. */
export async function timeLimitsOf(prisma: Pick<PrismaClient, 'categoryTimeLimit'>, asks: readonly { spec: DeadlineSpec; tier: Tier; category: string | null }[]): Promise<TimeLimit[]> {
  const codes = [...new Set(asks.filter((a) => a.spec.kind !== 'duration' && a.category).map((a) => a.category as string))];
  const rows = codes.length
    ? await prisma.categoryTimeLimit.findMany({ where: { category: { code: { in: codes } } }, select: { tier: true, duration: true, calendar: true, category: { select: { code: true } } } })
    : [];
  return asks.map(({ spec, tier, category }) => {
    if (spec.kind === 'duration') return { duration: spec.duration, calendar: spec.calendar };
    if (!category) return DEFAULT_LIMIT;
    const limits = rows.filter((r) => r.category.code === category);
    const from = tier === 'GRID' ? 'VILLAGE' : tier;
    for (let i = Math.max(TIER_ORDER.indexOf(from), 1); i < TIER_ORDER.length; i++) {
      const l = limits.find((x) => x.tier === TIER_ORDER[i]);
      if (l) return { duration: l.duration, calendar: l.calendar as CalendarKind };
    }
    return DEFAULT_LIMIT;
  });
}
