/**
 * What every body parser checks before the text is parsed (`verify` of express.json, .urlencoded
 * and .text): the bytes are UTF-8, as JSON requires (RFC 8259 §8.1) and the API stores, whatever
 * the Content-Type claims. A charset label other than UTF-8 is a 415; bytes that are not UTF-8 are
 * a 400 ("encoding.invalid"). Without the check they would be decoded into U+FFFD (or, labelled
 * UTF-7 or UTF-16, into other text than the client sent) and stored.
 */
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';

interface BodyError extends Error {
  status: number;
  type: string;
  charset?: string;
}

function bodyError(status: number, type: string, message: string, charset?: string): BodyError {
  return Object.assign(new Error(message), { status, type, ...(charset ? { charset } : {}) });
}

/** `verify` for a body parser: `latin1` also allows ISO-8859-1 (HTML forms may declare it). */
export function utf8Body(opts: { latin1?: boolean } = {}) {
  return (_req: IncomingMessage, _res: unknown, buf: Buffer, encoding: string): void => {
    const charset = (encoding || 'utf-8').toLowerCase();
    if (opts.latin1 && (charset === 'iso-8859-1' || charset === 'latin1')) return;
    if (charset !== 'utf-8' && charset !== 'utf8') throw bodyError(415, 'charset.unsupported', `unsupported charset "${charset.toUpperCase()}"`, charset);
    if (!isUtf8(buf)) throw bodyError(400, 'encoding.invalid', 'the request body is not valid UTF-8');
  };
}
