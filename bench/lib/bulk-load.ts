/**
 * A fast bulk loader of realistic case history for the query benchmarks: N cases spread over the
 * last two years across the seeded grids (weighted by households), categories (the real 大类/小类
 * tree, each case on its category's process), channels and reporters, most of them ended
 * (结案, 不予受理, 并案, 作废, 撤回) with their finished tasks, plus a window of recent open
 * cases carrying a given number of open or claimed tasks with their inbox rows
 * (task_candidates), so they appear in the real inboxes of the demo handlers.
 *
 * Rows look like the ones the case workflow writes (activities/cases.ts applyCaseChange): case
 * numbers `<district prefix>-<Beijing day>-<5-digit daily sequence>` continuing after the
 * numbers already in use (and case_sequences moved past them, so a later intake does not
 * collide), task ids `<case number>/T<n>` on the user task ids of the deployed process models,
 * candidates `unit:<id>:HANDLER`, `dept:<code>:HANDLER`, `user:<id>` plus `user:<assignee>`,
 * status words from the diagrams, due times on open work and none on ended cases. Not written:
 * the audit log (case_events), notifications, attachments and approvals, which the list and
 * inbox queries do not read (lastEventSeq stays 0, as for a case without events).
 *
 * Speed: the mariadb driver straight, multi-row INSERTs of about 2 MB on two connections
 * (pipelined), unique and foreign-key checks off in those sessions, every table written in
 * primary-key order (cases chronologically, so secondary indexes grow at their ends). The data is
 * deterministic for a given seed and `now`.
 */
import mariadb, { type Connection } from 'mariadb';
import { connectionOptions } from '../../platform/db/url';

export interface BulkLoadOptions {
  /** cases to write (historical and open) */
  cases: number;
  /** open (OPEN or CLAIMED) tasks to leave, on recent open cases */
  openTasks: number;
  /** history length, days back from `now` (default 730) */
  days?: number;
  seed?: number;
  now?: Date;
  log?: (line: string) => void;
}

export interface BulkLoadResult {
  cases: number;
  openCases: number;
  tasks: number;
  openTasks: number;
  overdueOpenTasks: number;
  candidates: number;
  sequences: number;
  /** all rows written */
  rows: number;
  ms: number;
  rowsPerSecond: number;
  from: string;
  to: string;
}

type Tier = 'CITY' | 'DISTRICT' | 'TOWNSHIP' | 'VILLAGE' | 'GRID';
type Who = 'village' | 'township' | 'district' | 'department' | 'reporter';

/** One user task of a reference process, as drawn (id, name, assignee rule, status it sets). */
interface Step {
  n: number;
  element: string;
  name: string;
  rule: string;
  who: Who;
  status?: string;
  label?: string;
  /** typical time limit, hours */
  limitH: number;
  priority?: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const STANDARD = {
  accept: { n: 1, element: 'Task_Accept', name: '受理', rule: 'tier:current', who: 'village', status: 'REPORTED', label: '待受理', limitH: 4 },
  register: { n: 3, element: 'Task_Register', name: '立案', rule: 'tier:current', who: 'village', status: 'REGISTERED', label: '立案', limitH: 2 },
  dispatch: { n: 5, element: 'Task_Dispatch', name: '派遣', rule: 'tier:current', who: 'village', status: 'DISPATCHED', label: '派遣', limitH: 2 },
  handleV: { n: 8, element: 'Task_Handle', name: '处置', rule: 'tier:current', who: 'village', status: 'IN_PROGRESS', label: '处置中', limitH: 72 },
  handleT: { n: 11, element: 'Task_Handle', name: '处置', rule: 'tier:current', who: 'township', status: 'IN_PROGRESS', label: '处置中', limitH: 120 },
  handleD: { n: 14, element: 'Task_Handle', name: '处置', rule: 'tier:current', who: 'district', status: 'IN_PROGRESS', label: '处置中', limitH: 168 },
  verify: { n: 16, element: 'Task_Verify', name: '核查', rule: 'reporter', who: 'reporter', status: 'AWAITING_VERIFICATION', label: '待核查', limitH: 24 },
} satisfies Record<string, Step>;

const DUAL = {
  accept: { n: 1, element: 'Task_AcceptRegister', name: '受理立案', rule: 'tier:current', who: 'village', status: 'REPORTED', label: '待受理', limitH: 4 },
  department: { n: 3, element: 'Task_DepartmentHandle', name: '部门处置', rule: 'department:home', who: 'department', status: 'IN_PROGRESS', label: '处置中', limitH: 120 },
  watch: { n: 4, element: 'Task_Watch', name: '跟踪督促', rule: 'reporter', who: 'reporter', limitH: 120 },
  verify: { n: 7, element: 'Task_Verify', name: '核查', rule: 'reporter', who: 'reporter', status: 'AWAITING_VERIFICATION', label: '待核查', limitH: 24 },
} satisfies Record<string, Step>;

const MEDIATION = {
  accept: { n: 1, element: 'Task_Accept', name: '受理', rule: 'tier:current', who: 'village', status: 'REPORTED', label: '待受理', limitH: 4 },
  village: { n: 3, element: 'Task_VillageMediation', name: '村（社区）调解', rule: 'role:handler@tier:village', who: 'village', status: 'IN_PROGRESS', label: '调解中', limitH: 120 },
  township: { n: 5, element: 'Task_TownshipMediation', name: '乡镇（街道）调解', rule: 'tier:township', who: 'township', status: 'IN_PROGRESS', label: '调解中', limitH: 240 },
  followUp: { n: 7, element: 'Task_FollowUp', name: '回访核查', rule: 'reporter', who: 'reporter', status: 'AWAITING_VERIFICATION', label: '待回访', limitH: 72 },
} satisfies Record<string, Step>;

const EMERGENCY = {
  respond: { n: 1, element: 'Task_Respond', name: '应急响应', rule: 'tier:current', who: 'village', status: 'IN_PROGRESS', label: '应急响应中', limitH: 0.5, priority: 10 },
  makeSafe: { n: 2, element: 'Task_MakeSafe', name: '排险', rule: 'tier:current', who: 'village', status: 'IN_PROGRESS', label: '排险中', limitH: 3, priority: 10 },
  resolve: { n: 3, element: 'Task_Resolve', name: '处置', rule: 'tier:current', who: 'village', status: 'IN_PROGRESS', label: '处置中', limitH: 120, priority: 10 },
  verify: { n: 5, element: 'Task_Verify', name: '核查', rule: 'reporter', who: 'reporter', status: 'AWAITING_VERIFICATION', label: '待核查', limitH: 24 },
} satisfies Record<string, Step>;

type ProcessKey = 'standard-closed-loop' | 'dual-dispatch' | 'dispute-mediation' | 'emergency';

/** What the finished part of a case looks like: its steps with their outcomes, and how it ended. */
interface History {
  steps: Array<{ step: Step; state: 'COMPLETED' | 'ESCALATED' | 'CANCELLED'; outcome: string | null }>;
  /** the open steps (open cases only) */
  open: Step[];
  status: string;
  label: string;
  /** the tier the case is at (closedTier for CLOSED) */
  tier: 'VILLAGE' | 'TOWNSHIP' | 'DISTRICT';
}

const done = (step: Step, outcome: string | null = 'done') => ({ step, state: 'COMPLETED' as const, outcome });

/** How ended cases of each process went (weights, then the history). */
const ENDED: Record<ProcessKey, Array<[number, (r: Rng) => History]>> = {
  'standard-closed-loop': [
    [66, (r) => ({ steps: [done(STANDARD.accept, 'accept'), done(STANDARD.handleV), ...(r.chance(0.5) ? [done(STANDARD.verify, 'pass')] : [])], open: [], status: 'CLOSED', label: '已结案', tier: 'VILLAGE' })],
    [14, (r) => ({ steps: [done(STANDARD.accept, 'accept'), { step: STANDARD.handleV, state: 'ESCALATED', outcome: null }, done(STANDARD.handleT), ...(r.chance(0.3) ? [done(STANDARD.verify, 'pass')] : [])], open: [], status: 'CLOSED', label: '已结案', tier: 'TOWNSHIP' })],
    [5, () => ({ steps: [done(STANDARD.accept, 'accept'), { step: STANDARD.handleT, state: 'ESCALATED', outcome: null }, done(STANDARD.handleD)], open: [], status: 'CLOSED', label: '已结案', tier: 'DISTRICT' })],
    [6, () => ({ steps: [done(STANDARD.accept, 'reject')], open: [], status: 'REJECTED', label: '不予受理', tier: 'VILLAGE' })],
    [4, () => ({ steps: [done(STANDARD.accept, 'duplicate')], open: [], status: 'MERGED', label: '已并案', tier: 'VILLAGE' })],
    [2, () => ({ steps: [done(STANDARD.accept, 'accept'), { step: STANDARD.handleV, state: 'CANCELLED', outcome: null }], open: [], status: 'WITHDRAWN', label: '已撤回', tier: 'VILLAGE' })],
    [1, () => ({ steps: [done(STANDARD.accept, 'accept'), { step: STANDARD.handleV, state: 'CANCELLED', outcome: null }], open: [], status: 'VOIDED', label: '已作废', tier: 'VILLAGE' })],
  ],
  'dual-dispatch': [
    [85, (r) => ({ steps: [done(DUAL.accept, 'accept'), done(DUAL.department), done(DUAL.watch), ...(r.chance(0.3) ? [done(DUAL.verify, 'pass')] : [])], open: [], status: 'CLOSED', label: '已结案', tier: 'VILLAGE' })],
    [10, () => ({ steps: [done(DUAL.accept, 'reject')], open: [], status: 'REJECTED', label: '不予受理', tier: 'VILLAGE' })],
    [5, () => ({ steps: [done(DUAL.accept, 'duplicate')], open: [], status: 'MERGED', label: '已并案', tier: 'VILLAGE' })],
  ],
  'dispute-mediation': [
    [70, (r) => ({ steps: [done(MEDIATION.accept, 'accept'), done(MEDIATION.village, 'agreed'), ...(r.chance(0.5) ? [done(MEDIATION.followUp, 'pass')] : [])], open: [], status: 'CLOSED', label: '已结案', tier: 'VILLAGE' })],
    [20, () => ({ steps: [done(MEDIATION.accept, 'accept'), done(MEDIATION.village, 'failed'), done(MEDIATION.township, 'agreed')], open: [], status: 'CLOSED', label: '已结案', tier: 'VILLAGE' })],
    [10, () => ({ steps: [done(MEDIATION.accept, 'reject')], open: [], status: 'REJECTED', label: '不予受理', tier: 'VILLAGE' })],
  ],
  emergency: [[100, (r) => ({ steps: [done(EMERGENCY.respond, 'responded'), done(EMERGENCY.resolve), ...(r.chance(0.5) ? [done(EMERGENCY.verify, 'pass')] : [])], open: [], status: 'CLOSED', label: '已结案', tier: 'VILLAGE' })]],
};

/** Where open cases of each process stand. */
const OPEN: Record<ProcessKey, Array<[number, () => History]>> = {
  'standard-closed-loop': [
    [20, () => ({ steps: [], open: [STANDARD.accept], status: 'REPORTED', label: '待受理', tier: 'VILLAGE' })],
    [8, () => ({ steps: [done(STANDARD.accept, 'accept')], open: [STANDARD.register], status: 'REGISTERED', label: '立案', tier: 'VILLAGE' })],
    [7, () => ({ steps: [done(STANDARD.accept, 'accept'), done(STANDARD.register)], open: [STANDARD.dispatch], status: 'DISPATCHED', label: '派遣', tier: 'VILLAGE' })],
    [30, () => ({ steps: [done(STANDARD.accept, 'accept')], open: [STANDARD.handleV], status: 'IN_PROGRESS', label: '处置中', tier: 'VILLAGE' })],
    [12, () => ({ steps: [done(STANDARD.accept, 'accept'), { step: STANDARD.handleV, state: 'ESCALATED', outcome: null }], open: [STANDARD.handleT], status: 'IN_PROGRESS', label: '处置中', tier: 'TOWNSHIP' })],
    [5, () => ({ steps: [done(STANDARD.accept, 'accept'), { step: STANDARD.handleT, state: 'ESCALATED', outcome: null }], open: [STANDARD.handleD], status: 'IN_PROGRESS', label: '处置中', tier: 'DISTRICT' })],
    [13, () => ({ steps: [done(STANDARD.accept, 'accept'), done(STANDARD.handleV)], open: [STANDARD.verify], status: 'AWAITING_VERIFICATION', label: '待核查', tier: 'VILLAGE' })],
  ],
  'dual-dispatch': [
    [20, () => ({ steps: [], open: [DUAL.accept], status: 'REPORTED', label: '待受理', tier: 'VILLAGE' })],
    [65, () => ({ steps: [done(DUAL.accept, 'accept')], open: [DUAL.department, DUAL.watch], status: 'IN_PROGRESS', label: '处置中', tier: 'VILLAGE' })],
    [15, () => ({ steps: [done(DUAL.accept, 'accept'), done(DUAL.department), done(DUAL.watch)], open: [DUAL.verify], status: 'AWAITING_VERIFICATION', label: '待核查', tier: 'VILLAGE' })],
  ],
  'dispute-mediation': [
    [20, () => ({ steps: [], open: [MEDIATION.accept], status: 'REPORTED', label: '待受理', tier: 'VILLAGE' })],
    [45, () => ({ steps: [done(MEDIATION.accept, 'accept')], open: [MEDIATION.village], status: 'IN_PROGRESS', label: '调解中', tier: 'VILLAGE' })],
    [20, () => ({ steps: [done(MEDIATION.accept, 'accept'), done(MEDIATION.village, 'failed')], open: [MEDIATION.township], status: 'IN_PROGRESS', label: '调解中', tier: 'VILLAGE' })],
    [15, () => ({ steps: [done(MEDIATION.accept, 'accept'), done(MEDIATION.village, 'agreed')], open: [MEDIATION.followUp], status: 'AWAITING_VERIFICATION', label: '待回访', tier: 'VILLAGE' })],
  ],
  emergency: [
    [15, () => ({ steps: [], open: [EMERGENCY.respond], status: 'IN_PROGRESS', label: '应急响应中', tier: 'VILLAGE' })],
    [15, () => ({ steps: [done(EMERGENCY.respond, 'responded')], open: [EMERGENCY.makeSafe], status: 'IN_PROGRESS', label: '排险中', tier: 'VILLAGE' })],
    [50, () => ({ steps: [done(EMERGENCY.respond, 'responded'), done(EMERGENCY.makeSafe)], open: [EMERGENCY.resolve], status: 'IN_PROGRESS', label: '处置中', tier: 'VILLAGE' })],
    [20, () => ({ steps: [done(EMERGENCY.respond, 'responded'), done(EMERGENCY.resolve)], open: [EMERGENCY.verify], status: 'AWAITING_VERIFICATION', label: '待核查', tier: 'VILLAGE' })],
  ],
};

/** How many cases of each 大类 a district sees, relative (市容 and 街面 lead, emergencies are rare). */
const MAJOR_WEIGHT: Record<string, number> = { SR: 30, WJ: 10, SS: 14, PA: 8, MD: 9, AQ: 8, MS: 8, ST: 7, QT: 5, YJ: 1 };

/** how much busier the grids under a demo handler's street or community are */
const DEMO_BOOST = 3;

const CHANNELS_WITH_WORKER: Array<[number, string]> = [
  [62, 'GRID_APP'],
  [10, 'PATROL'],
  [16, 'HOTLINE_12345'],
  [8, 'CITIZEN_APP'],
  [3, 'WEB'],
  [1, 'SMS'],
];
const CHANNELS_PUBLIC: Array<[number, string]> = [
  [60, 'HOTLINE_12345'],
  [25, 'CITIZEN_APP'],
  [10, 'WEB'],
  [5, 'SMS'],
];

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'.split('');
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强文博海燕红梅玉兰淑珍凤英德胜永刚立新晓东丽华晓燕振华桂兰婷'.match(/.{1,2}/g)!;
const ROADS = ['大街', '胡同', '路', '北街', '南街', '西巷', '东巷', '里', '条', '大院'];
const PLACES = ['小区门口', '路口东侧', '公交站旁', '菜市场附近', '楼下', '便利店门前', '学校北门外', '公园入口', '地铁站出口', '停车场内', '单元门口', '沿街商铺前'];
const DETAILS = [
  '影响居民出行，请尽快处理。',
  '已持续多日，周边居民反映强烈。',
  '存在安全隐患，需及时处置。',
  '群众多次反映，要求核实处理。',
  '网格员巡查发现，现场已拍照。',
  '夜间尤为明显，影响居民休息。',
  '雨后情况加重，请相关部门处理。',
  '已劝导无效，申请派单处置。',
];

/** mulberry32: small, fast, deterministic. */
class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  between(a: number, b: number): number {
    return a + (b - a) * this.next();
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  weighted<T>(xs: ReadonlyArray<readonly [number, T]>): T {
    let total = 0;
    for (const [w] of xs) total += w;
    let x = this.next() * total;
    for (const [w, v] of xs) {
      x -= w;
      if (x < 0) return v;
    }
    return xs[xs.length - 1][1];
  }
}

/** A cumulative-weight table for fast repeated picks. */
class Table<T> {
  private cum: number[] = [];
  private total = 0;
  constructor(private readonly items: T[], weight: (t: T) => number) {
    for (const it of items) {
      this.total += Math.max(0, weight(it));
      this.cum.push(this.total);
    }
  }
  pick(r: Rng): T {
    const x = r.next() * this.total;
    let lo = 0;
    let hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cum[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo];
  }
}

interface GridInfo {
  id: number;
  unitId: number;
  unitName: string;
  villageId: number;
  villageName: string;
  townshipId: number;
  townshipName: string;
  districtId: number;
  prefix: string;
  path: string;
  minLng: number;
  minLat: number;
  maxLng: number;
  maxLat: number;
  households: number;
  /** grid workers assigned to the grid (leader first) */
  workers: Array<{ id: number; name: string }>;
}

interface CategoryInfo {
  id: number;
  name: string;
  major: string;
  process: ProcessKey;
  versionId: number | null;
  departmentKind: string | null;
}

interface Reference {
  grids: GridInfo[];
  categories: CategoryInfo[];
  /** district unit id → department kind → department */
  departments: Map<number, Map<string, { id: number; code: string }>>;
  /** principal → users who hold it (active) */
  holders: Map<string, number[]>;
}

async function readReference(conn: Connection): Promise<Reference> {
  const units = (await conn.query('SELECT id, name, level, path, casePrefix FROM org_units')) as Array<{ id: number; name: string; level: Tier; path: string; casePrefix: string | null }>;
  const unitById = new Map(units.map((u) => [u.id, u]));
  const workers = (await conn.query(
    'SELECT ga.gridId, u.id, u.displayName FROM grid_assignments ga JOIN users u ON u.id = ga.userId WHERE u.active ORDER BY ga.gridId, ga.isLeader DESC, u.id',
  )) as Array<{ gridId: number; id: number; displayName: string }>;
  const gridRows = (await conn.query('SELECT id, orgUnitId, minLng, minLat, maxLng, maxLat, households FROM grids ORDER BY id')) as Array<{
    id: number;
    orgUnitId: number;
    minLng: string;
    minLat: string;
    maxLng: string;
    maxLat: string;
    households: number | null;
  }>;
  const grids: GridInfo[] = [];
  for (const g of gridRows) {
    const unit = unitById.get(g.orgUnitId);
    if (!unit) continue;
    const ids = unit.path.split('/').filter(Boolean).map(Number);
    const [village, township, district] = [ids.at(-2), ids.at(-3), ids.at(-4)].map((id) => (id === undefined ? undefined : unitById.get(id)));
    if (!village || !township || !district || district.level !== 'DISTRICT') continue;
    grids.push({
      id: g.id,
      unitId: unit.id,
      unitName: unit.name,
      villageId: village.id,
      villageName: village.name,
      townshipId: township.id,
      townshipName: township.name,
      districtId: district.id,
      prefix: district.casePrefix || 'GC',
      path: unit.path,
      minLng: Number(g.minLng),
      minLat: Number(g.minLat),
      maxLng: Number(g.maxLng),
      maxLat: Number(g.maxLat),
      households: g.households ?? 1000,
      workers: workers.filter((w) => w.gridId === g.id).map((w) => ({ id: w.id, name: w.displayName })),
    });
  }
  if (!grids.length) throw new Error('bulk load: the database has no grids (is it seeded?)');

  const versions = (await conn.query(
    'SELECT d.`key` AS k, v.id FROM process_versions v JOIN process_definitions d ON d.id = v.definitionId ORDER BY v.version',
  )) as Array<{ k: string; id: number }>;
  const versionOf = new Map(versions.map((v) => [v.k, v.id])); // the last (highest) version wins
  const cats = (await conn.query('SELECT c.id, c.name, c.processKey, c.departmentKind, p.code AS major FROM categories c JOIN categories p ON p.id = c.parentId WHERE c.level = ? AND c.active', ['MINOR'])) as Array<{
    id: number;
    name: string;
    processKey: string | null;
    departmentKind: string | null;
    major: string;
  }>;
  const known: ProcessKey[] = ['standard-closed-loop', 'dual-dispatch', 'dispute-mediation', 'emergency'];
  const categories = cats.map((c) => {
    const process = (known as string[]).includes(c.processKey ?? '') ? (c.processKey as ProcessKey) : 'standard-closed-loop';
    return { id: c.id, name: c.name, major: c.major, process, versionId: versionOf.get(process) ?? null, departmentKind: c.departmentKind };
  });
  if (!categories.length) throw new Error('bulk load: the database has no categories (is it seeded?)');

  const depts = (await conn.query('SELECT id, code, kind, orgUnitId FROM departments WHERE active')) as Array<{ id: number; code: string; kind: string; orgUnitId: number }>;
  const departments = new Map<number, Map<string, { id: number; code: string }>>();
  for (const d of depts) {
    if (!departments.has(d.orgUnitId)) departments.set(d.orgUnitId, new Map());
    departments.get(d.orgUnitId)!.set(d.kind, { id: d.id, code: d.code });
  }

  const members = (await conn.query(
    'SELECT m.userId, m.role, m.orgUnitId, d.code AS deptCode FROM memberships m JOIN users u ON u.id = m.userId LEFT JOIN departments d ON d.id = m.departmentId WHERE u.active ORDER BY m.userId',
  )) as Array<{ userId: number; role: string; orgUnitId: number | null; deptCode: string | null }>;
  const holders = new Map<string, number[]>();
  for (const m of members) {
    const p = m.deptCode ? `dept:${m.deptCode}:${m.role}` : `unit:${m.orgUnitId}:${m.role}`;
    if (!holders.has(p)) holders.set(p, []);
    holders.get(p)!.push(m.userId);
  }
  return { grids, categories, departments, holders };
}

// ---- SQL literals -------------------------------------------------------------------------------

const ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\u0000': '\\0', '\u001a': '\\Z' };
const NEEDS_ESCAPE = /[\\'\n\r]/;

/** A string literal for MariaDB's default SQL mode (backslash escapes). */
function str(s: string | null | undefined): string {
  if (s === null || s === undefined) return 'NULL';
  if (!NEEDS_ESCAPE.test(s) && !s.includes('\u0000') && !s.includes('\u001a')) return `'${s}'`;
  let out = '';
  for (const ch of s) out += ESCAPES[ch] ?? ch;
  return `'${out}'`;
}

/** DATETIME(3) in UTC, as the Prisma adapter stores it. */
function dt(ms: number | null): string {
  if (ms === null) return 'NULL';
  const iso = new Date(ms).toISOString();
  return `'${iso.slice(0, 10)} ${iso.slice(11, 23)}'`;
}

function num(n: number | null): string {
  return n === null ? 'NULL' : String(n);
}

/** Beijing calendar day (YYYYMMDD) of an instant, like domain/case-number.ts. */
function beijingDay(ms: number): string {
  return new Date(ms + 8 * HOUR).toISOString().slice(0, 10).replace(/-/g, '');
}

/** Batches rows into multi-row INSERTs and keeps up to two statements in flight per connection. */
class Writer {
  private parts: string[] = [];
  private bytes = 0;
  rows = 0;
  private next = 0;
  private readonly inFlight: Array<Promise<unknown>> = [];
  constructor(
    private readonly conns: Connection[],
    private readonly head: string,
    private readonly maxBytes = 2_000_000,
  ) {}
  async add(values: string): Promise<void> {
    this.parts.push(values);
    this.bytes += values.length * 2;
    this.rows += 1;
    if (this.bytes >= this.maxBytes) await this.flush();
  }
  async flush(): Promise<void> {
    if (!this.parts.length) return;
    const sql = `${this.head} VALUES ${this.parts.join(',')}`;
    this.parts = [];
    this.bytes = 0;
    while (this.inFlight.length >= this.conns.length * 2) await this.inFlight.shift();
    const conn = this.conns[this.next++ % this.conns.length];
    const pending = conn.query(sql);
    pending.catch(() => undefined); // awaited (and thrown) in order by flush or end
    this.inFlight.push(pending);
  }
  async end(): Promise<void> {
    await this.flush();
    await Promise.all(this.inFlight);
  }
}

// ---- the loader ---------------------------------------------------------------------------------

export async function bulkLoad(databaseUrl: string, opts: BulkLoadOptions): Promise<BulkLoadResult> {
  const t0 = performance.now();
  const log = opts.log ?? (() => undefined);
  const now = (opts.now ?? new Date()).getTime();
  const days = opts.days ?? 730;
  const r = new Rng(opts.seed ?? 20261124);
  const connect = async () => {
    const c = await mariadb.createConnection({ ...connectionOptions(databaseUrl), pipelining: true });
    await c.query('SET SESSION unique_checks = 0, foreign_key_checks = 0');
    return c;
  };
  const conns = [await connect(), await connect()];
  try {
    const ref = await readReference(conns[0]);
    // the demo handlers' streets and communities are busier, so their inboxes have plenty to show
    const demoUnits = new Set([...ref.holders.keys()].filter((p) => p.endsWith(':HANDLER') && p.startsWith('unit:')).map((p) => Number(p.split(':')[1])));
    const gridTable = new Table(ref.grids, (g) => g.households * (demoUnits.has(g.villageId) || demoUnits.has(g.townshipId) ? DEMO_BOOST : 1));
    const categoryTable = new Table(ref.categories, (c) => (MAJOR_WEIGHT[c.major] ?? 5) / ref.categories.filter((x) => x.major === c.major).length);

    // numbers already used (another section's cases, earlier intakes) are skipped
    const used = new Map<string, number>();
    for (const row of (await conns[0].query('SELECT prefix, day, last FROM case_sequences')) as Array<{ prefix: string; day: string; last: number }>) used.set(`${row.prefix}-${row.day}`, Number(row.last));
    for (const row of (await conns[0].query("SELECT id FROM cases WHERE id REGEXP '^[A-Z]+-[0-9]{8}-[0-9]+$'")) as Array<{ id: string }>) {
      const k = row.id.slice(0, row.id.lastIndexOf('-'));
      used.set(k, Math.max(used.get(k) ?? 0, Number(row.id.slice(row.id.lastIndexOf('-') + 1))));
    }
    const seq = new Map<string, number>();

    const cases = new Writer(
      conns,
      'INSERT INTO cases (id, description, address, categoryId, processVersionId, lat, lng, gridId, villageId, townshipId, districtId, orgPath, currentTier, currentUnitId, status, statusLabel, severity, channel, reporterId, reporterName, reporterPhone, duplicateOfId, possibleDuplicateOfId, closedTier, reportedAt, acceptedAt, closedAt, dueAt, lastEventSeq, createdAt, updatedAt)',
    );
    const tasks = new Writer(
      conns,
      'INSERT INTO tasks (id, caseId, elementId, name, candidateRule, candidates, assigneeId, tier, orgUnitId, departmentId, state, priority, dueAt, outcome, formSchema, data, createdAt, claimedAt, completedAt, updatedAt)',
    );
    const candidates = new Writer(conns, 'INSERT INTO task_candidates (taskId, principal, state, dueAt)');

    // Open cases come from the most recent `window` cases, chosen by selection sampling so that
    // about `openTasks` open tasks result (an open case carries 1.15 open tasks on average).
    const openCasesWanted = Math.min(opts.cases, Math.round(opts.openTasks / 1.15));
    const window = Math.min(opts.cases, openCasesWanted * 2);
    let openBudget = opts.openTasks;
    let openCases = 0;
    let openTasks = 0;
    let overdue = 0;
    let taskCount = 0;
    const start = now - days * DAY;
    const lastByGrid = new Map<number, string>();

    /** Who may act on a step of this case, at which unit. */
    const resolve = (step: Step, g: GridInfo, c: CategoryInfo, reporterId: number | null) => {
      switch (step.who) {
        case 'village':
          return { tier: 'VILLAGE' as Tier, unit: g.villageId, dept: null as number | null, principals: [`unit:${g.villageId}:HANDLER`] };
        case 'township':
          return { tier: 'TOWNSHIP' as Tier, unit: g.townshipId, dept: null, principals: [`unit:${g.townshipId}:HANDLER`] };
        case 'district':
          return { tier: 'DISTRICT' as Tier, unit: g.districtId, dept: null, principals: [`unit:${g.districtId}:HANDLER`] };
        case 'department': {
          const d = ref.departments.get(g.districtId)?.get(c.departmentKind ?? 'CG') ?? ref.departments.get(g.districtId)?.values().next().value;
          if (!d) return { tier: 'DISTRICT' as Tier, unit: g.districtId, dept: null, principals: [`unit:${g.districtId}:HANDLER`] };
          return { tier: 'DISTRICT' as Tier, unit: g.districtId, dept: d.id, principals: [`dept:${d.code}:HANDLER`] };
        }
        case 'reporter':
          return { tier: 'GRID' as Tier, unit: g.unitId, dept: null, principals: [reporterId !== null ? `user:${reporterId}` : `unit:${g.unitId}:GRID_WORKER`] };
      }
    };
    const holderOf = (principals: string[]): number | null => {
      for (const p of principals) {
        if (p.startsWith('user:')) return Number(p.slice(5));
        const hs = ref.holders.get(p);
        if (hs?.length) return hs[r.int(hs.length)];
      }
      return null;
    };

    const writeTask = async (
      caseId: string,
      step: Step,
      g: GridInfo,
      c: CategoryInfo,
      reporterId: number | null,
      state: string,
      outcome: string | null,
      createdAt: number,
      dueAt: number,
      endedAt: number | null,
      claimed: boolean,
    ) => {
      const who = resolve(step, g, c, reporterId);
      const finished = state !== 'OPEN' && state !== 'CLAIMED';
      // finished work records who did it (as the workflow does); open work only when claimed
      const assignee = finished ? (state === 'CANCELLED' ? null : holderOf(who.principals)) : claimed ? holderOf(who.principals) : null;
      const claimedAt = assignee !== null && (claimed || r.chance(0.5)) ? createdAt + Math.min((endedAt ?? now) - createdAt, r.between(60_000, 4 * HOUR)) * 0.5 : null;
      const data = finished ? (state === 'COMPLETED' ? (step.who === 'reporter' || outcome !== 'done' ? '{}' : JSON.stringify({ feedback: r.pick(['已处置完毕', '已清理完毕', '已修复', '已协调相关部门解决', '已现场整改']) })) : null) : null;
      const id = `${caseId}/T${step.n}`;
      await tasks.add(
        `(${str(id)},${str(caseId)},${str(step.element)},${str(step.name)},${str(step.rule)},${str(JSON.stringify(who.principals))},${num(assignee)},'${who.tier}',${who.unit},${num(who.dept)},'${state}',${step.priority ?? 0},${dt(dueAt)},${str(outcome)},NULL,${data === null ? 'NULL' : str(data)},${dt(createdAt)},${dt(claimedAt)},${dt(finished ? endedAt : null)},${dt(endedAt ?? claimedAt ?? createdAt)})`,
      );
      taskCount += 1;
      const principals = assignee !== null ? [...new Set([...who.principals, `user:${assignee}`])] : who.principals;
      for (const p of principals.sort()) await candidates.add(`(${str(id)},${str(p)},'${state}',${dt(dueAt)})`);
    };

    // cases per day: weekdays busier than weekends, a slow growth over the two years
    const dayWeights: number[] = [];
    for (let d = 0; d < days; d++) {
      const dow = new Date(start + d * DAY + 8 * HOUR).getUTCDay();
      dayWeights.push((dow === 0 || dow === 6 ? 0.7 : 1) * (0.85 + (0.3 * d) / days));
    }
    const weightSum = dayWeights.reduce((a, b) => a + b, 0);
    let written = 0;
    let carry = 0;
    for (let d = 0; d < days; d++) {
      const exact = (opts.cases * dayWeights[d]) / weightSum + carry;
      const n = d === days - 1 ? opts.cases - written : Math.floor(exact);
      carry = exact - n;
      // report times within the day (Beijing daytime mostly), in order; the last day stops at now
      const dayStart = start + d * DAY;
      const span = Math.min(DAY, now - dayStart - 60_000);
      const times: number[] = [];
      for (let i = 0; i < n; i++) times.push(dayStart + Math.floor(r.next() * span));
      times.sort((a, b) => a - b);
      for (const reportedAt of times) {
        const g = gridTable.pick(r);
        const c = categoryTable.pick(r);
        const dayKey = `${g.prefix}-${beijingDay(reportedAt)}`;
        const nextSeq = (seq.get(dayKey) ?? used.get(dayKey) ?? 0) + 1;
        seq.set(dayKey, nextSeq);
        const caseId = `${dayKey}-${String(nextSeq).padStart(5, '0')}`;

        // reporter: the grid's worker through the app, or a citizen by hotline, app, web, SMS
        const worker = g.workers.length ? g.workers[r.int(g.workers.length)] : null;
        const channel = r.weighted(worker ? CHANNELS_WITH_WORKER : CHANNELS_PUBLIC);
        const byWorker = worker !== null && (channel === 'GRID_APP' || channel === 'PATROL');
        const reporterId = byWorker ? worker.id : null;
        const reporterName = byWorker ? worker.name : `${r.pick(SURNAMES)}${r.chance(0.5) ? r.pick(['先生', '女士']) : r.pick(GIVEN)}`;
        const reporterPhone = byWorker ? null : `1${r.pick(['3', '5', '8', '7'])}${String(r.int(1e9)).padStart(9, '0')}`;

        // open or ended: selection sampling over the last `window` cases
        const left = opts.cases - written;
        const isOpen = left <= window && openBudget > 0 && r.next() < openBudget / 1.15 / left;
        const h = isOpen ? r.weighted(OPEN[c.process])() : r.weighted(ENDED[c.process])(r);
        written += 1;

        // the timeline of the finished steps, squeezed to end before now
        const gaps = h.steps.map((s) => r.between(0.05, 1) * Math.max(s.step.limitH, 1) * HOUR);
        const needed = gaps.reduce((a, b) => a + b, 0) + 10 * 60_000;
        const room = Math.max(60_000, (now - reportedAt) * (isOpen ? 0.6 : 0.95));
        const scale = needed > room ? room / needed : 1;
        let at = reportedAt + Math.floor(r.between(60_000, 15 * 60_000) * scale);
        for (let i = 0; i < h.steps.length; i++) {
          const s = h.steps[i];
          const createdAt = at;
          const endedAt = Math.floor(createdAt + gaps[i] * scale);
          await writeTask(caseId, s.step, g, c, reporterId, s.state, s.outcome, createdAt, createdAt + s.step.limitH * HOUR, endedAt, false);
          at = endedAt;
        }

        let dueAt: number | null = null;
        let closedAt: number | null = null;
        let updatedAt = at;
        if (isOpen) {
          openCases += 1;
          for (const step of h.open) {
            // most open work is due in the coming days; about one task in six is overdue
            const due = r.chance(0.17) ? now - r.between(0.1, 1) * Math.min(now - at, 10 * DAY) : now + r.between(0.05, 1) * Math.max(step.limitH, 2) * HOUR * 2;
            const createdAt = Math.max(at, Math.min(now - 60_000, due - step.limitH * HOUR));
            const claimed = r.chance(0.3) && holderOf(resolve(step, g, c, reporterId).principals) !== null;
            await writeTask(caseId, step, g, c, reporterId, claimed ? 'CLAIMED' : 'OPEN', null, createdAt, due, null, claimed);
            dueAt = dueAt === null ? due : Math.min(dueAt, due);
            updatedAt = Math.max(updatedAt, createdAt);
            openTasks += 1;
            openBudget -= 1;
            if (due < now) overdue += 1;
          }
        } else {
          closedAt = at;
        }
        const tierUnit = h.tier === 'VILLAGE' ? g.villageId : h.tier === 'TOWNSHIP' ? g.townshipId : g.districtId;
        const severity = c.process === 'emergency' ? 2 : r.chance(0.08) ? 1 : 0;
        const address = `${g.townshipName}${g.villageName}${r.pick(SURNAMES)}家${r.pick(ROADS)}${1 + r.int(180)}号${r.pick(PLACES)}`;
        const description = `${r.pick(PLACES)}发现${c.name}问题，${r.pick(DETAILS)}${r.chance(0.3) ? r.pick(DETAILS) : ''}`;
        const lat = (g.minLat + (g.maxLat - g.minLat) * r.between(0.2, 0.8)).toFixed(7);
        const lng = (g.minLng + (g.maxLng - g.minLng) * r.between(0.2, 0.8)).toFixed(7);
        const earlier = lastByGrid.get(g.id) ?? null;
        const duplicateOf = h.status === 'MERGED' ? earlier : null;
        const possibleDuplicateOf = earlier !== null && (h.status === 'MERGED' || r.chance(0.02)) ? earlier : null;
        lastByGrid.set(g.id, caseId);
        await cases.add(
          `(${str(caseId)},${str(description)},${str(address)},${c.id},${num(c.versionId)},${lat},${lng},${g.id},${g.villageId},${g.townshipId},${g.districtId},${str(g.path)},'${h.tier}',${tierUnit},'${h.status}',${str(h.label)},${severity},'${channel}',${num(reporterId)},${str(reporterName)},${str(reporterPhone)},${str(duplicateOf)},${str(possibleDuplicateOf)},${h.status === 'CLOSED' ? `'${h.tier}'` : 'NULL'},${dt(reportedAt)},NULL,${dt(closedAt)},${dt(dueAt)},0,${dt(reportedAt)},${dt(closedAt ?? updatedAt)})`,
        );
      }
      if (d % 73 === 72) log(`bulk load: ${written} cases, ${taskCount} tasks, ${candidates.rows} inbox rows (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
    await Promise.all([cases.end(), tasks.end(), candidates.end()]);

    // case numbers continue after the loaded ones
    const seqRows = [...seq.entries()].map(([k, last]) => {
      const i = k.lastIndexOf('-');
      return `(${str(k.slice(0, i))},${str(k.slice(i + 1))},${last})`;
    });
    for (let i = 0; i < seqRows.length; i += 5000) {
      await conns[0].query(`INSERT INTO case_sequences (prefix, day, last) VALUES ${seqRows.slice(i, i + 5000).join(',')} ON DUPLICATE KEY UPDATE last = GREATEST(last, VALUES(last))`);
    }
    const ms = performance.now() - t0;
    const rows = cases.rows + tasks.rows + candidates.rows + seqRows.length;
    return {
      cases: cases.rows,
      openCases,
      tasks: tasks.rows,
      openTasks,
      overdueOpenTasks: overdue,
      candidates: candidates.rows,
      sequences: seqRows.length,
      rows,
      ms,
      rowsPerSecond: rows / (ms / 1000),
      from: new Date(start).toISOString(),
      to: new Date(now).toISOString(),
    };
  } finally {
    await Promise.all(conns.map((c) => c.end().catch(() => undefined)));
  }
}
