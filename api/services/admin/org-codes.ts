/**
 * 15-digit unit grid codes (GB/T 30428.1, as the seed builds them in seed/geo.ts): 6 digits of
 * the administrative division + 3 township (街道/乡镇) + 3 village (社区/村) + 3 grid, a parent's
 * code padded with zeros. A child keeps its parent's digits and sets its own segment (not 000).
 */
import type { OrgLevel } from '../../../generated/prisma/enums';

export const LEVELS: readonly OrgLevel[] = ['CITY', 'DISTRICT', 'TOWNSHIP', 'VILLAGE', 'GRID'];

export function levelBelow(level: OrgLevel): OrgLevel | null {
  return LEVELS[LEVELS.indexOf(level) + 1] ?? null;
}

/** [start, end) of the digits a unit of this level sets itself (below DISTRICT). */
const SEGMENT: Partial<Record<OrgLevel, [number, number]>> = { TOWNSHIP: [6, 9], VILLAGE: [9, 12], GRID: [12, 15] };

/** The division digits a city's districts share: 110000 → 11, 320500 → 3205. */
function cityPrefix(cityCode: string): string {
  let p = cityCode.slice(0, 6);
  while (p.length > 2 && p.endsWith('00')) p = p.slice(0, -2);
  return p;
}

/** Why `code` cannot be the code of a child of `parent` at `level` ([zh, en]), or null when it can. */
export function codeProblem(parent: { code: string; level: OrgLevel }, level: OrgLevel, code: string): [string, string] | null {
  if (!/^\d{15}$/.test(code)) return ['编码须为 15 位数字', 'the code must be 15 digits'];
  if (level === 'DISTRICT') {
    const division = code.slice(0, 6);
    const prefix = cityPrefix(parent.code);
    if (!division.startsWith(prefix) || division === parent.code.slice(0, 6) || division.endsWith('00')) {
      return [`区县编码的前 6 位须为 ${prefix} 开头的区县行政区划代码`, `the first 6 digits must be a district division code starting with ${prefix}`];
    }
    if (!/^0{9}$/.test(code.slice(6))) return ['区县编码的后 9 位须为 0', 'the last 9 digits of a district code must be 0'];
    return null;
  }
  const seg = SEGMENT[level];
  if (!seg) return ['该层级不能新建', 'units of this level cannot be created'];
  const [from, to] = seg;
  if (code.slice(0, from) !== parent.code.slice(0, from)) return [`编码须以上级编码的前 ${from} 位 ${parent.code.slice(0, from)} 开头`, `the code must start with the parent's first ${from} digits ${parent.code.slice(0, from)}`];
  if (code.slice(from, to) === '000') return [`编码第 ${from + 1}-${to} 位是本级序号，不能为 000`, `digits ${from + 1}-${to} number the unit and cannot be 000`];
  if (!/^0*$/.test(code.slice(to))) return [`编码第 ${to + 1} 位起须为 0`, `the digits from ${to + 1} on must be 0`];
  return null;
}

/** The next free code under `parent` (the highest sibling number + 1), or null when all 999 are taken or the level needs an explicit code. */
export function nextCode(parent: { code: string }, level: OrgLevel, siblingCodes: string[]): string | null {
  const seg = SEGMENT[level];
  if (!seg) return null;
  const [from, to] = seg;
  const used = siblingCodes.map((c) => Number(c.slice(from, to))).filter((n) => Number.isInteger(n));
  const n = (used.length ? Math.max(...used) : 0) + 1;
  if (n > 999) return null;
  return `${parent.code.slice(0, from)}${String(n).padStart(3, '0')}`.padEnd(15, '0');
}
