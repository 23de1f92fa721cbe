/**
 * An audit trail that proves what it claims (issue 12). The application's database account can
 * no longer drop the append-only triggers; an attacker holding the schema owner's account can, and
 * then edits a middle row, cuts rows off the end, rewinds the head on the case row or alters a
 * signed checkpoint: GET /api/cases/{id}/history/verify and `npm run -s cli -- audit verify` name
 * each of these. The worker's daily schedule writes the signed checkpoints.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import mariadb, { type Connection } from 'mariadb';
import request from 'supertest';
import { eventHash } from '../../core/audit-chain';
import { checkSignature, writeCheckpoints } from '../../domain/audit-checkpoints';
import { connectionOptions, parseDatabaseUrl } from '../../platform/db/url';
import { auditScheduleId, ensureAuditSchedule } from '../../platform/temporal/schedules';
import { startApiSuite, type ApiSuite } from '../support/api';
import { act, inboxTask, reportAs } from '../support/api-flow';
import { testServices } from '../support/env';

jest.setTimeout(240_000);

const root = path.resolve(__dirname, '../..');
const env = testServices();

/** A case reported by 王芳, handled by the community and verified: closed at village tier. */
async function closedCase(s: ApiSuite, description: string): Promise<string> {
  const c = await reportAs(s, 'wangfang', { description });
  const accept = await inboxTask(s, 'dhm1.handler', c.id, 'Task_Accept');
  await act(s, 'dhm1.handler', accept.id, 'claim');
  await act(s, 'dhm1.handler', accept.id, 'complete', { outcome: 'accept' });
  for (const step of ['Task_Register', 'Task_Dispatch']) await act(s, 'dhm1.handler', (await inboxTask(s, 'dhm1.handler', c.id, step)).id, 'complete');
  const handle = await inboxTask(s, 'dhm1.handler', c.id, 'Task_Handle');
  await act(s, 'dhm1.handler', handle.id, 'claim');
  await act(s, 'dhm1.handler', handle.id, 'complete', { outcome: 'done', data: { feedback: '已处理' } });
  await act(s, 'wangfang', (await inboxTask(s, 'wangfang', c.id, 'Task_Verify')).id, 'complete', { outcome: 'pass' });
  for (let i = 0; i < 200; i++) {
    const row = await s.prisma.case.findUniqueOrThrow({ where: { id: c.id }, select: { status: true } });
    if (row.status === 'CLOSED') return c.id;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${c.id} did not close`);
}

describe('an audit trail that proves what it claims', () => {
  let s: ApiSuite;
  let owner: Connection;
  /** closed cases: untouched, a middle row edited, rows cut off, rows cut off and the head rewound, checkpoint altered */
  let intact: string, edited: string, cut: string, rewound: string, forged: string, extended: string;
  let rowsOf: (id: string) => Promise<{ seq: number; hash: string }[]>;

  /** What an attacker with the owner's account does: drop the trigger, change rows, put the trigger back. */
  async function withoutTriggers(table: 'case_events' | 'audit_checkpoint_heads', sql: string, params: unknown[]) {
    await owner.query(`DROP TRIGGER IF EXISTS \`${table}_no_update\``);
    await owner.query(`DROP TRIGGER IF EXISTS \`${table}_no_delete\``);
    try {
      await owner.query(sql, params);
    } finally {
      await owner.query(`CREATE TRIGGER \`${table}_no_update\` BEFORE UPDATE ON \`${table}\` FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '${table} is append-only'`);
      await owner.query(`CREATE TRIGGER \`${table}_no_delete\` BEFORE DELETE ON \`${table}\` FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '${table} is append-only'`);
    }
  }

  const verify = async (id: string) => {
    const res = await request(s.app).get(`/api/cases/${id}/history/verify`).set('Authorization', await s.auth('dc.auditor'));
    expect(res.status).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    s = await startApiSuite('audit-trail');
    owner = await mariadb.createConnection(connectionOptions(env.ownerUrl));
    rowsOf = async (id) => (await s.prisma.caseEvent.findMany({ where: { caseId: id }, orderBy: { seq: 'asc' }, select: { seq: true, hash: true } })).map((r) => ({ seq: r.seq, hash: r.hash }));
    [intact, edited, cut, rewound, extended] = await Promise.all(['未动', '改中间一行', '删末尾三行', '删末尾三行并回拨链头', '改写后续写'].map((d) => closedCase(s, `审计测试：${d}`)));
    // the daily checkpoint of the district, as the schedule writes it
    await writeCheckpoints(s.prisma, env.auditKey!, { districts: ['DC'] });
    // a case in a later checkpoint of its own (altering that checkpoint taints only the cases it holds)
    forged = await closedCase(s, '审计测试：伪造检查点');
    await writeCheckpoints(s.prisma, env.auditKey!, { districts: ['DC'] });
  });
  afterAll(async () => {
    await owner?.end();
    await s?.close();
  });

  it("given the application's database account, the append-only triggers and the tables cannot be dropped or altered", async () => {
    expect(env.databaseUrl).not.toBe(env.ownerUrl);
    const app = await mariadb.createConnection(connectionOptions(env.databaseUrl));
    try {
      // it reads and writes rows …
      expect((await app.query('SELECT COUNT(*) AS n FROM case_events WHERE caseId = ?', [intact]))[0].n).toBeGreaterThan(0n);
      // … but dropping a trigger, a table or altering one is refused
      await expect(app.query('DROP TRIGGER `case_events_no_delete`')).rejects.toThrow(/denied/);
      await expect(app.query('DROP TRIGGER `admin_audit_log_no_update`')).rejects.toThrow(/denied/);
      await expect(app.query('ALTER TABLE case_events ADD COLUMN x INT')).rejects.toThrow(/denied/);
      await expect(app.query('DROP TABLE case_events')).rejects.toThrow(/denied/);
      await expect(app.query('CREATE TRIGGER t BEFORE DELETE ON case_events FOR EACH ROW SET @x = 1')).rejects.toThrow(/denied/);
      // and the triggers still stop it deleting or editing audit rows
      await expect(app.query('DELETE FROM case_events WHERE caseId = ?', [intact])).rejects.toThrow(/append-only/);
      await expect(app.query('UPDATE audit_checkpoints SET signature = ? WHERE id > 0', ['x'])).rejects.toThrow(/append-only/);
    } finally {
      await app.end();
    }
  });

  it('given an untouched closed case, verify answers intact with its head and a valid signed checkpoint', async () => {
    const rows = await rowsOf(intact);
    const v = await verify(intact);
    expect(v).toMatchObject({ caseId: intact, intact: true, rows: rows.length, problems: [], head: { seq: rows.length, hash: rows.at(-1)!.hash } });
    expect(v.checkpoint).toMatchObject({ district: expect.any(String), seq: rows.length, hash: rows.at(-1)!.hash, signature: 'valid' });
  });

  it('given a middle row whose reason was changed, verify names that row', async () => {
    await withoutTriggers('case_events', "UPDATE case_events SET reason = '改过的理由' WHERE caseId = ? AND seq = 5", [edited]);
    const v = await verify(edited);
    expect(v.intact).toBe(false);
    expect(v.firstBroken).toEqual({ seq: 5, reason: 'its content does not match its hash' });
    expect(v.problems).toEqual([expect.objectContaining({ code: 'ROW_BROKEN', seq: 5 })]);
  });

  it("given the last 3 rows deleted, verify names the rows missing after seq N (the case row's head, and the checkpoint)", async () => {
    const rows = await rowsOf(cut);
    const n = rows.length - 3;
    await withoutTriggers('case_events', 'DELETE FROM case_events WHERE caseId = ? AND seq > ?', [cut, n]);
    const v = await verify(cut);
    expect(v).toMatchObject({ intact: false, rows: n, firstBroken: { seq: n + 1 } });
    expect(v.problems).toEqual([
      expect.objectContaining({ code: 'ROWS_MISSING', seq: n + 1, afterSeq: n, reason: expect.stringContaining(`the chain ends at seq ${n}, the head on the case row is seq ${rows.length}`) }),
      expect.objectContaining({ code: 'CHECKPOINT_MISMATCH', seq: n + 1, afterSeq: n, reason: expect.stringContaining(`recorded the chain up to seq ${rows.length}`) }),
    ]);
  });

  it('given the last rows deleted and the head on the case row rewound to match, the signed checkpoint still names them', async () => {
    const rows = await rowsOf(rewound);
    const n = rows.length - 3;
    await withoutTriggers('case_events', 'DELETE FROM case_events WHERE caseId = ? AND seq > ?', [rewound, n]);
    await owner.query('UPDATE cases SET lastEventSeq = ?, auditHeadHash = ? WHERE id = ?', [n, rows[n - 1].hash, rewound]);
    const v = await verify(rewound);
    expect(v).toMatchObject({ intact: false, rows: n, head: { seq: n } });
    expect(v.problems).toEqual([expect.objectContaining({ code: 'CHECKPOINT_MISMATCH', seq: n + 1, afterSeq: n, checkpoint: expect.objectContaining({ number: expect.any(Number) }) })]);
  });

  it('given a checkpoint altered to match a forged chain, its signature no longer holds', async () => {
    const rows = await rowsOf(forged);
    const fake = crypto.randomBytes(32).toString('hex');
    await withoutTriggers('audit_checkpoint_heads', 'UPDATE audit_checkpoint_heads SET hash = ? WHERE caseId = ?', [fake, forged]);
    await withoutTriggers('case_events', 'UPDATE case_events SET hash = ? WHERE caseId = ? AND seq = ?', [fake, forged, rows.length]);
    await owner.query('UPDATE cases SET auditHeadHash = ? WHERE id = ?', [fake, forged]);
    const v = await verify(forged);
    expect(v.intact).toBe(false);
    expect(v.problems.map((p: { code: string }) => p.code)).toEqual(['ROW_BROKEN', 'CHECKPOINT_SIGNATURE']);
    expect(v.problems[1]).toMatchObject({ seq: rows.length, reason: expect.stringContaining('it was altered after it was signed') });
  });

  it('given the last row rewritten and a row appended so that the next daily checkpoint signs the forged head, the earlier checkpoint still names the row', async () => {
    const rows = await s.prisma.caseEvent.findMany({ where: { caseId: extended }, orderBy: { seq: 'asc' } });
    const chainRow = (r: (typeof rows)[number]) => ({ ...r, tier: r.tier as string | null });
    const last = rows.at(-1)!;
    // a chain that verifies on its own: the last row rewritten, a row appended, the head moved on
    const rewritten = { ...chainRow(last), reason: '改写的结案理由' };
    const rewrittenHash = eventHash(last.prevHash, rewritten);
    const appended = { ...chainRow(last), seq: last.seq + 1, action: 'comment', fromStatus: null, toStatus: null, reason: '补写的一行', payload: {}, createdAt: new Date(last.createdAt.getTime() + 1000) };
    const appendedHash = eventHash(rewrittenHash, appended);
    await withoutTriggers('case_events', 'UPDATE case_events SET reason = ?, hash = ? WHERE caseId = ? AND seq = ?', [rewritten.reason, rewrittenHash, extended, last.seq]);
    await owner.query(
      'INSERT INTO case_events (caseId, seq, actorId, actorName, action, fromStatus, toStatus, tier, reason, payload, prevHash, hash, createdAt) VALUES (?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?, ?, ?, ?)',
      // DATETIME(3) in UTC, as Prisma writes it (not the driver's local-time rendering of a Date)
      [extended, appended.seq, appended.actorId, appended.actorName, appended.action, appended.tier, appended.reason, '{}', rewrittenHash, appendedHash, appended.createdAt.toISOString().slice(0, 23).replace('T', ' ')],
    );
    await owner.query('UPDATE cases SET lastEventSeq = ?, auditHeadHash = ?, updatedAt = UTC_TIMESTAMP(3) WHERE id = ?', [appended.seq, appendedHash, extended]);
    // the next daily checkpoint signs the head as it finds it
    await writeCheckpoints(s.prisma, env.auditKey!, { districts: ['DC'] });
    const v = await verify(extended);
    expect(v).toMatchObject({ intact: false, rows: rows.length + 1, head: { seq: appended.seq }, checkpoints: 2, checkpoint: { seq: appended.seq, hash: appendedHash, signature: 'valid' } });
    expect(v.problems).toEqual([expect.objectContaining({ code: 'CHECKPOINT_MISMATCH', seq: last.seq, reason: expect.stringContaining('the chain was rewritten after it was signed') })]);
  });

  it('the offline command verifies every chain of the district, prints the first broken link of each broken case and exits 1', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'scripts/run.js'), 'cli', 'audit', 'verify', '--district', 'DC'], {
      cwd: root,
      // the CLI works on the database GRIDCASE_DB_NAME names: the test database
      env: { ...process.env, GRIDCASE_DB_NAME: parseDatabaseUrl(env.databaseUrl).database },
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(r.status).toBe(1);
    const broken = r.stdout.split('\n').filter((l) => l.startsWith('gridcase: BROKEN '));
    const line = (id: string) => broken.find((l) => l.includes(` ${id}: `));
    expect(line(edited)).toContain('first broken link at seq 5: its content does not match its hash');
    expect(line(cut)).toMatch(/first broken link at seq \d+: rows \d+–\d+ are missing/);
    expect(line(rewound)).toMatch(/first broken link at seq \d+: checkpoint .* recorded the chain up to seq \d+/);
    expect(line(forged)).toBeDefined();
    expect(line(extended)).toMatch(/first broken link at seq \d+: row \d+ differs from what checkpoint/);
    expect(line(intact)).toBeUndefined();
    expect(r.stdout).toMatch(/东城区 \(\d+\): \d+ case\(s\) verified, \d+ broken/);
  });

  it("the worker's daily schedule writes a signed checkpoint per district; auditors export them and check the signature with the public key", async () => {
    const id = auditScheduleId(s.taskQueue);
    expect(await ensureAuditSchedule(s.temporal.client, s.taskQueue)).toBe('created');
    expect(await ensureAuditSchedule(s.temporal.client, s.taskQueue)).toBe('exists');
    const handle = s.temporal.client.schedule.getHandle(id);
    try {
      const d = await handle.describe();
      expect(d.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 0, end: 0, step: 1 }], minute: [{ start: 10, end: 10, step: 1 }] });
      expect(d.spec.timezone).toBe('Asia/Shanghai');
      const dc = await s.prisma.orgUnit.findFirstOrThrow({ where: { casePrefix: 'DC' }, select: { id: true } });
      const before = await s.prisma.auditCheckpoint.count({ where: { districtId: dc.id } });
      // when the schedule fires (triggered now rather than at 00:10)
      await handle.trigger();
      for (let i = 0; i < 300 && (await s.prisma.auditCheckpoint.count({ where: { districtId: dc.id } })) === before; i++) await new Promise((r) => setTimeout(r, 100));
      // then a new checkpoint of the district follows the previous one
      const res = await request(s.app).get('/api/admin/audit/checkpoints').query({ district: dc.id }).set('Authorization', await s.auth('dc.auditor'));
      expect(res.status).toBe(200);
      const items = res.body.items as { number: number; statement: string; signature: string; previousSignature: string | null; keyId: string }[];
      expect(items.length).toBeGreaterThanOrEqual(before + 1);
      items.forEach((c, i) => {
        expect(c.number).toBe(i + 1);
        if (i) expect(c.previousSignature).toBe(items[i - 1].signature);
      });
      // and an auditor holding only the public key checks every exported statement
      const publicKey = crypto.createPublicKey(res.body.key.publicKeyPem);
      expect(res.body.key).toMatchObject({ algorithm: 'Ed25519', keyId: env.auditKey!.keyId });
      for (const c of items) {
        const holdsForged = c.statement.includes(`\n${forged} `);
        expect(crypto.verify(null, Buffer.from(c.statement, 'utf8'), publicKey, Buffer.from(c.signature, 'base64url'))).toBe(!holdsForged);
      }
      expect(items.some((c) => c.statement.includes(`\n${intact} `))).toBe(true);
      expect(checkSignature(publicKey, items[0].statement.replace('number 1\n', 'number 9\n'), items[0].signature)).toBe(false);
      // and the export comes in cursor pages as every list does: one checkpoint a page, the last without a next cursor
      const walked: number[] = [];
      for (let cursor: string | null | undefined, i = 0; i === 0 || (cursor && i < 1000); i++) {
        const page = await request(s.app).get('/api/admin/audit/checkpoints').query({ district: dc.id, limit: 1, ...(cursor ? { cursor } : {}) }).set('Authorization', await s.auth('dc.auditor'));
        expect(page.status).toBe(200);
        walked.push(...page.body.items.map((c: { number: number }) => c.number));
        cursor = page.body.nextCursor;
      }
      expect(walked.slice(0, items.length)).toEqual(items.map((c) => c.number));
    } finally {
      await handle.delete();
    }
  });
});
