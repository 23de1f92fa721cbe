/**
 * The idempotent demo seed (in Chinese): the demo city's org tree and grids (seed/geo.ts), the
 * district departments and the category tree with time limits (seed/catalog.ts), the demo users
 * with their memberships and grid assignments (seed/users.ts), and the business calendar
 * (seed/calendar.ts).
 *
 * Idempotent: rows are matched on their natural keys (org unit and department and category code,
 * username, (category, tier), date, (user, role, unit, department), (grid, user)); missing rows
 * are created, and running it again writes nothing. What it does with existing rows:
 *   - org units, grids, departments, categories: brought back to the seed's values when they
 *     differ (their `active` flags are left alone);
 *   - users: the display name is synced; the password is never reset (it is hashed once per run,
 *     only when a user has to be created), `active` is left alone;
 *   - memberships, grid assignments: missing ones are added (isLeader synced), none are removed;
 *   - category time limits: only missing ones are created: administrators tune them;
 *   - calendar days: synced, except rows an administrator has confirmed (updatedById set).
 * The whole seed runs in one transaction under the named lock `gridcase_seed`, so concurrent
 * runs (two processes booting at once) neither interleave nor duplicate rows.
 *
 * Materialised paths: org_units.path is "/<ids of ancestors and self>/", e.g. "/1/2/7/".
 */
import { Prisma } from '../generated/prisma/client';
import type { PrismaClient } from '../generated/prisma/client';
import { hashPassword } from '../platform/auth/password';
import { seedApiClients } from './api-clients';
import { buildCalendar } from './calendar';
import { CATEGORY_TREE, DEPARTMENT_CODE_PREFIX, PROCESS_KEYS, demoDepartments, flattenCategories } from './catalog';
import { seedProcesses } from './processes';
import { buildDemoCity, flattenUnits } from './geo';
import type { DemoUnit, OrgLevel } from './geo';
import { DEMO_PASSWORD, demoUsers } from './users';
import type { SeedCount, SeedReport } from './report';

type Tx = Prisma.TransactionClient;

export type { SeedCount, SeedReport } from './report';

export interface SeedOptions {
  /** calendar years to write (default: 2026, 2027, and last, this and next year) */
  years?: number[];
  /** password of newly created demo users (default DEMO_PASSWORD) */
  password?: string;
  log?: (line: string) => void;
}

const LEVELS: readonly OrgLevel[] = ['CITY', 'DISTRICT', 'TOWNSHIP', 'VILLAGE', 'GRID'];
const CHUNK = 200;
const LOCK_NAME = 'gridcase_seed';

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const counter = (total: number): SeedCount => ({ created: 0, updated: 0, total });
const dec7 = (v: number | Prisma.Decimal) => (typeof v === 'number' ? v.toFixed(7) : v.toFixed(7));
const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const dateOf = (ymd: string) => new Date(`${ymd}T00:00:00.000Z`);
const ymdOf = (d: Date) => d.toISOString().slice(0, 10);

// ---------------------------------------------------------------------------------------------

async function seedOrgUnits(tx: Tx, units: DemoUnit[], report: SeedReport): Promise<Map<string, { id: number; path: string }>> {
  const byCode = new Map<string, { id: number; path: string }>();
  const existing = new Map(
    (await tx.orgUnit.findMany({ where: { code: { in: units.map((u) => u.code) } } })).map((u) => [u.code, u]),
  );
  for (const level of LEVELS) {
    const ofLevel = units.filter((u) => u.level === level);
    const parentId = (u: DemoUnit) => (u.parentCode ? byCode.get(u.parentCode)!.id : null);
    const missing = ofLevel.filter((u) => !existing.has(u.code));
    for (const part of chunks(missing)) {
      const r = await tx.orgUnit.createMany({
        data: part.map((u) => ({ code: u.code, name: u.name, nameEn: u.nameEn, casePrefix: u.casePrefix ?? null, level: u.level, parentId: parentId(u), path: '' })),
        skipDuplicates: true,
      });
      report.orgUnits.created += r.count;
    }
    const rows = missing.length
      ? await tx.orgUnit.findMany({ where: { code: { in: ofLevel.map((u) => u.code) } } })
      : ofLevel.map((u) => existing.get(u.code)!);
    const rowByCode = new Map(rows.map((r) => [r.code, r]));
    const pathFixes: { id: number; path: string }[] = [];
    for (const u of ofLevel) {
      const row = rowByCode.get(u.code);
      if (!row) throw new Error(`org unit ${u.code} missing after insert`);
      const pid = parentId(u);
      const path = `${u.parentCode ? byCode.get(u.parentCode)!.path : '/'}${row.id}/`;
      byCode.set(u.code, { id: row.id, path });
      const wasCreated = !existing.has(u.code);
      if (row.name !== u.name || row.nameEn !== u.nameEn || row.casePrefix !== (u.casePrefix ?? null) || row.level !== u.level || row.parentId !== pid) {
        await tx.orgUnit.update({ where: { id: row.id }, data: { name: u.name, nameEn: u.nameEn, casePrefix: u.casePrefix ?? null, level: u.level, parentId: pid, path } });
        if (!wasCreated) report.orgUnits.updated++;
      } else if (row.path !== path) {
        pathFixes.push({ id: row.id, path });
        if (!wasCreated) report.orgUnits.updated++;
      }
    }
    // one statement per chunk for the paths of freshly inserted rows (known only after insert)
    for (const part of chunks(pathFixes, 500)) {
      const cases = Prisma.join(part.map((p) => Prisma.sql`WHEN ${p.id} THEN ${p.path}`), ' ');
      await tx.$executeRaw`UPDATE org_units SET path = CASE id ${cases} END, updatedAt = CURRENT_TIMESTAMP(3) WHERE id IN (${Prisma.join(part.map((p) => p.id))})`;
    }
  }
  return byCode;
}

async function seedGrids(tx: Tx, units: DemoUnit[], unitIds: Map<string, { id: number }>, report: SeedReport): Promise<Map<string, number>> {
  const grids = units.filter((u) => u.level === 'GRID');
  const want = grids.map((g) => {
    const [minLng, minLat, maxLng, maxLat] = g.bbox;
    return {
      code: g.code,
      data: {
        orgUnitId: unitIds.get(g.code)!.id,
        boundary: g.geometry as unknown as Prisma.InputJsonValue,
        minLng: dec7(minLng),
        minLat: dec7(minLat),
        maxLng: dec7(maxLng),
        maxLat: dec7(maxLat),
        areaSqm: g.areaSqm,
        households: g.households,
      },
    };
  });
  const existing = new Map(
    (await tx.grid.findMany({ where: { orgUnitId: { in: want.map((w) => w.data.orgUnitId) } } })).map((g) => [g.orgUnitId, g]),
  );
  const missing = want.filter((w) => !existing.has(w.data.orgUnitId));
  for (const part of chunks(missing, 100)) {
    const r = await tx.grid.createMany({ data: part.map((w) => w.data), skipDuplicates: true });
    report.grids.created += r.count;
  }
  for (const w of want) {
    const row = existing.get(w.data.orgUnitId);
    if (!row) continue;
    const same =
      dec7(row.minLng) === w.data.minLng && dec7(row.minLat) === w.data.minLat &&
      dec7(row.maxLng) === w.data.maxLng && dec7(row.maxLat) === w.data.maxLat &&
      row.areaSqm === w.data.areaSqm && row.households === w.data.households && sameJson(row.boundary, w.data.boundary);
    if (!same) {
      await tx.grid.update({ where: { id: row.id }, data: w.data });
      report.grids.updated++;
    }
  }
  const ids = new Map<string, number>();
  const rows = await tx.grid.findMany({ where: { orgUnitId: { in: want.map((w) => w.data.orgUnitId) } }, select: { id: true, orgUnitId: true } });
  const byUnit = new Map(rows.map((r) => [r.orgUnitId, r.id]));
  for (const w of want) ids.set(w.code, byUnit.get(w.data.orgUnitId)!);
  return ids;
}

async function seedDepartments(tx: Tx, unitIds: Map<string, { id: number }>, report: SeedReport): Promise<Map<string, number>> {
  const want = demoDepartments(buildDemoCity()).map((d) => ({ code: d.code, kind: d.kind, name: d.name, nameEn: d.nameEn, orgUnitId: unitIds.get(d.orgUnitCode)!.id }));
  report.departments.total = want.length;
  const existing = new Map((await tx.department.findMany({ where: { code: { in: want.map((d) => d.code) } } })).map((d) => [d.code, d]));
  const missing = want.filter((d) => !existing.has(d.code));
  if (missing.length) report.departments.created += (await tx.department.createMany({ data: missing, skipDuplicates: true })).count;
  for (const d of want) {
    const row = existing.get(d.code);
    if (row && (row.kind !== d.kind || row.name !== d.name || row.nameEn !== d.nameEn || row.orgUnitId !== d.orgUnitId)) {
      await tx.department.update({ where: { id: row.id }, data: d });
      report.departments.updated++;
    }
  }
  const rows = await tx.department.findMany({ where: { code: { in: want.map((d) => d.code) } }, select: { id: true, code: true } });
  return new Map(rows.map((r) => [r.code, r.id]));
}

async function seedCategories(tx: Tx, report: SeedReport): Promise<void> {
  const all = flattenCategories(CATEGORY_TREE);
  const existing = new Map((await tx.category.findMany({ where: { code: { in: all.map((c) => c.code) } } })).map((c) => [c.code, c]));
  const ids = new Map<string, number>();
  for (const level of ['MAJOR', 'MINOR'] as const) {
    const want = all
      .filter((c) => c.level === level)
      .map((c) => ({
        code: c.code,
        name: c.name,
        nameEn: c.nameEn,
        level: c.level,
        parentId: c.parentCode ? ids.get(c.parentCode)! : null,
        processKey: c.processKey,
        departmentKind: c.departmentCode ?? null,
        sortOrder: c.sortOrder,
      }));
    const missing = want.filter((c) => !existing.has(c.code));
    if (missing.length) report.categories.created += (await tx.category.createMany({ data: missing, skipDuplicates: true })).count;
    for (const c of want) {
      const row = existing.get(c.code);
      if (
        row &&
        (row.name !== c.name || row.nameEn !== c.nameEn || row.level !== c.level || row.parentId !== c.parentId ||
          row.processKey !== c.processKey || row.departmentKind !== c.departmentKind || row.sortOrder !== c.sortOrder)
      ) {
        await tx.category.update({ where: { id: row.id }, data: c });
        report.categories.updated++;
      }
    }
    const rows = await tx.category.findMany({ where: { code: { in: want.map((c) => c.code) } }, select: { id: true, code: true } });
    for (const r of rows) ids.set(r.code, r.id);
  }

  // time limits: create the missing ones only (administrators tune them)
  const wantLimits = all.flatMap((c) => c.timeLimits.map((t) => ({ categoryId: ids.get(c.code)!, tier: t.tier, duration: t.duration, calendar: t.calendar })));
  report.timeLimits.total = wantLimits.length;
  const have = new Set(
    (await tx.categoryTimeLimit.findMany({ where: { categoryId: { in: [...ids.values()] } }, select: { categoryId: true, tier: true } })).map(
      (t) => `${t.categoryId}|${t.tier}`,
    ),
  );
  const missing = wantLimits.filter((t) => !have.has(`${t.categoryId}|${t.tier}`));
  for (const part of chunks(missing)) report.timeLimits.created += (await tx.categoryTimeLimit.createMany({ data: part, skipDuplicates: true })).count;
}

/**
 * A made-up mobile number per demo account (1380000 and the account's place in the list), so
 * the SMS a demo sends show up in the SMS gateway's log (.data/logs/sms.log by default).
 */
export function demoPhone(index: number): string {
  return `1380000${String(index + 1).padStart(4, '0')}`;
}

async function seedUsers(
  tx: Tx,
  unitIds: Map<string, { id: number }>,
  deptIds: Map<string, number>,
  gridIds: Map<string, number>,
  passwordHash: () => Promise<string>,
  report: SeedReport,
): Promise<void> {
  const users = demoUsers(buildDemoCity());
  report.users.total = users.length;
  const existing = new Map((await tx.user.findMany({ where: { username: { in: users.map((u) => u.username) } } })).map((u) => [u.username, u]));
  const missing = users.filter((u) => !existing.has(u.username));
  if (missing.length) {
    const hash = await passwordHash();
    report.users.created += (
      await tx.user.createMany({ data: missing.map((u) => ({ username: u.username, displayName: u.displayName, passwordHash: hash, phone: demoPhone(users.indexOf(u)) })), skipDuplicates: true })
    ).count;
  }
  for (const u of users) {
    const row = existing.get(u.username);
    if (row && row.displayName !== u.displayName) {
      await tx.user.update({ where: { id: row.id }, data: { displayName: u.displayName } });
      report.users.updated++;
    }
  }
  const userIds = new Map(
    (await tx.user.findMany({ where: { username: { in: users.map((u) => u.username) } }, select: { id: true, username: true } })).map((u) => [u.username, u.id]),
  );

  // memberships, unique on (user, role, scope)
  const key = (m: { userId: number; role: string; scope: string }) => `${m.userId}|${m.role}|${m.scope}`;
  const wantMemberships = users.flatMap((u) =>
    u.memberships.map((m) => {
      const orgUnitId = m.unitCode ? unitIds.get(m.unitCode)?.id : null;
      const departmentId = m.departmentCode ? deptIds.get(m.departmentCode) : null;
      if (orgUnitId === undefined || departmentId === undefined) throw new Error(`demo user ${u.username}: unknown unit or department`);
      const scope = orgUnitId !== null ? `unit:${orgUnitId}` : `dept:${departmentId}`;
      return { userId: userIds.get(u.username)!, role: m.role, orgUnitId, departmentId, scope };
    }),
  );
  report.memberships.total = wantMemberships.length;
  const haveM = new Set((await tx.membership.findMany({ where: { userId: { in: [...userIds.values()] } } })).map(key));
  const missingM = wantMemberships.filter((m) => !haveM.has(key(m)));
  if (missingM.length) report.memberships.created += (await tx.membership.createMany({ data: missingM, skipDuplicates: true })).count;

  // grid assignments
  const wantA = users.flatMap((u) =>
    u.grids.map((g) => {
      const gridId = gridIds.get(g.gridCode);
      if (gridId === undefined) throw new Error(`demo user ${u.username}: unknown grid ${g.gridCode}`);
      return { gridId, userId: userIds.get(u.username)!, isLeader: g.isLeader };
    }),
  );
  report.gridAssignments.total = wantA.length;
  const haveA = new Map(
    (await tx.gridAssignment.findMany({ where: { userId: { in: [...userIds.values()] } } })).map((a) => [`${a.gridId}|${a.userId}`, a]),
  );
  const missingA = wantA.filter((a) => !haveA.has(`${a.gridId}|${a.userId}`));
  if (missingA.length) report.gridAssignments.created += (await tx.gridAssignment.createMany({ data: missingA, skipDuplicates: true })).count;
  for (const a of wantA) {
    const row = haveA.get(`${a.gridId}|${a.userId}`);
    if (row && row.isLeader !== a.isLeader) {
      await tx.gridAssignment.update({ where: { id: row.id }, data: { isLeader: a.isLeader } });
      report.gridAssignments.updated++;
    }
  }
}

async function seedCalendar(tx: Tx, years: number[], report: SeedReport): Promise<void> {
  const rows = buildCalendar(years);
  report.calendarDays.total = rows.length;
  const seen = new Map<number, boolean>();
  for (const r of rows) seen.set(Number(r.date.slice(0, 4)), r.provisional);
  report.calendarYears = [...seen].map(([year, provisional]) => ({ year, provisional }));
  if (!rows.length) return;
  const existing = new Map(
    (await tx.calendarDay.findMany({ where: { date: { gte: dateOf(rows[0].date), lte: dateOf(rows[rows.length - 1].date) } } })).map((d) => [ymdOf(d.date), d]),
  );
  const data = (r: (typeof rows)[number]) => ({ date: dateOf(r.date), isWorkingDay: r.isWorkingDay, kind: r.kind, note: r.note, provisional: r.provisional });
  const missing = rows.filter((r) => !existing.has(r.date));
  for (const part of chunks(missing, 400)) report.calendarDays.created += (await tx.calendarDay.createMany({ data: part.map(data), skipDuplicates: true })).count;
  for (const r of rows) {
    const row = existing.get(r.date);
    if (!row || row.updatedById !== null) continue; // confirmed by an administrator: leave it
    if (row.isWorkingDay !== r.isWorkingDay || row.kind !== r.kind || row.note !== r.note || row.provisional !== r.provisional) {
      await tx.calendarDay.update({ where: { date: row.date }, data: { isWorkingDay: r.isWorkingDay, kind: r.kind, note: r.note, provisional: r.provisional } });
      report.calendarDays.updated++;
    }
  }
}

// ---------------------------------------------------------------------------------------------

/** Writes the demo data; safe to run any number of times (see the file header). */
export async function seedDemo(prisma: PrismaClient, opts: SeedOptions = {}): Promise<SeedReport> {
  const started = Date.now();
  const log = opts.log ?? (() => undefined);
  const thisYear = new Date().getUTCFullYear();
  // 2026 and 2027 always (the first release's calendar), plus last, this and next year.
  const years = opts.years ?? [...new Set([2026, 2027, thisYear - 1, thisYear, thisYear + 1])].sort((a, b) => a - b);
  const city = buildDemoCity();
  log(`seed: demo city built (${Date.now() - started} ms)`);
  const units = flattenUnits(city.city);
  if (Object.keys(DEPARTMENT_CODE_PREFIX).some((code) => !units.some((u) => u.code === code))) throw new Error('department prefix for an unknown district');

  // scrypt is slow: hash at most once per run, and only when a user has to be created
  const usernames = demoUsers(city).map((u) => u.username);
  const present = await prisma.user.count({ where: { username: { in: usernames } } });
  const password = opts.password ?? DEMO_PASSWORD;
  let hashed = present < usernames.length ? await hashPassword(password) : undefined;
  const passwordHash = async () => (hashed ??= await hashPassword(password));

  const report: SeedReport = {
    orgUnits: counter(units.length),
    grids: counter(units.filter((u) => u.level === 'GRID').length),
    departments: counter(0),
    categories: counter(flattenCategories(CATEGORY_TREE).length),
    timeLimits: counter(0),
    users: counter(0),
    memberships: counter(0),
    gridAssignments: counter(0),
    calendarDays: counter(0),
    apiClients: counter(0),
    calendarYears: [],
    processes: counter(PROCESS_KEYS.length),
    durationMs: 0,
  };

  await prisma.$transaction(
    async (tx) => {
      const [{ locked }] = await tx.$queryRaw<{ locked: number | bigint | null }[]>`SELECT GET_LOCK(${LOCK_NAME}, 60) AS locked`;
      if (Number(locked) !== 1) throw new Error(`seed: could not take the lock ${LOCK_NAME}`);
      try {
        let t = Date.now();
        const step = (what: string) => {
          log(`seed: ${what} (${Date.now() - t} ms)`);
          t = Date.now();
        };
        const unitIds = await seedOrgUnits(tx, units, report);
        step('org units');
        const gridIds = await seedGrids(tx, units, unitIds, report);
        step('grids');
        const deptIds = await seedDepartments(tx, unitIds, report);
        await seedCategories(tx, report);
        step('departments and categories');
        await seedUsers(tx, unitIds, deptIds, gridIds, passwordHash, report);
        step('users');
        await seedCalendar(tx, years, report);
        step('calendar');
        await seedApiClients(tx, report);
        step('api clients');
      } finally {
        await tx.$queryRaw`SELECT RELEASE_LOCK(${LOCK_NAME})`;
      }
    },
    { maxWait: 30_000, timeout: 180_000 },
  );
  report.processes = await seedProcesses(prisma);
  report.durationMs = Date.now() - started;
  log(
    `seed: done in ${report.durationMs} ms — ` +
      Object.entries(report)
        .filter(([, v]) => v && typeof v === 'object' && 'created' in v)
        .map(([k, v]) => `${k} ${(v as SeedCount).total} (+${(v as SeedCount).created}, ~${(v as SeedCount).updated})`)
        .join(', '),
  );
  return report;
}
