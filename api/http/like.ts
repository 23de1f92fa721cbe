/**
 * Search text in a LIKE: Prisma's `contains` and `startsWith` become `LIKE '%…%'` and `LIKE '…%'`
 * without escaping, so a `%` or `_` in the text would match anything. `literal(q)` escapes them
 * (and the escape character `\`, MySQL's default), so the text matches itself only.
 */
export const literal = (q: string): string => q.replace(/[\\%_]/g, (ch) => `\\${ch}`);
