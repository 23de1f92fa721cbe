/**
 * Notice broadcast (通知下发): a centre sends a notice to every member of an org subtree,
 * optionally only to some roles. Durable: recipients are resolved once (recorded in history) and
 * each outbox row is written idempotently, so a crash or retry never loses or doubles a message.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { BroadcastNoticeInput, BroadcastNoticeResult, NoticeActivities } from './notice-api';

export type { BroadcastNoticeInput, BroadcastNoticeResult, NoticeActivities } from './notice-api';

const { resolveNoticeRecipients, writeNoticeOutbox } = proxyActivities<NoticeActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
});

/** Outbox rows are written in batches so one activity stays small whatever the subtree size. */
const BATCH = 200;

export async function broadcastNotice(input: BroadcastNoticeInput): Promise<BroadcastNoticeResult> {
  const recipients = await resolveNoticeRecipients({ orgUnitId: input.orgUnitId, roles: input.roles ?? [] });
  let written = 0;
  for (let i = 0; i < recipients.length; i += BATCH) {
    written += await writeNoticeOutbox({
      noticeId: input.noticeId,
      orgUnitId: input.orgUnitId,
      userIds: recipients.slice(i, i + BATCH),
      title: input.title,
      body: input.body,
      sentBy: input.sentBy,
    });
  }
  return { noticeId: input.noticeId, recipients: recipients.length, written };
}
