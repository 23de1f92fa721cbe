/**
 * `npm run -s cli -- audit …`: the audit trail, offline (straight from the database, no API).
 *
 *   audit verify --district <code|prefix>   verifies every case chain of the district (chain, head
 *            on the case row, latest signed checkpoint); prints the first broken link of each
 *            broken case; exit 0 when all verify, 1 when any is broken, 2 on bad usage
 *   audit checkpoint [--district <code|prefix>]   writes a signed checkpoint now (every district,
 *            or one); the worker's daily schedule does the same at 00:10 Beijing time
 *   audit checkpoints --district <code|prefix> [--after <n>]   prints the district's checkpoints
 *            as JSON lines (statement, signature, key id) for auditors to keep elsewhere
 */
import type { PrismaClient } from '../generated/prisma/client';
import { listCheckpoints, writeCheckpoints } from '../domain/audit-checkpoints';
import { auditKeyFor, auditPublicKeyOf, type AuditPublicKey } from '../platform/audit-keys';
import { ConfigError } from '../platform/config';
import { verifyDistrict } from '../domain/audit-verify';
import type { Config } from '../platform/config';

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i >= 0) return argv[i + 1];
  const eq = argv.find((a) => a.startsWith(`${name}=`));
  return eq?.slice(name.length + 1);
}

export const AUDIT_USAGE = 'audit verify --district <code> | audit checkpoint [--district <code>] | audit checkpoints --district <code> [--after <n>]';

/** The key to check with: the configured one; locally (no DATABASE_URL) the generated one. */
function checkingKey(cfg: Config): AuditPublicKey {
  const key = auditPublicKeyOf(cfg);
  if (key) return key;
  if (cfg.database.url) throw new ConfigError('GRIDCASE_AUDIT_PUBLIC_KEY', 'is needed to check the signed checkpoints (or GRIDCASE_AUDIT_KEY)');
  return auditKeyFor(cfg);
}

/** Runs an audit command; returns the exit code, or undefined for bad usage. */
export async function auditCommand(cfg: Config, prisma: PrismaClient, argv: string[], out: (line: string) => void): Promise<number | undefined> {
  const district = option(argv, '--district');
  switch (argv[0]) {
    case 'verify': {
      if (!district) return undefined;
      const key = checkingKey(cfg);
      const r = await verifyDistrict(prisma, district, key, (c) => {
        out(`BROKEN ${c.caseId}: first broken link at seq ${c.firstBroken!.seq}: ${c.firstBroken!.reason}`);
        for (const p of c.problems.slice(1)) out(`       ${c.caseId}: also ${p.code} at seq ${p.seq}: ${p.reason}`);
      });
      if (!r) {
        out(`no district ${district}`);
        return 2;
      }
      out(`${r.district.name} (${r.district.code}): ${r.cases} case(s) verified, ${r.broken} broken (key ${key.keyId})`);
      return r.broken ? 1 : 0;
    }
    case 'checkpoint': {
      if (cfg.database.url && !cfg.audit.key) throw new ConfigError('GRIDCASE_AUDIT_KEY', 'is needed to sign checkpoints');
      const written = await writeCheckpoints(prisma, auditKeyFor(cfg), { districts: district ? [district] : undefined });
      if (!written.length) {
        out(district ? `no district ${district}` : 'no district');
        return 2;
      }
      for (const w of written) out(`checkpoint ${w.district} #${w.number}: ${w.caseCount} case head(s)`);
      return 0;
    }
    case 'checkpoints': {
      if (!district) return undefined;
      const d = await prisma.orgUnit.findFirst({ where: { level: 'DISTRICT', OR: [{ code: district }, { casePrefix: district }] }, select: { id: true } });
      if (!d) {
        out(`no district ${district}`);
        return 2;
      }
      const key = checkingKey(cfg);
      let after = option(argv, '--after') !== undefined ? Number(option(argv, '--after')) : undefined;
      if (after !== undefined && !Number.isInteger(after)) return undefined;
      for (;;) {
        const page = await listCheckpoints(prisma, d.id, { after, limit: 100 });
        for (const c of page) process.stdout.write(`${JSON.stringify({ ...c, publicKey: c.keyId === key.keyId ? key.publicKeyPem : undefined })}\n`);
        if (page.length < 100) break;
        after = page.at(-1)!.number;
      }
      return 0;
    }
    default:
      return undefined;
  }
}
