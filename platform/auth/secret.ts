/**
 * The token key of a local installation (`npm start`, `npm test`) when GRIDCASE_JWT_SECRET is not
 * set: generated once into <dataDir>/secrets/jwt-secret (mode 0600) and reused, so tokens survive a
 * restart. Production sets GRIDCASE_JWT_SECRET (the production API refuses to start without it).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export function localJwtSecret(dataDir: string): string {
  const file = path.join(dataDir, 'secrets', 'jwt-secret');
  try {
    const s = fs.readFileSync(file, 'utf8').trim();
    if (s.length >= 32) return s;
  } catch {
    // not generated yet
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = crypto.randomBytes(48).toString('base64');
  fs.writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}
