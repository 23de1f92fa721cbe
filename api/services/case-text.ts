/**
 * The case search's text (`q`): literal LIKE '%q%' on the case number, description and address
 * (api/http/like.ts). A text with two adjacent Han characters that is rare among the newest cases
 * is found through the FULLTEXT index on cases.searchBigrams (every pair of adjacent Han characters
 * of description and address, written twice: migration 20261205090000_case_list_indexes): the rows
 * holding all of the text's pairs, IN BOOLEAN MODE, then the same LIKE on them, so the answer is
 * LIKE's. Such a text cannot be in a case number (ASCII), so that column is not searched for it.
 * A common text (a category's name: 井盖 is in 5 % of the cases) is found faster by reading the
 * newest cases in index order with the LIKE (the list's walk stops after a page) than through the
 * index, which reads every row holding its pairs (tens of thousands at 1 M cases). Any other text
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
 * The condition of a case search's text: through the FULLTEXT index when it has Han pairs and at
 * most RARE_IN_SAMPLE of the newest TEXT_SAMPLE cases (of the search's report-time range) hold it,
 * else the LIKE.
 */
export async function caseTextFilter(prisma: PrismaClient, q: string, range: { after?: Date; before?: Date } = {}): Promise<Prisma.CaseWhereInput> {
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
  return Number(n) <= RARE_IN_SAMPLE ? indexedFilter(q, pairs) : likeFilter(q);
}
