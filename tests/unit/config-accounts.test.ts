/** The database accounts (application and schema owner) and the audit key, from the environment. */
import crypto from 'node:crypto';
import { ConfigError, loadConfig } from '../../platform/config';
import { parseAuditKey } from '../../platform/audit-keys';

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env, '/x');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('database accounts and the audit key', () => {
  it("given DATABASE_URL (the application's account) and DATABASE_OWNER_URL (the schema owner) of one database, keeps both", () => {
    const cfg = loadConfig({ DATABASE_URL: 'mysql://app:a@db:3306/gc', DATABASE_OWNER_URL: 'mysql://owner:o@db:3306/gc' }, '/x');
    expect(cfg.database.url).toBe('mysql://app:a@db:3306/gc');
    expect(cfg.database.ownerUrl).toBe('mysql://owner:o@db:3306/gc');
    expect(loadConfig({ DATABASE_URL: 'mysql://app:a@db:3306/gc' }, '/x').database.ownerUrl).toBeUndefined();
  });

  it.each([
    ['without DATABASE_URL', { DATABASE_OWNER_URL: 'mysql://owner:o@db:3306/gc' }, /without DATABASE_URL/],
    ['of another database', { DATABASE_URL: 'mysql://app:a@db:3306/gc', DATABASE_OWNER_URL: 'mysql://owner:o@db:3306/other' }, /same server and database as DATABASE_URL \(db:3306\/gc\), got db:3306\/other/],
    ['of another server', { DATABASE_URL: 'mysql://app:a@db:3306/gc', DATABASE_OWNER_URL: 'mysql://owner:o@db2:3306/gc' }, /same server and database/],
    ['not a MySQL URL', { DATABASE_URL: 'mysql://app:a@db:3306/gc', DATABASE_OWNER_URL: 'postgres://owner@db/gc' }, /mysql:\/\//],
  ])('refuses a DATABASE_OWNER_URL %s, naming the variable and never the password', (_what, env, message) => {
    const e = configError(env as NodeJS.ProcessEnv);
    expect(e.variable).toBe('DATABASE_OWNER_URL');
    expect(e.message).toMatch(message);
    expect(e.message).not.toMatch(/:o@|:a@/);
  });

  it('takes GRIDCASE_AUDIT_KEY as a 32-byte Ed25519 seed (base64 or base64url) or a PKCS#8 PEM, and refuses anything else', () => {
    const seed = crypto.randomBytes(32);
    const a = parseAuditKey(loadConfig({ GRIDCASE_AUDIT_KEY: seed.toString('base64') }, '/x').audit.key!);
    const b = parseAuditKey(seed.toString('base64url'));
    expect(a.keyId).toBe(b.keyId);
    expect(a.keyId).toMatch(/^[0-9a-f]{16}$/);
    const pem = crypto.generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(parseAuditKey(loadConfig({ GRIDCASE_AUDIT_KEY: pem }, '/x').audit.key!).publicKeyPem).toMatch(/BEGIN PUBLIC KEY/);
    expect(loadConfig({}, '/x').audit.key).toBeUndefined();
    // the public half alone (what the API and auditors need): SPKI PEM or the raw 32 bytes, and it must match the key when both are given
    const key = parseAuditKey(seed.toString('base64'));
    const raw = key.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64');
    expect(loadConfig({ GRIDCASE_AUDIT_PUBLIC_KEY: key.publicKeyPem }, '/x').audit.publicKey).toBe(key.publicKeyPem.trim());
    expect(loadConfig({ GRIDCASE_AUDIT_PUBLIC_KEY: raw, GRIDCASE_AUDIT_KEY: seed.toString('base64') }, '/x').audit.publicKey).toBe(raw);
    expect(configError({ GRIDCASE_AUDIT_PUBLIC_KEY: raw, GRIDCASE_AUDIT_KEY: crypto.randomBytes(32).toString('base64') }).message).toMatch(/^GRIDCASE_AUDIT_PUBLIC_KEY: is not the public half of GRIDCASE_AUDIT_KEY/);
    expect(configError({ GRIDCASE_AUDIT_PUBLIC_KEY: 'abc' }).variable).toBe('GRIDCASE_AUDIT_PUBLIC_KEY');
    for (const bad of ['short', crypto.randomBytes(16).toString('base64'), crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()]) {
      const e = configError({ GRIDCASE_AUDIT_KEY: bad });
      expect(e.variable).toBe('GRIDCASE_AUDIT_KEY');
      expect(e.message.split('\n')).toHaveLength(1);
    }
  });
});
