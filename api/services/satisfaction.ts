/**
 * Satisfaction ratings (满意度回访): the reporter rates a closed case once, 1-5, with an optional
 * comment; the ratings feed the satisfaction rate (满意率) of the statistics. Who may rate is the
 * caller's business (the citizen follow-up checks the reporter's phone; a signed-in reporter rates
 * through `rateAsReporter`); `rateCase` keeps the rules of the rating itself.
 */
import type { Caller } from '../auth/caller';
import type { ApiDeps } from '../deps';
import { visibleCase } from './cases';
import { conflict, invalid, notFound, refused, text } from './errors';

export const RATING_COMMENT_MAX = 1000;

export interface RatingInput {
  score: number;
  comment?: string | null;
  /** how the rating came in: PUBLIC_WEB (citizen follow-up), GRID_APP, HOTLINE_12345 … (at most 16 characters) */
  channel: string;
}

export interface Rating {
  caseId: string;
  score: number;
  comment: string | null;
  channel: string;
  ratedAt: string;
}

const alreadyRated = () => conflict('id', text('该案件已评价过，不能重复评价', 'the case has already been rated'), 'ALREADY_RATED');

export async function rateCase(deps: Pick<ApiDeps, 'prisma'>, caseId: string, input: RatingInput): Promise<Rating> {
  if (!Number.isInteger(input.score) || input.score < 1 || input.score > 5) throw invalid('score', text('评分须为 1-5 的整数', 'the score must be a whole number from 1 to 5'));
  const comment = input.comment?.trim() || null;
  if (comment && comment.length > RATING_COMMENT_MAX) throw invalid('comment', text(`评价内容不能超过 ${RATING_COMMENT_MAX} 字`, `the comment may have at most ${RATING_COMMENT_MAX} characters`));
  if (!/^[A-Z0-9_]{1,16}$/.test(input.channel)) throw new Error(`rating channel ${input.channel} is not a channel name`);

  const c = await deps.prisma.case.findUnique({ where: { id: caseId }, select: { status: true, rating: { select: { caseId: true } } } });
  if (!c) throw notFound('id', text('案件不存在', 'the case does not exist'));
  if (c.status !== 'CLOSED') throw conflict('id', text('案件结案后才能评价', 'a case can be rated only once it is closed'), 'NOT_CLOSED', { caseStatus: c.status });
  if (c.rating) throw alreadyRated();
  try {
    const r = await deps.prisma.satisfactionRating.create({ data: { caseId, score: input.score, comment, channel: input.channel, ratedAt: new Date() } });
    return { caseId: r.caseId, score: r.score, comment: r.comment, channel: r.channel, ratedAt: r.ratedAt.toISOString() };
  } catch (e) {
    // two ratings at once: the primary key lets one in
    if ((e as { code?: string }).code === 'P2002') throw alreadyRated();
    throw e;
  }
}

/** A signed-in caller rates a case they see and reported, through the channel it came in by. */
export async function rateAsReporter(deps: ApiDeps, caller: Caller, caseId: string, input: { score: number; comment?: string }): Promise<Rating> {
  const row = await visibleCase(deps, caller, caseId, { reporterId: true, channel: true });
  if (row.reporterId !== caller.userId) throw refused('id', text('只有上报人可以评价', 'only the reporter may rate the case'));
  return rateCase(deps, caseId, { score: input.score, comment: input.comment, channel: row.channel });
}
