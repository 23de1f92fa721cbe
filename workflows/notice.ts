/**
 * Notice broadcast (通知下发): a centre sends a notice to every member of an org subtree,
 * optionally only to some roles. Durable: recipients are resolved once (recorded in history) and
 * each outbox row is written idempotently, so a crash or retry never loses or doubles a message.
 */
import { proxyActivities } from '@temporalio/workflow';

export interface BroadcastNoticeInput {
  /** Stable id of the notice; outbox rows are deduplicated on it. */
  noticeId: string;
  orgUnitId: number;
  roles?: string[];
  title: string;
  body: string;
  sentBy: { userId: number | null; name: string };
}

export interface BroadcastNoticeResult {
  noticeId: string;
  recipients: number;
  written: number;
}

/** The activities this workflow calls (activities/notice.ts implements them). */
export interface NoticeActivities {
  /** Active users holding a membership anywhere in the subtree (and its departments), sorted by id. */
  resolveNoticeRecipients(input: { orgUnitId: number; roles: string[] }): Promise<number[]>;
  /** Writes one PENDING in-app notification per user; a retry writes nothing twice. Returns rows created. */
  writeNoticeOutbox(input: { noticeId: string; orgUnitId: number; userIds: number[]; title: string; body: string; sentBy: { userId: number | null; name: string } }): Promise<number>;
}

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
