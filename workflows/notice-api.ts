/** The notice broadcast's contract (通知下发): its input and result, and the activities it calls. */

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
