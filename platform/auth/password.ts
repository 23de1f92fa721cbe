/**
 * Password hashing with scrypt (node:crypto), stored as
 *   scrypt$N$r$p$saltB64$hashB64
 * e.g. scrypt$32768$8$1$<16-byte salt>$<32-byte key>, both standard base64.
 * Verification reads the parameters from the stored string (so they can be raised later; see
 * needsRehash), refuses parameters outside sane bounds (a crafted hash must not make the server
 * burn memory), and compares in constant time.
 */
import crypto from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two */
  N: number;
  r: number;
  p: number;
}

/** OWASP-style interactive-login parameters: 32 MiB of memory, tens of milliseconds. */
export const DEFAULT_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 32768, r: 8, p: 1 });
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const LIMITS = { maxN: 2 ** 20, maxR: 32, maxP: 16, maxMem: 256 * 1024 * 1024 };

function derive(password: string, salt: Buffer, keyLen: number, { N, r, p }: ScryptParams): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; leave headroom over Node's 32 MiB default
  const maxmem = Math.min(LIMITS.maxMem, 128 * N * r * 2 + 1024 * 1024);
  return new Promise((resolve, reject) => {
    crypto.scrypt(password.normalize('NFC'), salt, keyLen, { N, r, p, maxmem }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function validParams({ N, r, p }: ScryptParams): boolean {
  return (
    Number.isInteger(N) && N >= 2 && N <= LIMITS.maxN && (N & (N - 1)) === 0 &&
    Number.isInteger(r) && r >= 1 && r <= LIMITS.maxR &&
    Number.isInteger(p) && p >= 1 && p <= LIMITS.maxP &&
    128 * N * r <= LIMITS.maxMem
  );
}

/** Hashes a password with a fresh random salt. */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_PARAMS): Promise<string> {
  if (typeof password !== 'string' || password.length === 0) throw new Error('password must be a non-empty string');
  if (!validParams(params)) throw new Error('invalid scrypt parameters');
  const salt = crypto.randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

interface Parsed extends ScryptParams {
  salt: Buffer;
  key: Buffer;
}

function parse(stored: string): Parsed | undefined {
  if (typeof stored !== 'string') return undefined;
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [, n, r, p, saltB64, keyB64] = parts;
  if (![n, r, p].every((x) => /^\d{1,8}$/.test(x))) return undefined;
  const b64 = /^[A-Za-z0-9+/]+={0,2}$/;
  if (!b64.test(saltB64) || !b64.test(keyB64)) return undefined;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  if (!validParams(params)) return undefined;
  const salt = Buffer.from(saltB64, 'base64');
  const key = Buffer.from(keyB64, 'base64');
  if (salt.length < 8 || key.length < 16 || key.length > 64) return undefined;
  return { ...params, salt, key };
}

/** true when the password matches; false for a wrong password or a malformed stored hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed || typeof password !== 'string') return false;
  const key = await derive(password, parsed.salt, parsed.key.length, parsed);
  return key.length === parsed.key.length && crypto.timingSafeEqual(key, parsed.key);
}

/** true when the stored hash is malformed or weaker than the current parameters. */
export function needsRehash(stored: string, params: ScryptParams = DEFAULT_PARAMS): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.N < params.N || parsed.r < params.r || parsed.p < params.p || parsed.key.length < KEY_BYTES;
}
