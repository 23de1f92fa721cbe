/**
 * The demo seed gives every demo account one shared password. The production API (`npm run api`)
 * refuses to start while an active account still has it, unless GRIDCASE_ALLOW_DEMO_PASSWORDS=1
 * says this is a demo.
 */
import type { PrismaClient } from '../generated/prisma/client';
import { verifyPassword } from '../platform/auth/password';

/** The shared password of every demo account (seed/users.ts). */
export const DEMO_PASSWORD = 'GridCase#2026';

/** scrypt checks run at once (node's thread pool has four threads) */
const PARALLEL = 4;

/**
 * How many active accounts still have the demo password. Every distinct stored hash is checked
 * once (one scrypt each, tens of milliseconds; the seed gives all its accounts one hash).
 */
export async function accountsWithDemoPassword(prisma: PrismaClient): Promise<number> {
  const groups = await prisma.user.groupBy({ by: ['passwordHash'], where: { active: true }, _count: { _all: true } });
  let n = 0;
  for (let i = 0; i < groups.length; i += PARALLEL) {
    const batch = groups.slice(i, i + PARALLEL);
    const hits = await Promise.all(batch.map((g) => verifyPassword(DEMO_PASSWORD, g.passwordHash).catch(() => false)));
    batch.forEach((g, k) => {
      if (hits[k]) n += g._count._all;
    });
  }
  return n;
}
