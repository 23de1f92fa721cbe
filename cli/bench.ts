/**
 * `npm run bench`: measurements against the same local services as `npm start` (or those named by
 * DATABASE_URL and TEMPORAL_ADDRESS), in a database of their own (gridcase_bench, recreated each run),
 * with the worker and the API as separate processes. Writes bench/results/<timestamp>.json and .md
 * and the README's table (between its bench markers).
 *
 *   npm run bench [-- --quick] [-- --only baseline,intake]
 *
 * `--quick` runs every section at a small scale to check the harness; its results go to
 * .data/bench/ and never into the README.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mariadb from 'mariadb';
import type { BenchContext, SectionResult } from '../bench/lib/types';
import { localAuditKeyText } from '../platform/audit-keys';
import { bootstrap, describeServices } from '../platform/bootstrap';
import { ensureApiTypes } from '../api/openapi-types';
import { entryProcess } from '../platform/bootstrap/child';
import { freePort } from '../platform/bootstrap/proc';
import { auditScheduleId } from '../platform/temporal/schedules';
import { config } from '../platform/config';
import { connectionOptions } from '../platform/db/url';
import { fail, log, seconds } from '../platform/log';


async function machine(databaseUrl: string, temporalServer: string) {
  const conn = await mariadb.createConnection(connectionOptions(databaseUrl));
  const [{ v }] = (await conn.query('SELECT VERSION() AS v')) as Array<{ v: string }>;
  await conn.end();
  const cpus = os.cpus();
  return {
    cpu: `${cpus.length} × ${cpus[0]?.model ?? 'unknown'}`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    mysql: v,
    temporal: temporalServer,
  };
}

function markdown(results: SectionResult[], meta: { startedAt: string; machine: Record<string, string>; quick: boolean; durationS: number }): string {
  const lines = [
    `# GridCase benchmark, ${meta.startedAt}${meta.quick ? ' (quick: small scale, not for reporting)' : ''}`,
    '',
    `Machine: ${meta.machine.cpu}, ${meta.machine.memory}, ${meta.machine.os}; Node ${meta.machine.node}; MariaDB ${meta.machine.mysql}; Temporal ${meta.machine.temporal}. Everything local (API, worker, Temporal, MariaDB and the load generator share the machine). Run time ${meta.durationS.toFixed(0)} s.`,
    '',
    '| section | measure | value | target | met |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    for (const row of r.rows) {
      const value = typeof row.value === 'number' ? `${Number.isInteger(row.value) ? row.value : row.value.toFixed(row.value >= 100 ? 0 : 2)}${row.unit ? ` ${row.unit}` : ''}` : `${row.value}${row.unit ? ` ${row.unit}` : ''}`;
      lines.push(`| ${r.title} | ${row.measure} | ${value} | ${row.target ?? ''} | ${row.met === undefined ? '' : row.met ? 'yes' : '**no**'} |`);
    }
  }
  const notes = results.filter((r) => r.notes.length);
  if (notes.length) {
    lines.push('', '## Notes');
    for (const r of notes) {
      lines.push('', `### ${r.title}`, '');
      for (const n of r.notes) lines.push(`- ${n}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const BEGIN = '<!-- bench:begin -->';
const END = '<!-- bench:end -->';

function updateReadme(root: string, table: string, resultFile: string): void {
  const file = path.join(root, 'README.md');
  const text = fs.readFileSync(file, 'utf8');
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  if (a < 0 || b < a) return;
  const body = table.replace(/^# .*\n\n/, '').replace(/\n## Notes[\s\S]*$/, '\n');
  fs.writeFileSync(file, `${text.slice(0, a + BEGIN.length)}\n<!-- written by npm run bench; details in ${path.relative(root, resultFile)} -->\n${body}${text.slice(b)}`);
}

/**
 * A full-scale run of some sections (`--only`) replaces just those sections' rows of the README
 * table (in the order of SECTIONS), and names its result file for them in the table's preamble.
 */
function mergeReadme(root: string, md: string, resultFile: string, order: string[], titles: string[]): void {
  const file = path.join(root, 'README.md');
  const text = fs.readFileSync(file, 'utf8');
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  if (a < 0 || b < a) return;
  const block = text.slice(a + BEGIN.length, b).split('\n');
  const fresh = md.split('\n').filter((l) => titles.some((t) => l.startsWith(`| ${t} |`)));
  const kept = block.filter((l) => !titles.some((t) => l.startsWith(`| ${t} |`)));
  // after the rows of the nearest earlier section still in the table, else at the end of the table
  const rank = (line: string) => order.findIndex((t) => line.startsWith(`| ${t} |`));
  const mine = Math.min(...titles.map((t) => order.indexOf(t)).filter((i) => i >= 0));
  let at = -1;
  kept.forEach((l, i) => {
    const r = rank(l);
    if (r >= 0 && r < mine) at = i;
  });
  if (at < 0) at = kept.map((l) => l.startsWith('|')).lastIndexOf(true);
  kept.splice(at + 1, 0, ...fresh);
  const source = `${titles.join(', ')}: \`${path.relative(root, resultFile).replace(/\.json$/, '.md')}\` (\`--only\` run).`;
  const pre = kept.findIndex((l) => l.startsWith('Machine:'));
  if (pre >= 0) {
    const cleaned = titles.reduce((line, t) => line.replace(new RegExp(` ${t.replace(/[()]/g, '\\$&')}: \`[^\`]*\` \\(\`--only\` run\\)\\.`, 'g'), ''), kept[pre]);
    kept[pre] = `${cleaned} ${source}`;
  }
  fs.writeFileSync(file, `${text.slice(0, a + BEGIN.length)}${kept.join('\n')}${text.slice(b)}`);
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const onlyArg = args.find((a) => a.startsWith('--only'));
  const only = onlyArg ? (onlyArg.includes('=') ? onlyArg.split('=')[1] : args[args.indexOf(onlyArg) + 1]).split(',') : undefined;
  const cfg = config();
  const dbName = `${cfg.database.name}_bench`;
  const services = await bootstrap(cfg, { database: dbName, log });
  ensureApiTypes(cfg.root, log);
  describeServices(services).forEach(log);

  // a fresh bench database
  const admin = await mariadb.createConnection(connectionOptions(services.database.serverUrl, { database: null }));
  await admin.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
  await admin.query(`CREATE DATABASE \`${dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const { migrate } = await import('../platform/db/migrate');
  const { createPrisma } = await import('../platform/db/prisma');
  const { seedDemo } = await import('../seed');
  const { connectTemporal } = await import('../platform/temporal/client');
  await migrate(services.database.ownerUrl, { log: () => undefined });
  const prisma = createPrisma(services.database.url, { connectionLimit: 20 });
  await seedDemo(prisma);
  log(`bench database ${dbName} migrated and seeded`);

  const temporalTarget = { address: services.temporal.address, namespace: services.temporal.namespace, tls: services.temporal.tls, apiKey: services.temporal.apiKey };
  const temporal = await connectTemporal(temporalTarget);
  const taskQueue = `bench-${Date.now().toString(36)}`;
  const logDir = path.join(cfg.dataDir, 'logs');
  fs.mkdirSync(logDir, { recursive: true });
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: services.database.url,
    DATABASE_OWNER_URL: services.database.ownerUrl,
    GRIDCASE_AUDIT_KEY: cfg.audit.key ?? localAuditKeyText(cfg.dataDir),
    TEMPORAL_ADDRESS: services.temporal.address,
    TEMPORAL_NAMESPACE: services.temporal.namespace,
    TEMPORAL_TASK_QUEUE: taskQueue,
    GRIDCASE_JWT_SECRET: crypto.randomBytes(32).toString('base64url'),
    GRIDCASE_OPEN311_RATE_LIMIT: '1000000',
    // the demo accounts sign in with the demo password: the production entry refuses that otherwise
    GRIDCASE_ALLOW_DEMO_PASSWORDS: '1',
    GRIDCASE_ATTACHMENT_DIR: path.join(cfg.dataDir, 'bench', 'attachments'),
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
  };
  const entry = (name: string, ready: RegExp) =>
    entryProcess({ file: path.join(cfg.root, 'cli', `${name}.ts`), cwd: cfg.root, env, ready, logFile: path.join(logDir, `${dbName}-${name}.log`) });
  // The API child is the production entry (cli/api.ts): it serves the console from
  // designer/dist and builds it there when stale. Build it here first, so that the build is not
  // counted against the child's start timeout and a broken console fails with its own message.
  const { ensureConsole } = await import('../designer/build');
  ensureConsole({ log });
  const worker = entry('worker', /worker polling/);
  const api = entry('api', /API listening/);
  log('starting the bench worker and API processes …');
  await Promise.all([worker.start(), api.start()]);

  // further children the sections start (scale-out): the same environment, an API on its own port
  const extra: { stop(): Promise<void> }[] = [];
  const spawn: BenchContext['spawn'] = async (kind, label) => {
    if (!/^[a-z0-9-]+$/.test(label) || label === 'api' || label === 'worker') throw new Error(`bench child label ${label}: lowercase letters, digits and dashes, not api or worker`);
    const childPort = kind === 'api' ? await freePort() : undefined;
    const logFile = path.join(logDir, `${dbName}-${label}.log`);
    const p = entryProcess({
      file: path.join(cfg.root, 'cli', `${kind}.ts`),
      cwd: cfg.root,
      env: childPort ? { ...env, PORT: String(childPort) } : env,
      ready: kind === 'api' ? /API listening/ : /worker polling/,
      logFile,
    });
    const child = {
      get pid() {
        return p.pid;
      },
      url: childPort ? `http://127.0.0.1:${childPort}` : undefined,
      logFile,
      start: () => p.start(),
      stop: () => p.kill('SIGTERM'),
      rss: () => p.rss(),
    };
    extra.push(child);
    return child;
  };

  const { SECTIONS } = await import('../bench/sections');
  const ctx: BenchContext = {
    root: cfg.root,
    quick,
    log: (line) => log(`  ${line}`),
    databaseUrl: services.database.url,
    ownerUrl: services.database.ownerUrl,
    serverUrl: services.database.serverUrl,
    prisma,
    temporalTarget,
    temporal,
    taskQueue,
    apiUrl: `http://127.0.0.1:${port}`,
    api,
    worker,
    spawn,
    shared: {},
  };
  const startedAt = new Date().toISOString();
  const results: SectionResult[] = [];
  try {
    for (const section of SECTIONS) {
      if (only && !only.includes(section.id)) continue;
      log(`${section.title} …`);
      const s0 = Date.now();
      try {
        results.push(await section.run(ctx));
      } catch (e) {
        log(`${section.title} failed: ${(e as Error).stack ?? String(e)}`);
        results.push({ id: section.id, title: section.title, rows: [{ measure: 'error', value: (e as Error).message.slice(0, 200) }], notes: [] });
      }
      log(`${section.title} done in ${seconds(s0)}`);
    }
  } finally {
    await Promise.all([worker.kill('SIGTERM'), api.kill('SIGTERM'), ...extra.map((c) => c.stop())]);
    // the bench worker created the audit checkpoint schedule of its task queue: it goes with the run
    await temporal.client.schedule.getHandle(auditScheduleId(taskQueue)).delete().catch(() => undefined);
    await temporal.close();
    await prisma.$disconnect();
  }

  const meta = { startedAt, machine: await machine(services.database.url, services.temporal.server), quick, durationS: (Date.now() - t0) / 1000 };
  const outDir = quick ? path.join(cfg.dataDir, 'bench') : path.join(cfg.root, 'bench', 'results');
  fs.mkdirSync(outDir, { recursive: true });
  const stamp = startedAt.replace(/[:.]/g, '-');
  const jsonFile = path.join(outDir, `${stamp}.json`);
  const md = markdown(results, meta);
  fs.writeFileSync(jsonFile, `${JSON.stringify({ ...meta, sections: results }, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, `${stamp}.md`), md);
  if (!quick && !only) updateReadme(cfg.root, md, jsonFile);
  if (!quick && only) mergeReadme(cfg.root, md, jsonFile, SECTIONS.map((x) => x.title), results.map((r) => r.title));
  process.stdout.write(`\n${md}`);
  log(`results: ${path.relative(cfg.root, jsonFile)} (and .md); bench finished in ${seconds(t0)}`);
}

main().then(() => process.exit(0), fail);
