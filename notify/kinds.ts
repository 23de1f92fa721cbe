/** What a notification is about (the case workflow's NotificationRecord kinds and the notice broadcast's NOTICE). */
export const NOTIFICATION_KINDS = ['URGE', 'SUPERVISE', 'OVERDUE', 'REMINDER', 'NOTICE', 'APPROVAL', 'TASK'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** The channels a person may choose (in-app is always on, for every kind). */
export const IN_APP = 'IN_APP';
export const SMS = 'SMS';
export const CHOOSABLE_CHANNELS = [SMS] as const;
export type ChoosableChannel = (typeof CHOOSABLE_CHANNELS)[number];

/**
 * Kinds sent by SMS to someone who never chose: the two that ask a person to act now (催办 and
 * 督办). A person changes it in the console (GET/PUT /api/me/notification-settings).
 */
export const DEFAULT_SMS_KINDS: NotificationKind[] = ['URGE', 'SUPERVISE'];
