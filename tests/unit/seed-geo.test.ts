import { intersection, union } from 'polygon-clipping';
import type { MultiPolygon } from 'polygon-clipping';
import { areaSqm, buildDemoCity, demoPath, flattenUnits, toMulti } from '../../seed/geo';
import type { DemoUnit } from '../../seed/geo';

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

  it('measures area on the sphere (a 0.01° square at 40°N is about 0.852 km²)', () => {
    const sq = [[[[116, 40], [116.01, 40], [116.01, 40.01], [116, 40.01], [116, 40]]]] as MultiPolygon;
    const expected = (0.01 * Math.PI / 180) ** 2 * 6_371_008.8 ** 2 * Math.cos((40.005 * Math.PI) / 180);
    expect(Math.abs(areaSqm(sq) - expected) / expected).toBeLessThan(1e-4);
  });
});
