/**
 * Demo catalogue: the functional departments (职能部门) of a district and the case category tree
 * (大类 MAJOR → 小类 MINOR) with each sub-item's process, home department (归口) and per-tier
 * time limits. Pure data.
 *
 * Departments belong to the district government. The demo district 东城区 gets the bare codes
 * (CG, HB …: the codes the categories and the process models' `department:CG` rules name);
 * 西城区 gets the same departments with the prefix `XC-` (XC-CG …), because department codes are
 * unique across the whole installation.
 *
 * Time limits are ISO 8601 durations counted on a calendar: CLOCK (紧急工作时, wall-clock time),
 * WORKING_HOURS (工作时, office hours on working days) or WORKING_DAYS (工作日, honouring
 * holidays and 调休 make-up days). A limit applies to the tier that holds the case; escalating
 * to the next tier starts that tier's limit afresh.
 */
import type { DemoCity, DemoUnit } from './geo';

export type Tier = 'VILLAGE' | 'TOWNSHIP' | 'DISTRICT' | 'CITY';
export type TimeCalendar = 'CLOCK' | 'WORKING_HOURS' | 'WORKING_DAYS';
export type ProcessKey = 'standard-closed-loop' | 'dual-dispatch' | 'dispute-mediation' | 'emergency';

export const PROCESS_KEYS: readonly ProcessKey[] = ['standard-closed-loop', 'dual-dispatch', 'dispute-mediation', 'emergency'];

export interface DepartmentDef {
  /** code in the demo district (东城区); other districts prefix it */
  code: string;
  /** name without the district, e.g. 城市管理委员会 (stored as 东城区城市管理委员会) */
  name: string;
  /** what people call it: 城管, 环保 … */
  shortName: string;
  nameEn: string;
}

export const DEPARTMENTS: readonly DepartmentDef[] = [
  { code: 'CG', name: '城市管理委员会', shortName: '城管', nameEn: 'Urban Management Commission' },
  { code: 'HB', name: '生态环境局', shortName: '环保', nameEn: 'Ecology and Environment Bureau' },
  { code: 'ZJ', name: '住房和城乡建设委员会', shortName: '住建', nameEn: 'Housing and Urban-Rural Development Commission' },
  { code: 'GA', name: '公安分局', shortName: '公安', nameEn: 'Public Security Sub-bureau' },
  { code: 'SJ', name: '市场监督管理局', shortName: '市场监管', nameEn: 'Market Regulation Administration' },
  { code: 'SW', name: '水务局', shortName: '水务', nameEn: 'Water Affairs Bureau' },
  { code: 'JT', name: '交通委员会', shortName: '交通', nameEn: 'Transport Commission' },
  { code: 'WJ', name: '卫生健康委员会', shortName: '卫健', nameEn: 'Health Commission' },
  { code: 'MZ', name: '民政局', shortName: '民政', nameEn: 'Civil Affairs Bureau' },
  { code: 'YJ', name: '应急管理局', shortName: '应急管理', nameEn: 'Emergency Management Bureau' },
  { code: 'SF', name: '司法局', shortName: '司法', nameEn: 'Justice Bureau' },
  { code: 'FY', name: '人民法院诉调对接中心', shortName: '诉调对接', nameEn: "People's Court Litigation-Mediation Centre" },
  { code: 'RS', name: '人力资源和社会保障局', shortName: '人社', nameEn: 'Human Resources and Social Security Bureau' },
  { code: 'YL', name: '园林绿化局', shortName: '园林绿化', nameEn: 'Landscaping and Greening Bureau' },
  { code: 'XF', name: '消防救援支队', shortName: '消防', nameEn: 'Fire and Rescue Detachment' },
  { code: 'GD', name: '供电公司', shortName: '供电', nameEn: 'Power Supply Company' },
  { code: 'RQ', name: '燃气公司', shortName: '燃气', nameEn: 'Gas Company' },
];

/** District → prefix of its department codes ('' for the demo district 东城区). */
export const DEPARTMENT_CODE_PREFIX: Readonly<Record<string, string>> = {
  '110101000000000': '',
  '110102000000000': 'XC-',
};

export interface DepartmentRow {
  code: string;
  /** the bureau's kind, the same in every district (CG, HB …) */
  kind: string;
  name: string;
  nameEn: string;
  /** code of the district org unit that runs it */
  orgUnitCode: string;
}

/** The department rows of every district of the demo city. */
export function demoDepartments(city: DemoCity): DepartmentRow[] {
  const rows: DepartmentRow[] = [];
  for (const district of city.city.children as DemoUnit[]) {
    const prefix = DEPARTMENT_CODE_PREFIX[district.code];
    if (prefix === undefined) continue;
    for (const d of DEPARTMENTS) {
      rows.push({
        code: `${prefix}${d.code}`,
        kind: d.code,
        name: `${district.name}${d.name}`,
        nameEn: `${district.nameEn} ${d.nameEn}`,
        orgUnitCode: district.code,
      });
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// time-limit templates

export interface TimeLimitDef {
  tier: Tier;
  /** ISO 8601 duration: PT30M, PT8H, P3D … */
  duration: string;
  calendar: TimeCalendar;
}

function limits(calendar: TimeCalendar | TimeCalendar[], village: string, township: string, district: string, city: string): TimeLimitDef[] {
  const cal = (i: number) => (Array.isArray(calendar) ? calendar[i] : calendar);
  return [
    { tier: 'VILLAGE', duration: village, calendar: cal(0) },
    { tier: 'TOWNSHIP', duration: township, calendar: cal(1) },
    { tier: 'DISTRICT', duration: district, calendar: cal(2) },
    { tier: 'CITY', duration: city, calendar: cal(3) },
  ];
}

const WH = 'WORKING_HOURS' as const;
const WD = 'WORKING_DAYS' as const;
const CLOCK = 'CLOCK' as const;

/** Named limit sets; each sub-item picks one. */
export const LIMITS = {
  /** dangerous facility defects (井盖缺失): make safe fast */
  urgentFacility: limits([WH, WH, WH, WD], 'PT4H', 'PT8H', 'PT16H', 'P3D'),
  /** city appearance (暴露垃圾, 占道经营) */
  quick: limits([WH, WH, WD, WD], 'PT8H', 'PT16H', 'P3D', 'P5D'),
  /** ordinary matters */
  standard: limits(WD, 'P2D', 'P3D', 'P5D', 'P7D'),
  /** illegal construction: stop at once, demolition takes longer */
  construction: limits([WH, WH, WD, WD], 'PT8H', 'PT24H', 'P5D', 'P10D'),
  /** safety hazards */
  hazard: limits([WH, WH, WD, WD], 'PT4H', 'PT8H', 'P1D', 'P2D'),
  /** pollution (dual dispatch: the bureau acts at district tier) */
  pollution: limits([WH, WH, WD, WD], 'PT8H', 'PT16H', 'P2D', 'P5D'),
  /** disputes: mediation takes days (人民调解法: generally within 30 days) */
  dispute: limits(WD, 'P7D', 'P10D', 'P15D', 'P30D'),
  /** public services and help */
  service: limits(WD, 'P3D', 'P5D', 'P7D', 'P10D'),
  /** emergencies: respond within 30 clock minutes at every tier */
  emergency: limits(CLOCK, 'PT30M', 'PT30M', 'PT30M', 'PT30M'),
  /** enquiries and suggestions */
  enquiry: limits(WD, 'P3D', 'P5D', 'P5D', 'P10D'),
} satisfies Record<string, TimeLimitDef[]>;

// ---------------------------------------------------------------------------------------------
// the category tree

export interface CategoryDef {
  code: string;
  name: string;
  nameEn: string;
  level: 'MAJOR' | 'MINOR';
  parentCode: string | null;
  processKey: ProcessKey;
  /** 归口 home department (code in the demo district), if one unit owns the whole category */
  departmentCode: string | null;
  sortOrder: number;
  /** per-tier limits; empty for MAJOR categories */
  timeLimits: TimeLimitDef[];
}

export interface MajorDef extends CategoryDef {
  level: 'MAJOR';
  children: CategoryDef[];
}

type MinorSpec = [code: string, name: string, nameEn: string, department: string | null, limits: TimeLimitDef[], processKey?: ProcessKey];

function major(code: string, name: string, nameEn: string, processKey: ProcessKey, department: string | null, sortOrder: number, minors: MinorSpec[]): MajorDef {
  return {
    code,
    name,
    nameEn,
    level: 'MAJOR',
    parentCode: null,
    processKey,
    departmentCode: department,
    sortOrder,
    timeLimits: [],
    children: minors.map(([c, n, en, dept, tl, pk], i) => ({
      code: c,
      name: n,
      nameEn: en,
      level: 'MINOR',
      parentCode: code,
      processKey: pk ?? processKey,
      departmentCode: dept,
      sortOrder: i + 1,
      timeLimits: tl,
    })),
  };
}

const STD: ProcessKey = 'standard-closed-loop';

export const CATEGORY_TREE: readonly MajorDef[] = [
  major('PA', '平安建设', 'Public safety and order', STD, null, 1, [
    ['PA01', '治安隐患', 'Public order hazard', 'GA', LIMITS.hazard],
    ['PA02', '出租房屋隐患', 'Rental housing hazard', 'GA', LIMITS.standard],
    ['PA03', '可疑人员物品', 'Suspicious persons or objects', 'GA', LIMITS.hazard],
    ['PA04', '重点人员动态', 'Key person status change', 'GA', LIMITS.standard],
  ]),
  major('MD', '矛盾纠纷', 'Disputes', 'dispute-mediation', null, 2, [
    ['MD01', '邻里纠纷', 'Neighbour dispute', null, LIMITS.dispute],
    ['MD02', '婚姻家庭纠纷', 'Marriage and family dispute', null, LIMITS.dispute],
    ['MD03', '物业纠纷', 'Property management dispute', null, LIMITS.dispute],
    ['MD04', '劳资纠纷', 'Wage arrears dispute', 'RS', LIMITS.dispute],
    ['MD05', '消费纠纷', 'Consumer dispute', 'SJ', LIMITS.dispute],
    ['MD06', '房屋土地纠纷', 'Housing and land dispute', null, LIMITS.dispute],
  ]),
  major('AQ', '安全隐患', 'Safety hazards', STD, null, 3, [
    ['AQ01', '消防通道堵塞', 'Blocked fire lane', 'XF', LIMITS.hazard],
    ['AQ02', '电动自行车违规充电', 'Unsafe e-bike charging', 'XF', LIMITS.hazard],
    ['AQ03', '燃气安全隐患', 'Gas safety hazard', 'RQ', LIMITS.hazard],
    ['AQ04', '危房隐患', 'Dangerous building', 'ZJ', LIMITS.hazard],
    ['AQ05', '高空坠物隐患', 'Falling-object hazard', 'ZJ', LIMITS.hazard],
    ['AQ06', '食品安全隐患', 'Food safety hazard', 'SJ', LIMITS.hazard],
  ]),
  major('SR', '市容环境', 'City appearance and sanitation', STD, 'CG', 4, [
    ['SR01', '暴露垃圾', 'Exposed garbage', 'CG', LIMITS.quick],
    ['SR02', '占道经营', 'Street vending on the road', 'CG', LIMITS.quick],
    ['SR03', '乱堆物料', 'Materials piled in public space', 'CG', LIMITS.quick],
    ['SR04', '非法小广告', 'Illegal small advertisements', 'CG', LIMITS.quick],
    ['SR05', '道路不洁', 'Dirty road surface', 'CG', LIMITS.quick],
    ['SR06', '垃圾分类不规范', 'Improper garbage sorting', 'CG', LIMITS.standard],
  ]),
  major('WJ', '违法建设', 'Illegal construction', STD, 'CG', 5, [
    ['WJ01', '私搭乱建', 'Unauthorised structure', 'CG', LIMITS.construction],
    ['WJ02', '违法扩建', 'Illegal extension', 'CG', LIMITS.construction],
    ['WJ03', '擅自改变房屋结构', 'Unauthorised structural alteration', 'ZJ', LIMITS.construction],
    ['WJ04', '违规占用绿地', 'Encroachment on green space', 'YL', LIMITS.construction],
  ]),
  major('MS', '民生服务', 'Public services', STD, null, 6, [
    ['MS01', '困难群众救助', 'Assistance for people in hardship', 'MZ', LIMITS.service],
    ['MS02', '空巢独居老人关爱', 'Care for elderly living alone', 'MZ', LIMITS.service],
    ['MS03', '供暖问题', 'Heating problem', 'CG', LIMITS.standard],
    ['MS04', '停水停电', 'Water or power outage', null, LIMITS.hazard],
    ['MS05', '病媒生物防制', 'Pest and vector control', 'WJ', LIMITS.service],
  ]),
  major('YJ', '应急处置', 'Emergencies', 'emergency', 'YJ', 7, [
    ['YJ01', '山体滑坡隐患', 'Landslide risk', 'YJ', LIMITS.emergency],
    ['YJ02', '火灾', 'Fire', 'XF', LIMITS.emergency],
    ['YJ03', '城市内涝积水', 'Urban waterlogging', 'SW', LIMITS.emergency],
    ['YJ04', '燃气泄漏', 'Gas leak', 'RQ', LIMITS.emergency],
    ['YJ05', '突发公共卫生事件', 'Public health emergency', 'WJ', LIMITS.emergency],
  ]),
  major('SS', '公共设施', 'Public facilities (components)', STD, 'CG', 8, [
    ['SS01', '井盖缺失', 'Missing manhole cover', 'CG', LIMITS.urgentFacility],
    ['SS02', '井盖破损', 'Damaged manhole cover', 'CG', LIMITS.urgentFacility],
    ['SS03', '路灯不亮', 'Street lamp out', 'CG', LIMITS.quick],
    ['SS04', '交通标志设施损坏', 'Damaged traffic sign or facility', 'JT', LIMITS.standard],
    ['SS05', '供水管道漏水', 'Leaking water main', 'SW', LIMITS.urgentFacility],
    ['SS06', '健身器材损坏', 'Damaged public fitness equipment', null, LIMITS.standard],
  ]),
  major('ST', '生态环境', 'Ecology and environment', 'dual-dispatch', 'HB', 9, [
    ['ST01', '大气污染', 'Air pollution', 'HB', LIMITS.pollution],
    ['ST02', '水体污染', 'Water pollution', 'HB', LIMITS.pollution],
    ['ST03', '噪声扰民', 'Noise nuisance', 'HB', LIMITS.pollution],
    ['ST04', '餐饮油烟', 'Restaurant cooking fumes', 'HB', LIMITS.pollution],
    ['ST05', '露天焚烧', 'Open burning', 'HB', LIMITS.pollution],
    ['ST06', '树木病虫害', 'Tree pests and diseases', 'YL', LIMITS.pollution],
  ]),
  major('QT', '其他', 'Other', STD, null, 10, [
    ['QT01', '政策咨询', 'Policy enquiry', null, LIMITS.enquiry],
    ['QT02', '意见建议', 'Suggestion', null, LIMITS.enquiry],
    ['QT03', '其他事项', 'Other matter', null, LIMITS.standard],
  ]),
];

/** All categories, each MAJOR followed by its MINORs. */
export function flattenCategories(tree: readonly MajorDef[] = CATEGORY_TREE): CategoryDef[] {
  const out: CategoryDef[] = [];
  for (const m of tree) {
    const { children, ...rest } = m;
    out.push(rest);
    out.push(...children);
  }
  return out;
}

/** The sub-items the user journeys (STORIES.md) use. */
export const STORY_CATEGORIES = {
  /** story 1: 井盖缺失 */
  manholeMissing: 'SS01',
  /** story 2: 违法扩建 */
  illegalExtension: 'WJ02',
  /** story 4: 大气污染 (dual dispatch) */
  airPollution: 'ST01',
  /** story 5: 邻里纠纷 */
  neighbourDispute: 'MD01',
  /** story 6: 山体滑坡隐患 */
  landslide: 'YJ01',
} as const;
