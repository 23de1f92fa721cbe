/**
 * The audit checkpoint key: Ed25519. GRIDCASE_AUDIT_KEY holds the private key (the 32-byte seed in
 * base64 or base64url, or a PKCS#8 PEM); whoever writes checkpoints (the worker, the CLI) signs
 * with it. Checking needs only the public key (GRIDCASE_AUDIT_PUBLIC_KEY: SPKI PEM or the raw 32
 * bytes in base64), so the API and auditors never need the secret.
 * `npm start` and `npm test` generate one into <dataDir>/secrets/audit-key when it is unset.
 */
import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** What checking a checkpoint needs. */
export interface AuditPublicKey {
  publicKey: KeyObject;
  /** first 16 hex digits of the SHA-256 of the raw 32-byte public key */
  keyId: string;
  /** SubjectPublicKeyInfo PEM of the public key (what auditors pin) */
  publicKeyPem: string;
}

/** What signing one needs too. */
export interface AuditKey extends AuditPublicKey {
  privateKey: KeyObject;
}

/** SPKI DER prefix of an Ed25519 public key; the 32 raw bytes follow. */
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

const publicOf = (publicKey: KeyObject): AuditPublicKey => ({ publicKey, keyId: keyIdOf(publicKey), publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString() });

/** Parses GRIDCASE_AUDIT_PUBLIC_KEY (SPKI PEM, or the raw 32-byte key in base64/base64url). */
export function parseAuditPublicKey(text: string): AuditPublicKey {
  const t = text.trim();
  let publicKey: KeyObject;
  if (t.startsWith('-----BEGIN')) {
    try {
      publicKey = crypto.createPublicKey(t);
    } catch {
      throw new Error('is not a readable PEM public key');
    }
  } else {
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) throw new Error('must be an SPKI PEM, or the base64 of the raw 32-byte Ed25519 public key');
    const raw = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (raw.length !== 32) throw new Error(`must decode to 32 bytes (an Ed25519 public key), got ${raw.length}`);
    publicKey = crypto.createPublicKey({ key: Buffer.concat([SPKI_ED25519, raw]), format: 'der', type: 'spki' });
  }
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error(`must be an Ed25519 key, got ${publicKey.asymmetricKeyType}`);
  return publicOf(publicKey);
}

/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows. */
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

export function rawPublicKey(publicKey: KeyObject): Buffer {
  // SPKI DER of Ed25519 is a 12-byte header and the 32-byte key
  return publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
}

export function keyIdOf(publicKey: KeyObject): string {
  return crypto.createHash('sha256').update(rawPublicKey(publicKey)).digest('hex').slice(0, 16);
}

/** Parses GRIDCASE_AUDIT_KEY; throws an Error saying what is wrong (never echoing the key). */
export function parseAuditKey(text: string): AuditKey {
  const t = text.trim();
  let privateKey: KeyObject;
  if (t.startsWith('-----BEGIN')) {
    try {
      privateKey = crypto.createPrivateKey(t);
    } catch {
      throw new Error('is not a readable PEM private key');
    }
  } else {
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) throw new Error('must be the base64 (or base64url) of a 32-byte Ed25519 seed, or a PKCS#8 PEM');
    const seed = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (seed.length !== 32) throw new Error(`must decode to 32 bytes (an Ed25519 seed), got ${seed.length}`);
    privateKey = crypto.createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`must be an Ed25519 key, got ${privateKey.asymmetricKeyType ?? 'a symmetric key'}`);
  return { privateKey, ...publicOf(crypto.createPublicKey(privateKey)) };
}

/** A new key in the form GRIDCASE_AUDIT_KEY takes (base64url of a random 32-byte seed). */
export function newAuditKeyText(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/**
 * The audit key of a local installation when GRIDCASE_AUDIT_KEY is unset: generated once into
 * <dataDir>/secrets/audit-key (mode 0600) and reused, so checkpoints stay verifiable across restarts.
 */
export function localAuditKeyText(dataDir: string): string {
  const file = path.join(dataDir, 'secrets', 'audit-key');
  try {
    const s = fs.readFileSync(file, 'utf8').trim();
    parseAuditKey(s);
    return s;
  } catch {
    // not generated yet (or unreadable): a new one
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = newAuditKeyText();
  // written to a temporary file and renamed, so a concurrent reader never sees half a key
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, key + '\n', { mode: 0o600 });
  try {
    fs.linkSync(tmp, file); // fails when another process created it meanwhile: theirs wins
  } catch {
    /* keep the existing one */
  }
  fs.rmSync(tmp, { force: true });
  return fs.readFileSync(file, 'utf8').trim();
}

/** The key to sign and verify with: GRIDCASE_AUDIT_KEY, else the local one. */
export function auditKeyFor(cfg: { dataDir: string; audit: { key: string | undefined } }): AuditKey {
  return parseAuditKey(cfg.audit.key ?? localAuditKeyText(cfg.dataDir));
}

/** The key to check with: GRIDCASE_AUDIT_PUBLIC_KEY, else the public half of GRIDCASE_AUDIT_KEY; undefined without either. */
export function auditPublicKeyOf(cfg: { audit: { key: string | undefined; publicKey: string | undefined } }): AuditPublicKey | undefined {
  if (cfg.audit.publicKey) return parseAuditPublicKey(cfg.audit.publicKey);
  if (!cfg.audit.key) return undefined;
  const { publicKey, keyId, publicKeyPem } = parseAuditKey(cfg.audit.key);
  return { publicKey, keyId, publicKeyPem };
}
