/** The signed-in caller's own account, as GET /api/auth/me shows it: who, with roles, scope and the keys tasks are offered to. */
import type { Caller } from '../auth/caller';
import { namePrincipals } from '../auth/principals';
import type { ApiDeps } from '../deps';

export async function accountOf(deps: Pick<ApiDeps, 'prisma'>, c: Caller) {
  return {
    id: c.userId,
    username: c.username,
    displayName: c.name,
    locale: c.locale,
    roles: [...c.roles],
    memberships: c.memberships,
    gridIds: c.gridIds,
    // the keys tasks are offered to (a task is the caller's to take when one of its candidates' keys is here)
    principals: await namePrincipals(deps.prisma, c.principals),
  };
}
