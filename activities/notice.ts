/** Activities behind the notice broadcast: who receives it, and the outbox rows. */
import { ApplicationFailure } from '@temporalio/common';
import type { PrismaClient } from '../generated/prisma/client';
import { Role } from '../generated/prisma/enums';
import type { NoticeActivities } from '../workflows/notice-api';

export interface NoticeDeps {
  prisma: PrismaClient;
}

export function createNoticeActivities({ prisma }: NoticeDeps): NoticeActivities {
  return {
    /** Active users holding a membership anywhere in the subtree (and its departments), sorted by id. */
    async resolveNoticeRecipients(input: { orgUnitId: number; roles: string[] }): Promise<number[]> {
      const unit = await prisma.orgUnit.findUnique({ where: { id: input.orgUnitId }, select: { path: true } });
      // Retrying cannot make a missing unit appear: fail the workflow with the reason.
      if (!unit) throw ApplicationFailure.nonRetryable(`org unit ${input.orgUnitId} does not exist`, 'UnknownOrgUnit');
      const roles = input.roles.filter((r): r is Role => (Object.values(Role) as string[]).includes(r));
      const rows = await prisma.membership.findMany({
        where: {
          user: { active: true },
          ...(roles.length ? { role: { in: roles } } : {}),
          OR: [{ orgUnit: { path: { startsWith: unit.path } } }, { department: { orgUnit: { path: { startsWith: unit.path } } } }],
        },
        select: { userId: true },
        distinct: ['userId'],
        orderBy: { userId: 'asc' },
      });
      return rows.map((r) => r.userId);
    },

    /** Writes one PENDING in-app notification per user; a retry writes nothing twice. Returns rows created. */
    async writeNoticeOutbox(input: {
      noticeId: string;
      orgUnitId: number;
      userIds: number[];
      title: string;
      body: string;
      sentBy: { userId: number | null; name: string };
    }): Promise<number> {
      const result = await prisma.notification.createMany({
        data: input.userIds.map((userId) => ({
          dedupeKey: `notice:${input.noticeId}:user:${userId}`,
          userId,
          orgUnitId: input.orgUnitId,
          kind: 'NOTICE',
          title: input.title,
          body: input.body,
          payload: { noticeId: input.noticeId, sentBy: input.sentBy },
        })),
        skipDuplicates: true,
      });
      return result.count;
    },
  };
}

export type { NoticeActivities } from '../workflows/notice-api';
