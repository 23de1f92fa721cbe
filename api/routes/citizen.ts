/**
 * The citizen follow-up, public (no sign-in): progress of a case by its number and the phone
 * given at report time, and the satisfaction rating once it is closed. A wrong phone is a 404,
 * like an unknown number. Both are rate-limited per client address and per case (the same
 * per-minute budget as Open311 POSTs, counted separately), so phone numbers cannot be guessed
 * at speed; errors are problem+json like the rest of /api.
 */
import { Router, type Request } from 'express';
import type { ApiDeps } from '../deps';
import { rateLimit, SlidingWindow } from '../http/rate-limit';
import { input, validate } from '../http/validate';
import { localeOf } from '../i18n';
import { caseForReporter, publicCase } from '../services/citizen';
import { rateCase } from '../services/satisfaction';

/** How the public follow-up's ratings are recorded in satisfaction_ratings.channel. */
export const PUBLIC_RATING_CHANNEL = 'PUBLIC_WEB';

export function citizenRoutes(deps: ApiDeps): Router {
  const r = Router();
  // per API instance, in memory: see ../http/rate-limit.ts
  const lookups = new SlidingWindow(deps.open311RateLimit);
  const ratings = new SlidingWindow(deps.open311RateLimit);
  const keys = (req: Request) => [`ip:${req.ip}`, `case:${String(req.params.id)}`];

  r.get('/api/public/cases/:id', rateLimit(lookups, keys), validate({ params: 'PublicCaseParams', query: 'PublicCaseQuery' }), async (req, res) => {
    const { params, query } = input<unknown, { phone: string }, { id: string }>(req);
    res.set('Cache-Control', 'no-store').json(await publicCase(deps, params.id, query.phone, localeOf(req)));
  });

  r.post('/api/public/cases/:id/rating', rateLimit(ratings, keys), validate({ params: 'PublicCaseParams', body: 'PublicRatingCreate' }), async (req, res) => {
    const { params, body } = input<{ phone: string; score: number; comment?: string }, unknown, { id: string }>(req);
    await caseForReporter(deps, params.id, body.phone);
    const rating = await rateCase(deps, params.id, { score: body.score, comment: body.comment, channel: PUBLIC_RATING_CHANNEL });
    res.status(201).set('Cache-Control', 'no-store').json({ caseId: rating.caseId, score: rating.score, comment: rating.comment, ratedAt: rating.ratedAt });
  });

  return r;
}
