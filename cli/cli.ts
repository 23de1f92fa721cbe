/**
 * Operator commands: `npm run -s cli -- <command>`.
 *
 *   status   which services are configured, and whether they answer (starts nothing)
 *   migrate  apply pending SQL migrations to the database (DATABASE_URL, or the local MariaDB)
 *   drift    compare the database with the Prisma schema; exit 1 when they differ
 *   seed     load or repair the demo city, categories, users and calendar (idempotent)
 *   audit verify --district <code>
 *            verify every audit chain of a district (chain, head, signed checkpoint); prints the
 *            first broken link of each broken case; exit 1 when any is broken
 *   audit checkpoint [--district <code>]
 *            write a signed audit checkpoint now (the worker's schedule writes one daily)
 *   audit checkpoints --district <code> [--after <n>]
 *            print a district's signed checkpoints as JSON lines, for auditors to keep elsewhere
 *   process compile <file.bpmn>
 *            compile a BPMN diagram: prints the process model JSON and exits 0, or prints
 *            {"errors":[{"element","type","message"}…]} and exits 1; exits 2 on unreadable input
 */
import path from 'node:path';
import { ensureDatabase, mariadbPaths } from '../platform/bootstrap/mariadb';
import { isPortOpen, isSocketOpen } from '../platform/bootstrap/proc';
import { ensureApiTypes } from '../api/openapi-types';
import { ensurePrismaClient } from '../platform/bootstrap/prisma';
import { probeTemporal } from '../platform/bootstrap/temporal';
import { config } from '../platform/config';
import { maskDatabaseUrl } from '../platform/db/url';
import { AUDIT_USAGE } from './audit';
import { fail, log } from '../platform/log';

const USAGE = `usage: npm run -s cli -- status | migrate | drift | seed | ${AUDIT_USAGE} | process compile <file.bpmn>`;

/** The product database: as the schema owner (migrate, drift) or as the application's account (everything else). */
async function databaseUrl(account: 'owner' | 'app' = 'app'): Promise<string> {
  const cfg = config();
  ensurePrismaClient(cfg.root, log);
  ensureApiTypes(cfg.root, log);
  const db = await ensureDatabase(cfg, cfg.database.name, log);
  return account === 'owner' ? db.ownerUrl : db.url;
}

async function main(argv: string[]): Promise<number> {
  const cfg = config();
  switch (argv[0]) {
    case 'status': {
      const temporalAddress = cfg.temporal.address ?? `127.0.0.1:${cfg.temporal.localPort}`;
      const t = await probeTemporal({ address: temporalAddress, namespace: cfg.temporal.namespace, tls: cfg.temporal.tls, apiKey: cfg.temporal.apiKey }, 3_000);
      log(`Temporal ${temporalAddress} (${cfg.temporal.address ? 'TEMPORAL_ADDRESS' : 'local'}): ${t.ok ? 'up' : `down — ${t.reason}`}`);
      if (cfg.database.url) {
        log(`MySQL ${maskDatabaseUrl(cfg.database.url)} (DATABASE_URL)${cfg.database.ownerUrl ? `, owner ${maskDatabaseUrl(cfg.database.ownerUrl)} (DATABASE_OWNER_URL)` : ''}`);
      } else {
        const up = (await isSocketOpen(mariadbPaths(cfg).socket)) && (await isPortOpen('127.0.0.1', cfg.database.localPort));
        log(`MySQL 127.0.0.1:${cfg.database.localPort} (local MariaDB): ${up ? 'up' : 'down'}`);
      }
      return t.ok ? 0 : 1;
    }
    case 'migrate': {
      const { migrate } = await import('../platform/db/migrate');
      const url = await databaseUrl('owner');
      const r = await migrate(url, { log });
      log(r.applied.length ? `applied ${r.applied.length} migration(s): ${r.applied.join(', ')}` : `up to date (${r.alreadyApplied.length} migration(s) applied before)`);
      return 0;
    }
    case 'drift': {
      const { schemaDrift } = await import('../platform/db/drift');
      const url = await databaseUrl('owner');
      const diffs = await schemaDrift(url, path.join(cfg.root, 'schema', 'prisma', 'schema.prisma'));
      if (!diffs.length) {
        log('no drift: the database matches schema/prisma/schema.prisma');
        return 0;
      }
      diffs.forEach((d) => log(`drift: ${d}`));
      return 1;
    }
    case 'seed': {
      const { createPrisma } = await import('../platform/db/prisma');
      const { seedDemo } = await import('../seed');
      const prisma = createPrisma(await databaseUrl());
      try {
        const report = await seedDemo(prisma, { log });
        log(`seeded: ${JSON.stringify(report)}`);
      } finally {
        await prisma.$disconnect();
      }
      return 0;
    }
    case 'audit': {
      const { createPrisma } = await import('../platform/db/prisma');
      const { auditCommand } = await import('./audit');
      const prisma = createPrisma(await databaseUrl());
      try {
        const code = await auditCommand(cfg, prisma, argv.slice(1), log);
        if (code !== undefined) return code;
      } finally {
        await prisma.$disconnect();
      }
      break;
    }
    case 'process': {
      if (argv[1] !== 'compile' || !argv[2] || argv.length > 3) break;
      const { compileProcessFile } = await import('./process');
      return compileProcessFile(argv[2]);
    }
    default:
      break;
  }
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then((code) => process.exit(code), fail);
