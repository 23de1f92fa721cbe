import fs from 'node:fs';
import path from 'node:path';
import { intersection, union } from 'polygon-clipping';
import type { MultiPolygon } from 'polygon-clipping';
import { areaSqm, pointInGeometry, toMulti } from '../../core/geometry';
import { buildDemoCity, demoPath, flattenUnits } from '../../seed/geo';
import type { DemoUnit } from '../../seed/geo';
import { CATEGORY_TREE, PROCESS_KEYS, demoDepartments, flattenCategories } from '../../seed/catalog';
import { accountsMarkdown } from '../../seed/print-accounts';
import { DEMO_PASSWORD, demoUsers } from '../../seed/users';

const city = buildDemoCity().city;
const all = flattenUnits(city);
const ofLevel = (level: DemoUnit['level']) => all.filter((u) => u.level === level);
const mp = (u: DemoUnit) => toMulti(u.geometry!) as unknown as MultiPolygon;

describe('demo city (seed/geo)', () => {
  it('has the minimum size the stories need', () => {
    expect(city.code).toBe('110000000000000');
    expect(city.name).toBe('北京市');
    expect(ofLevel('DISTRICT').map((d) => d.name)).toEqual(['东城区', '西城区']);
    expect(ofLevel('TOWNSHIP').length).toBe(32);
    expect(ofLevel('VILLAGE').length).toBeGreaterThanOrEqual(8);
    expect(ofLevel('GRID').length).toBeGreaterThanOrEqual(40);
  });

  it('is deterministic', () => {
    // the module caches; a fresh evaluation must give the same codes and areas
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fresh = (require('../../seed/geo') as typeof import('../../seed/geo')).buildDemoCity().city;
      const a = flattenUnits(fresh).map((u) => `${u.code}:${u.name}:${u.areaSqm}`);
      expect(a).toEqual(all.map((u) => `${u.code}:${u.name}:${u.areaSqm}`));
    });
  });

  it('gives every unit a unique 15-digit code prefixed by its parents', () => {
    const codes = new Set(all.map((u) => u.code));
    expect(codes.size).toBe(all.length);
    const prefixLen = { CITY: 0, DISTRICT: 6, TOWNSHIP: 9, VILLAGE: 12, GRID: 15 } as const;
    const walk = (u: DemoUnit, parent?: DemoUnit) => {
      expect(u.code).toMatch(/^\d{15}$/);
      // own code: the digits after the parent's prefix are non-zero in its own slot, zero after it
      const own = prefixLen[u.level];
      if (own < 15) expect(u.code.slice(own === 0 ? 2 : own)).toMatch(/^0+$/);
      if (parent) {
        expect(u.parentCode).toBe(parent.code);
        const keep = parent.level === 'CITY' ? 2 : prefixLen[parent.level];
        expect(u.code.slice(0, keep)).toBe(parent.code.slice(0, keep));
        expect(u.code.slice(keep, own)).not.toMatch(/^0+$/);
      } else {
        expect(u.parentCode).toBeNull();
      }
      u.children.forEach((c) => walk(c, u));
    };
    walk(city);
  });

  it('takes the street codes from the statistical codes (东华门街道 = 110101 001)', () => {
    const dhm = all.find((u) => u.name === '东华门街道')!;
    expect(dhm.code).toBe('110101001000000');
    expect(dhm.level).toBe('TOWNSHIP');
  });

  it('names communities and grids after their street and number', () => {
    const p = demoPath();
    expect(p.community.name).toBe('东华门第一社区');
    expect(p.grids[2].name).toBe('东华门第一社区第3网格');
    expect(p.grids[2].code).toBe('110101001001003');
    for (const g of ofLevel('GRID')) expect(g.name).toMatch(/^.+第[一二三四五六七八九十]+社区第\d+网格$/);
  });

  it('has a community in 东华门街道 with at least 3 grids (story 1)', () => {
    const p = demoPath();
    expect(p.street.name).toBe('东华门街道');
    expect(p.grids.length).toBeGreaterThanOrEqual(3);
  });

  it('tiles every community with its grids: no gaps, no overlaps', () => {
    for (const c of ofLevel('VILLAGE')) {
      const grids = c.children.map(mp);
      expect(grids.length).toBeGreaterThanOrEqual(2);
      const u = union(grids[0], ...grids.slice(1));
      const ca = areaSqm(mp(c));
      expect(Math.abs(areaSqm(u) - ca) / ca).toBeLessThan(0.001);
      // the union and the community cover the same ground: their symmetric difference is ~empty
      const inter = areaSqm(intersection(u, mp(c)));
      expect(Math.abs(inter - ca) / ca).toBeLessThan(0.001);
      for (let i = 0; i < grids.length; i++) {
        for (let j = i + 1; j < grids.length; j++) {
          expect(areaSqm(intersection(grids[i], grids[j]))).toBeLessThan(1);
        }
      }
      const sum = c.children.reduce((s, g) => s + g.areaSqm, 0);
      expect(Math.abs(sum - c.areaSqm) / c.areaSqm).toBeLessThan(0.001);
    }
  });

  it('keeps every community within its street, and the communities tile the street', () => {
    for (const s of ofLevel('TOWNSHIP')) {
      const sa = areaSqm(mp(s));
      let sum = 0;
      for (const c of s.children) {
        const ca = areaSqm(mp(c));
        const inside = areaSqm(intersection(mp(c), mp(s)));
        expect(Math.abs(inside - ca) / ca).toBeLessThan(0.001);
        sum += ca;
      }
      expect(Math.abs(sum - sa) / sa).toBeLessThan(0.001);
    }
  });

  it('computes bbox and a plausible area for every grid', () => {
    for (const g of ofLevel('GRID')) {
      const [minLng, minLat, maxLng, maxLat] = g.bbox;
      expect(minLng).toBeLessThan(maxLng);
      expect(minLat).toBeLessThan(maxLat);
      expect(minLng).toBeGreaterThan(116.2);
      expect(maxLng).toBeLessThan(116.5);
      expect(minLat).toBeGreaterThan(39.8);
      expect(maxLat).toBeLessThan(40.0);
      const outside = toMulti(g.geometry!).flat(2).filter(([x, y]) => x < minLng || x > maxLng || y < minLat || y > maxLat);
      expect(outside).toEqual([]);
      // 7 decimals, like the Decimal(10,7) bbox columns
      for (const v of g.bbox) expect(Math.round(v * 1e7) / 1e7).toBe(v);
      expect(g.areaSqm).toBeGreaterThan(10_000);
      expect(g.areaSqm).toBeLessThan(2_000_000);
      expect(g.households).toBeGreaterThanOrEqual(150);
      expect(g.households).toBeLessThanOrEqual(300);
    }
    // 东城区 is about 41.8 km², 西城区 about 50.5 km²
    const [dc, xc] = ofLevel('DISTRICT');
    expect(dc.areaSqm / 1e6).toBeGreaterThan(40);
    expect(dc.areaSqm / 1e6).toBeLessThan(44);
    expect(xc.areaSqm / 1e6).toBeGreaterThan(48);
    expect(xc.areaSqm / 1e6).toBeLessThan(53);
  });

  it('gives every street, community and grid a label point inside it and in no sibling', () => {
    for (const u of all.filter((x) => x.geometry)) {
      const [lng, lat] = u.labelPoint!;
      expect([u.code, pointInGeometry(lng, lat, u.geometry!)]).toEqual([u.code, true]);
      const siblings = all.filter((x) => x.parentCode === u.parentCode && x !== u);
      for (const s of siblings) expect([u.code, s.code, pointInGeometry(lng, lat, s.geometry!)]).toEqual([u.code, s.code, false]);
    }
    expect(city.labelPoint).toBeNull();
  });

  it('measures area on the sphere (a 0.01° square at 40°N is about 0.852 km²)', () => {
    const sq = [[[[116, 40], [116.01, 40], [116.01, 40.01], [116, 40.01], [116, 40]]]] as MultiPolygon;
    const expected = (0.01 * Math.PI / 180) ** 2 * 6_371_008.8 ** 2 * Math.cos((40.005 * Math.PI) / 180);
    expect(Math.abs(areaSqm(sq) - expected) / expected).toBeLessThan(1e-4);
  });
});

describe('demo users and catalogue on the demo city (seed/users, seed/catalog)', () => {
  const users = demoUsers();
  const byName = new Map(users.map((u) => [u.username, u]));
  const codes = new Set(all.map((u) => u.code));
  const departments = demoDepartments(buildDemoCity());

  it('puts 王芳 on grid 3 of a 东华门街道 community (story 1)', () => {
    const p = demoPath();
    const wf = byName.get('wangfang')!;
    expect(wf.displayName).toBe('王芳');
    expect(wf.grids).toEqual([{ gridCode: p.grids[2].code, isLeader: true }]);
    expect(wf.memberships).toEqual([{ role: 'GRID_WORKER', unitCode: p.grids[2].code }]);
    // every grid of that community has a worker
    for (const g of p.grids) expect(users.some((u) => u.grids.some((a) => a.gridCode === g.code))).toBe(true);
  });

  it('has every role at every tier of the demo path', () => {
    const p = demoPath();
    for (const unit of [p.city, p.district, p.street, p.community]) {
      for (const role of ['ADMINISTRATOR', 'DISPATCHER', 'HANDLER', 'SUPERVISOR', 'AUDITOR']) {
        expect([unit.name, role, users.some((u) => u.memberships.some((m) => m.role === role && m.unitCode === unit.code))]).toEqual([unit.name, role, true]);
      }
    }
    expect(byName.get('admin')!.memberships).toEqual([{ role: 'ADMINISTRATOR', unitCode: '110000000000000' }]);
  });

  it('has department handlers and out-of-scope users in 西城区', () => {
    for (const u of ['dc.cg.handler', 'dc.hb.handler', 'dc.fy.handler']) expect(byName.get(u)!.memberships[0].departmentCode).toBeDefined();
    const xc = users.filter((u) => u.memberships.some((m) => m.unitCode?.startsWith('110102') || m.departmentCode?.startsWith('XC-')));
    expect(xc.some((u) => u.memberships.some((m) => m.role === 'HANDLER'))).toBe(true);
    expect(xc.some((u) => u.memberships.some((m) => m.role === 'SUPERVISOR'))).toBe(true);
  });

  it('refers only to units, grids and departments that exist; ASCII usernames, Chinese names', () => {
    const deptCodes = new Set(departments.map((d) => d.code));
    for (const u of users) {
      expect(u.username).toMatch(/^[a-z][a-z0-9._-]+$/);
      expect(u.displayName).toMatch(/[\u4e00-\u9fff]/);
      for (const m of u.memberships) {
        expect(Boolean(m.unitCode) !== Boolean(m.departmentCode)).toBe(true);
        if (m.unitCode) expect(codes.has(m.unitCode)).toBe(true);
        if (m.departmentCode) expect(deptCodes.has(m.departmentCode)).toBe(true);
      }
      for (const g of u.grids) expect(all.find((x) => x.code === g.gridCode)?.level).toBe('GRID');
    }
    expect(DEMO_PASSWORD).toBe('GridCase#2026');
  });

  it('has ≥ 10 district departments and a well-formed category tree', () => {
    const dc = departments.filter((d) => d.orgUnitCode === '110101000000000');
    expect(dc.length).toBeGreaterThanOrEqual(10);
    for (const c of ['CG', 'HB', 'ZJ', 'GA', 'SJ', 'SW', 'JT', 'WJ', 'MZ', 'YJ', 'SF']) expect(dc.some((d) => d.code === c)).toBe(true);
    expect(new Set(departments.map((d) => d.code)).size).toBe(departments.length);

    expect(CATEGORY_TREE.length).toBeGreaterThanOrEqual(10);
    const flat = flattenCategories();
    expect(new Set(flat.map((c) => c.code)).size).toBe(flat.length);
    for (const m of CATEGORY_TREE) {
      expect(m.children.length).toBeGreaterThanOrEqual(3);
      expect(m.children.length).toBeLessThanOrEqual(6);
    }
    const names = flat.map((c) => c.name);
    for (const n of ['平安建设', '矛盾纠纷', '安全隐患', '市容环境', '违法建设', '民生服务', '应急处置', '公共设施', '生态环境', '其他', '井盖缺失', '占道经营', '私搭乱建', '邻里纠纷', '山体滑坡隐患', '大气污染']) {
      expect(names).toContain(n);
    }
    const iso = /^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?)?$/;
    for (const c of flat) {
      expect(PROCESS_KEYS).toContain(c.processKey);
      if (c.departmentCode) expect(departments.some((d) => d.code === c.departmentCode)).toBe(true);
      if (c.level === 'MINOR') {
        expect(c.timeLimits.map((t) => t.tier)).toEqual(['VILLAGE', 'TOWNSHIP', 'DISTRICT', 'CITY']);
        for (const t of c.timeLimits) expect(t.duration).toMatch(iso);
      }
    }
    const key = (name: string) => flat.find((c) => c.name === name)!.processKey;
    expect(key('邻里纠纷')).toBe('dispute-mediation');
    expect(key('山体滑坡隐患')).toBe('emergency');
    expect(key('大气污染')).toBe('dual-dispatch');
    expect(key('井盖缺失')).toBe('standard-closed-loop');
    expect(flat.find((c) => c.name === '山体滑坡隐患')!.timeLimits[0]).toEqual({ tier: 'VILLAGE', duration: 'PT30M', calendar: 'CLOCK' });
  });

  it('keeps seed/ACCOUNTS.md in step with the users (npx tsx seed/print-accounts.ts)', () => {
    const md = fs.readFileSync(path.join(__dirname, '../../seed/ACCOUNTS.md'), 'utf8');
    expect(md).toBe(accountsMarkdown());
    for (const u of users) expect(md).toContain(`\`${u.username}\``);
  });
});
