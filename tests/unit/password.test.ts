import crypto from 'node:crypto';
import { DEFAULT_PARAMS, hashPassword, needsRehash, verifyPassword } from '../../platform/auth/password';

describe('password hashing (platform/auth/password)', () => {
  it('hashes into scrypt$N$r$p$salt$hash and verifies', async () => {
    const h = await hashPassword('GridCase#2026');
    expect(h).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}$/);
    const [, , , , salt, key] = h.split('$');
    expect(Buffer.from(salt, 'base64').length).toBe(16);
    expect(Buffer.from(key, 'base64').length).toBe(32);
    await expect(verifyPassword('GridCase#2026', h)).resolves.toBe(true);
    await expect(verifyPassword('GridCase#2027', h)).resolves.toBe(false);
    await expect(verifyPassword('', h)).resolves.toBe(false);
  });

  it('uses a fresh salt for every hash', async () => {
    const a = await hashPassword('same password');
    const b = await hashPassword('same password');
    expect(a).not.toBe(b);
    await expect(verifyPassword('same password', a)).resolves.toBe(true);
    await expect(verifyPassword('same password', b)).resolves.toBe(true);
  });

  it('handles non-ASCII passwords (NFC-normalised)', async () => {
    const h = await hashPassword('网格化管理·王芳');
    await expect(verifyPassword('网格化管理·王芳', h)).resolves.toBe(true);
    const composed = 'caf\u00e9';
    const decomposed = 'cafe\u0301';
    await expect(verifyPassword(decomposed, await hashPassword(composed))).resolves.toBe(true);
  });

  it('reads the parameters from the stored hash', async () => {
    const weak = await hashPassword('pw', { N: 1024, r: 8, p: 1 });
    expect(weak.startsWith('scrypt$1024$8$1$')).toBe(true);
    await expect(verifyPassword('pw', weak)).resolves.toBe(true);
    expect(needsRehash(weak)).toBe(true);
    expect(needsRehash(await hashPassword('pw'))).toBe(false);
  });

  it('matches a hash computed independently with node:crypto', async () => {
    const salt = Buffer.from('0123456789abcdef');
    const key = crypto.scryptSync('GridCase#2026', salt, 32, { N: 16384, r: 8, p: 1 });
    const stored = `scrypt$16384$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
    await expect(verifyPassword('GridCase#2026', stored)).resolves.toBe(true);
    await expect(verifyPassword('gridcase#2026', stored)).resolves.toBe(false);
  });

  it('rejects malformed or dangerous stored hashes without throwing', async () => {
    const good = await hashPassword('pw');
    const [, n, r, p, salt, key] = good.split('$');
    const bad = [
      '',
      'plain',
      `bcrypt$${n}$${r}$${p}$${salt}$${key}`,
      `scrypt$${n}$${r}$${p}$${salt}`,
      `scrypt$1000$${r}$${p}$${salt}$${key}`, // N not a power of two
      `scrypt$${2 ** 24}$${r}$${p}$${salt}$${key}`, // N far too large
      `scrypt$${n}$999$${p}$${salt}$${key}`,
      `scrypt$${n}$${r}$${p}$!!$${key}`,
      `scrypt$${n}$${r}$${p}$${salt}$${key.slice(0, 8)}`, // key too short
    ];
    for (const s of bad) {
      await expect(verifyPassword('pw', s)).resolves.toBe(false);
      expect(needsRehash(s)).toBe(true);
    }
    await expect(verifyPassword('pw', good)).resolves.toBe(true);
  });

  it('refuses empty passwords and bad parameters when hashing', async () => {
    await expect(hashPassword('')).rejects.toThrow();
    await expect(hashPassword('x', { N: 1000, r: 8, p: 1 })).rejects.toThrow();
    expect(DEFAULT_PARAMS).toEqual({ N: 32768, r: 8, p: 1 });
  });
});
