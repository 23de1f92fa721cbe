/**
 * Channels behind one interface. The delivery worker hands a channel one outbox row and the person
 * it is for; the channel delivers it, or says why it cannot reach that person (SKIPPED: recorded,
 * not a failure), or throws: a DeliveryError that is `permanent` fails the row at once, anything
 * else is retried with backoff until the last attempt.
 */
import { IN_APP } from './kinds';

export interface Recipient {
  userId: number;
  displayName: string;
  /** null: this person has no phone number */
  phone: string | null;
}

export interface OutboundMessage {
  /** the outbox row */
  id: bigint;
  kind: string;
  title: string;
  body: string;
  caseId: string | null;
  taskId: string | null;
  /** the same on every attempt for this row and channel: a provider can drop a repeat */
  idempotencyKey: string;
}

export type Delivery = { status: 'SENT' } | { status: 'SKIPPED'; reason: string };

export interface NotificationChannel {
  /** the outbox's `channel` value this channel delivers (IN_APP, SMS …) */
  readonly name: string;
  deliver(message: OutboundMessage, to: Recipient): Promise<Delivery>;
}

export class DeliveryError extends Error {
  constructor(
    message: string,
    /** true: retrying cannot help (the provider refused the message itself) */
    readonly permanent = false,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/**
 * In-app: the row becoming SENT is the delivery. From then on GET /api/notifications lists it,
 * /api/events pushes it to the person's open consoles, and the bell counts it until it is read.
 */
export const inAppChannel: NotificationChannel = {
  name: IN_APP,
  async deliver() {
    return { status: 'SENT' };
  },
};
