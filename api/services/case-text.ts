/**
 * The case search's text (`q`): literal LIKE '%q%' on the case number, description and address
 * (api/http/like.ts). A text with two adjacent Han characters that is rare among the newest cases
 * is found through the FULLTEXT index on cases.searchBigrams (every pair of adjacent Han characters
 * of description and address, written twice: migration 20261205090000_case_list_indexes): the rows
 * holding all of the text's pairs, IN BOOLEAN MODE, then the same LIKE on them, so the answer is
 * LIKE's. Such a text cannot be in a case number (ASCII), so that column is not searched for it.
 * A common text (a category's name: 井盖 is in 5 % of the cases) is found faster by reading the
 * newest cases in index order with the LIKE (the list's walk stops after a page) than through the
 * index, which reads every row holding its pairs (tens of thousands at 1 M cases): common when the
 * newest cases hold it often, or when the index holds COMMON_IN_INDEX cases with its pairs. Any other text
 * (one Han character, Latin letters, digits) keeps the plain LIKE.
 */
import type { Prisma, PrismaClient } from '../../generated/prisma/client';
import { literal } from '../http/like';

/** The distinct pairs of adjacent Han characters of a text, in order. */
export function hanBigrams(text: string): string[] {
  const out = new Set<string>();
  for (const run of text.match(/\p{Script=Han}+/gu) ?? []) {
    const chars = [...run];
    for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1]);
  }
  return [...out];
}

/** The FULLTEXT query of these pairs (each as the column writes it), all required. */
export function bigramQuery(pairs: readonly string[]): string {
  return pairs.map((p) => `+${p}${p}`).join(' ');
}

/** How many of the newest cases a text is counted in to tell a rare one from a common one. */
export const TEXT_SAMPLE = 2000;
/** At most this many of the sample holding the text: rare (the index reads about as many rows per TEXT_SAMPLE cases). */
export const RARE_IN_SAMPLE = 2;

const indexed = new WeakSet<object>();

/** Is this condition the FULLTEXT one (a list then reads it in one query, not by walking an index in order)? */
export const isIndexedText = (c: unknown): boolean => typeof c === 'object' && c !== null && indexed.has(c);

/** The literal match on case number, description and address. */
export function likeFilter(q: string): Prisma.CaseWhereInput {
  const text = literal(q);
  return { OR: [{ id: { contains: text } }, { description: { contains: text } }, { address: { contains: text } }] };
}

/** The FULLTEXT lookup of the text's pairs, then the literal match (the text has Han pairs: never in a case number). */
export function indexedFilter(q: string, pairs = hanBigrams(q)): Prisma.CaseWhereInput {
  const text = literal(q);
  const c: Prisma.CaseWhereInput = { AND: [{ searchBigrams: { search: bigramQuery(pairs) } }, { OR: [{ description: { contains: text } }, { address: { contains: text } }] }] };
  indexed.add(c);
  return c;
}

/**
 * At least this many cases holding the text's pairs in the index: common, whatever the sample says
 * (the newest cases may be of other kinds: a day of one category's reports hides a text that is in
 * 5 % of the history, and the index would then read and sort every one of its rows for one page).
 */
export const COMMON_IN_INDEX = 2000;
/** How long a count of the index's rows for a text is reused (per process): how common a text is changes slowly. */
export const INDEX_COUNT_TTL_MS = 60_000;

const indexCounts = new Map<string, { n: number; at: number }>();

/** The rows of the FULLTEXT index holding all these pairs, counted up to `cap` (reused for INDEX_COUNT_TTL_MS). */
async function indexedCount(prisma: PrismaClient, pairs: readonly string[], cap: number): Promise<number> {
  const key = `${cap}\n${bigramQuery(pairs)}`;
  const hit = indexCounts.get(key);
  if (hit && Date.now() - hit.at < INDEX_COUNT_TTL_MS) return hit.n;
  const [{ n }] = await prisma.$queryRawUnsafe<{ n: bigint | number }[]>(
    `SELECT COUNT(*) AS n FROM (SELECT 1 FROM cases WHERE MATCH(searchBigrams) AGAINST (? IN BOOLEAN MODE) LIMIT ${Math.floor(cap)}) s`,
    bigramQuery(pairs),
  );
  if (indexCounts.size > 1000) indexCounts.clear();
  indexCounts.set(key, { n: Number(n), at: Date.now() });
  return Number(n);
}

/**
 * The condition of a case search's text: through the FULLTEXT index when it has Han pairs, at
 * most RARE_IN_SAMPLE of the newest TEXT_SAMPLE cases (of the search's report-time range) hold it,
 * and the index holds fewer than COMMON_IN_INDEX cases with its pairs; else the LIKE.
 */
export async function caseTextFilter(
  prisma: PrismaClient,
  q: string,
  range: { after?: Date; before?: Date } = {},
  limits: { commonInIndex?: number } = {},
): Promise<Prisma.CaseWhereInput> {
  const pairs = hanBigrams(q);
  if (!pairs.length) return likeFilter(q);
  const like = `%${literal(q)}%`;
  const where = [...(range.after ? ['reportedAt >= ?'] : []), ...(range.before ? ['reportedAt < ?'] : [])];
  const params = [...(range.after ? [range.after] : []), ...(range.before ? [range.before] : [])];
  const [{ n }] = await prisma.$queryRawUnsafe<{ n: bigint | number }[]>(
    `SELECT COUNT(*) AS n FROM (SELECT description, address FROM cases ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY reportedAt DESC, id DESC LIMIT ${TEXT_SAMPLE}) s WHERE s.description LIKE ? OR s.address LIKE ?`,
    ...params,
    like,
    like,
  );
  if (Number(n) > RARE_IN_SAMPLE) return likeFilter(q);
  const cap = limits.commonInIndex ?? COMMON_IN_INDEX;
  return (await indexedCount(prisma, pairs, cap)) < cap ? indexedFilter(q, pairs) : likeFilter(q);
}
