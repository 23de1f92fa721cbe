/** The notification delivery worker as `npm start` and `npm run worker` run it: in-app and SMS, configured from the environment. */
import type { PrismaClient } from '../generated/prisma/client';
import type { Config } from '../platform/config';
import { inAppChannel } from './channels';
import { SmsChannel, smsGatewayFrom } from './sms';
import { DeliveryWorker } from './worker';

export { DeliveryWorker } from './worker';

/** Starts draining the outbox; stop() it on shutdown (it finishes the deliveries in hand). */
export function startNotificationDelivery(cfg: Config['notify'], prisma: PrismaClient, log: (line: string) => void): DeliveryWorker {
  const gateway = smsGatewayFrom(cfg.sms);
  const worker = new DeliveryWorker({ prisma, channels: [inAppChannel, new SmsChannel(gateway)], pollMs: cfg.pollMs, maxAttempts: cfg.maxAttempts, retryMs: cfg.retryMs, log });
  worker.start();
  log(`notification delivery: in-app and SMS via ${gateway.description}, outbox looked at every ${cfg.pollMs} ms, ${cfg.maxAttempts} attempts per message`);
  return worker;
}
