/**
 * The caller's notifications (GET /api/notifications, mark read, read all) and channel settings
 * (GET/PUT /api/me/notification-settings). Every signed-in person, about their own only.
 */
import { Router } from 'express';
import type { ApiDeps } from '../deps';
import { authenticate, callerOf } from '../auth/middleware';
import { idempotent } from '../http/idempotency';
import { input, validate } from '../http/validate';
import type { NotificationKind } from '../../notify/kinds';
import { listNotifications, notificationSettings, readAllNotifications, readNotification, saveNotificationSettings, type NotificationListQuery } from '../services/notifications';

export function notificationRoutes(deps: ApiDeps): Router {
  const r = Router();
  const auth = authenticate(deps.prisma, deps.tokens);
  const once = idempotent(deps.prisma);

  r.get('/api/notifications', auth, validate({ query: 'NotificationListQuery' }), async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await listNotifications(deps, callerOf(req), input<unknown, NotificationListQuery>(req).query));
  });

  r.post('/api/notifications/read-all', auth, validate({ body: 'ReadAllBody' }), once, async (req, res) => {
    res.json(await readAllNotifications(deps, callerOf(req), input<{ kind?: NotificationKind[]; upTo?: number }>(req).body));
  });

  r.post('/api/notifications/:id/read', auth, validate({ params: 'NotificationIdParams', body: 'EmptyBody' }), once, async (req, res) => {
    res.json(await readNotification(deps, callerOf(req), input<unknown, unknown, { id: number }>(req).params.id));
  });

  r.get('/api/me/notification-settings', auth, validate({}), async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await notificationSettings(deps, callerOf(req)));
  });

  r.put('/api/me/notification-settings', auth, validate({ body: 'NotificationSettingsBody' }), async (req, res) => {
    res.json(await saveNotificationSettings(deps, callerOf(req), input<{ channels: { channel: string; kinds: NotificationKind[] }[] }>(req).body));
  });
  return r;
}
