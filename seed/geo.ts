/**
 * The demo city, built from real Beijing sub-district (街道) boundaries.
 *
 * Pure: reads the two bundled GeoJSON files under seed/data/geo/ (MIT, see NOTICE.txt) and
 * returns a plain tree; nothing touches the database.
 *
 *   北京市 (CITY 110000000000000)
 *   ├─ 东城区 (DISTRICT 110101000000000) ── 17 街道 (TOWNSHIP, one per GeoJSON feature)
 *   └─ 西城区 (DISTRICT 110102000000000) ── 15 街道
 *        each 街道 → 2–4 社区 (VILLAGE): vertical strips of equal width across the street's bbox
 *        each 社区 → 2–4 网格 (GRID):    horizontal strips of equal height across the community's bbox
 *
 * The communities and grids are synthetic (they do not follow real community boundaries); they
 * tile their parent exactly: every piece is the intersection of the parent with a strip, all
 * strips share their cut lines bit for bit, so neighbours share edges, nothing overlaps and
 * nothing is left out. Tiny parts produced by the cut (spikes of a concave outline) are merged
 * into the neighbouring strip they touch, and a strip whose piece is a sliver (< 15 % of the
 * mean) is merged into its smaller neighbour, so there are no gaps and no crumbs.
 *
 * Codes: 15-digit unit grid codes (GB/T 30428.1) = 6 administrative division + 3 street +
 * 3 community + 3 grid, parents padded with zeros. The street's 3 digits come from the feature's
 * 12-digit statistical code (110101001000 → 110101 001). Community and grid numbers are
 * assigned west→east and north→south.
 *
 * Area: spherical approximation (the Chamberlain–Duquette ring formula used by d3-geo and turf)
 * on a sphere of the mean Earth radius 6 371 008.8 m; at Beijing's latitude it differs from the
 * WGS84 ellipsoid by about −0.1 %, far below what the demo needs. Coordinates are [lng, lat]
 * (CGCS2000 ≈ WGS84), rounded to 7 decimals (≈ 1 cm), the precision of the grids' bbox columns.
 */
import fs from 'node:fs';
import path from 'node:path';
import { intersection, union } from 'polygon-clipping';
import type { MultiPolygon as PcMultiPolygon, Polygon as PcPolygon, Pair } from 'polygon-clipping';
import { areaSqm, bboxOf, interiorPoint, ringAreaSqm, roundCoord, toMulti, type AreaGeometry, type BBox, type Position } from '../core/geometry';

export type { AreaGeometry, BBox, GeoMultiPolygon, GeoPolygon, Position } from '../core/geometry';

export type OrgLevel = 'CITY' | 'DISTRICT' | 'TOWNSHIP' | 'VILLAGE' | 'GRID';
export interface DemoUnit {
  /** 15-digit unit grid code. */
  code: string;
  name: string;
  nameEn: string;
  level: OrgLevel;
  parentCode: string | null;
  /** Letters of the case numbers reported in this district (DC-20261123-00042); districts only. */
  casePrefix?: string;
  /** Boundary for TOWNSHIP, VILLAGE and GRID; null for CITY and DISTRICT (not modelled). */
  geometry: AreaGeometry | null;
  bbox: BBox;
  /** Area in m² (for CITY/DISTRICT the sum of the children). */
  areaSqm: number;
  /** A point inside the boundary (for demo reports and map labels); null for CITY and DISTRICT. */
  labelPoint: Position | null;
  /** Synthetic household count, GRID only (城市网格 100–300 户). */
  households: number | null;
  children: DemoUnit[];
}

export interface DemoCity {
  city: DemoUnit;
}

export const CITY_CODE = '110000000000000';
/** Parts of a cut smaller than this are merged into the neighbouring piece they touch. */
const CRUMB_SQM = 500;
/** A strip whose piece is below this share of the mean piece is merged into a neighbour. */
const SLIVER_SHARE = 0.15;

const DATA_DIR = path.join(__dirname, 'data', 'geo');
const DISTRICTS = [
  { adcode: '110101', name: '东城区', nameEn: 'Dongcheng District', casePrefix: 'DC', file: 'beijing__subdistrict_dongcheng-all.geojson' },
  { adcode: '110102', name: '西城区', nameEn: 'Xicheng District', casePrefix: 'XC', file: 'beijing__subdistrict_xicheng-all.geojson' },
] as const;

/** English names where the upstream pinyin is wrong (多音字) or lacks the customary apostrophe. */
const STREET_EN_OVERRIDES: Record<string, string> = {
  zhaoyangmenjiedao: 'Chaoyangmen',
  shenshahaijiedao: 'Shichahai',
  dazhalanjiedao: 'Dashilar',
  xichanganjiejiedao: "Xichang'anjie",
  guanganmenneijiedao: "Guang'anmennei",
  guanganmenwaijiedao: "Guang'anmenwai",
};

const CN_ORDINALS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

function mergeBBoxes(boxes: BBox[]): BBox {
  return [
    Math.min(...boxes.map((b) => b[0])),
    Math.min(...boxes.map((b) => b[1])),
    Math.max(...boxes.map((b) => b[2])),
    Math.max(...boxes.map((b) => b[3])),
  ];
}

/** Rounds to 7 decimals, removes repeated points, drops rings and polygons that collapse. */
function roundMulti(polys: PcMultiPolygon): PcMultiPolygon {
  const roundRing = (ring: Pair[]): Pair[] | undefined => {
    const r: Pair[] = [];
    for (const [x, y] of ring) {
      const p: Pair = [roundCoord(x), roundCoord(y)];
      const last = r[r.length - 1];
      if (!last || last[0] !== p[0] || last[1] !== p[1]) r.push(p);
    }
    if (r.length > 1 && (r[0][0] !== r[r.length - 1][0] || r[0][1] !== r[r.length - 1][1])) r.push([r[0][0], r[0][1]]);
    return r.length >= 4 && Math.abs(ringAreaSqm(r)) > 0 ? r : undefined;
  };
  const out: PcMultiPolygon = [];
  for (const poly of polys) {
    const outer = poly.length > 0 ? roundRing(poly[0]) : undefined;
    if (!outer) continue; // an outer ring that collapsed takes its holes with it
    const holes = poly.slice(1).map(roundRing).filter((r): r is Pair[] => r !== undefined);
    out.push([outer, ...holes]);
  }
  return out;
}

function toGeoJson(polys: PcMultiPolygon): AreaGeometry {
  const coords = polys.map((p) => p.map((r) => r.map(([x, y]) => [x, y] as Position)));
  return coords.length === 1 ? { type: 'Polygon', coordinates: coords[0] } : { type: 'MultiPolygon', coordinates: coords };
}

type Axis = 0 | 1; // 0: cut along x (vertical strips), 1: cut along y (horizontal strips)

interface Piece {
  /** index of the strip along the axis (west→east or south→north) */
  strip: number;
  geom: PcMultiPolygon;
}

/**
 * Cuts `geom` into `n` strips of equal width along `axis`. Returns the non-empty pieces in strip
 * order (ascending coordinate); crumbs and slivers are merged into neighbours (see file header).
 */
export function cutIntoStrips(geom: PcMultiPolygon, axis: Axis, n: number): PcMultiPolygon[] {
  const [minX, minY, maxX, maxY] = bboxOf(geom as unknown as Position[][][]);
  const lo = axis === 0 ? minX : minY;
  const hi = axis === 0 ? maxX : maxY;
  const pad = 0.01; // degrees; the strips reach well past the bbox across the cut axis
  const cuts: number[] = [];
  for (let i = 0; i <= n; i++) cuts.push(i === 0 ? lo - pad : i === n ? hi + pad : lo + ((hi - lo) * i) / n);
  const rect = (a: number, b: number): PcPolygon =>
    axis === 0
      ? [[[a, minY - pad], [b, minY - pad], [b, maxY + pad], [a, maxY + pad], [a, minY - pad]]]
      : [[[minX - pad, a], [maxX + pad, a], [maxX + pad, b], [minX - pad, b], [minX - pad, a]]];

  let pieces: Piece[] = [];
  for (let i = 0; i < n; i++) pieces.push({ strip: i, geom: intersection(geom, rect(cuts[i], cuts[i + 1])) });

  // 1. crumbs: small parts go to the neighbouring strip whose cut line they touch
  for (const piece of pieces) {
    const keep: PcMultiPolygon = [];
    for (const part of piece.geom) {
      const a = areaSqm([part]);
      if (a >= CRUMB_SQM) {
        keep.push(part);
        continue;
      }
      const b = bboxOf([part] as unknown as Position[][][]);
      const pLo = axis === 0 ? b[0] : b[1];
      const pHi = axis === 0 ? b[2] : b[3];
      const i = piece.strip;
      const target =
        i > 0 && pLo === cuts[i] && pieces[i - 1].geom.length > 0 ? pieces[i - 1]
        : i < n - 1 && pHi === cuts[i + 1] && pieces[i + 1].geom.length > 0 ? pieces[i + 1]
        : undefined;
      if (target) target.geom = union(target.geom, [part]);
      else if (a >= 1) keep.push(part); // an isolated part: keep it unless it is degenerate
    }
    piece.geom = keep;
  }
  pieces = pieces.filter((p) => p.geom.length > 0);

  // 2. slivers: a piece far below the mean joins its smaller neighbour
  for (;;) {
    if (pieces.length <= 1) break;
    const areas = pieces.map((p) => areaSqm(p.geom));
    const mean = areas.reduce((s, a) => s + a, 0) / pieces.length;
    let worst = -1;
    areas.forEach((a, i) => {
      if (a < SLIVER_SHARE * mean && (worst < 0 || a < areas[worst])) worst = i;
    });
    if (worst < 0) break;
    const left = worst > 0 ? worst - 1 : -1;
    const right = worst < pieces.length - 1 ? worst + 1 : -1;
    const into = left < 0 ? right : right < 0 ? left : areas[left] <= areas[right] ? left : right;
    pieces[into].geom = union(pieces[into].geom, pieces[worst].geom);
    pieces.splice(worst, 1);
  }
  return pieces.map((p) => p.geom);
}

// ---------------------------------------------------------------------------------------------
// naming and numbering

function pad3(n: number): string {
  if (n < 1 || n > 999) throw new Error(`sequence ${n} does not fit 3 digits`);
  return String(n).padStart(3, '0');
}

function cnOrdinal(n: number): string {
  if (n <= 10) return CN_ORDINALS[n];
  if (n < 20) return `十${CN_ORDINALS[n - 10]}`;
  return `${CN_ORDINALS[Math.floor(n / 10)]}十${n % 10 ? CN_ORDINALS[n % 10] : ''}`;
}

function streetEnglish(pinyin: string): string {
  const base = STREET_EN_OVERRIDES[pinyin] ?? pinyin.replace(/jiedao$/, '');
  return base.charAt(0).toUpperCase() + base.slice(1);
}

/** Communities per street and grids per community, from the area (deterministic). */
function communityCount(areaSqmValue: number): number {
  return Math.min(4, Math.max(2, Math.round(areaSqmValue / 1_000_000)));
}
function gridCount(areaSqmValue: number): number {
  return Math.min(4, Math.max(2, Math.round(areaSqmValue / 250_000)));
}

/** Deterministic synthetic household count in [150, 300] from the code (FNV-1a). */
function householdsFor(code: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < code.length; i++) {
    h ^= code.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return 150 + (h % 151);
}

// ---------------------------------------------------------------------------------------------

interface StreetFeature {
  type: 'Feature';
  properties: { Name: string; code: number | string; parentCode: number | string; pinyin: string };
  geometry: AreaGeometry;
}

function leaf(code: string, name: string, nameEn: string, level: OrgLevel, parentCode: string, geom: PcMultiPolygon): DemoUnit {
  const coords = geom as unknown as Position[][][];
  return {
    code,
    name,
    nameEn,
    level,
    parentCode,
    geometry: toGeoJson(geom),
    bbox: bboxOf(coords),
    areaSqm: Math.round(areaSqm(geom)),
    labelPoint: interiorPoint(toGeoJson(geom)),
    households: level === 'GRID' ? householdsFor(code) : null,
    children: [],
  };
}

function aggregate(unit: Omit<DemoUnit, 'bbox' | 'areaSqm'>): DemoUnit {
  return {
    ...unit,
    bbox: mergeBBoxes(unit.children.map((c) => c.bbox)),
    areaSqm: unit.children.reduce((s, c) => s + c.areaSqm, 0),
  };
}

function buildStreet(f: StreetFeature, adcode: string): DemoUnit {
  const code12 = String(f.properties.code);
  if (!/^\d{12}$/.test(code12) || !code12.startsWith(adcode)) throw new Error(`unexpected street code ${code12}`);
  const streetCode = `${code12.slice(0, 9)}000000`;
  const shortName = f.properties.Name.replace(/街道$/, '');
  const en = streetEnglish(f.properties.pinyin);
  const streetGeom = roundMulti(toMulti(f.geometry) as PcMultiPolygon);
  const street = leaf(streetCode, f.properties.Name, `${en} Subdistrict`, 'TOWNSHIP', `${adcode}000000000`, streetGeom);

  const communities = cutIntoStrips(streetGeom, 0, communityCount(areaSqm(streetGeom)));
  communities.forEach((cg, ci) => {
    const cGeom = roundMulti(cg);
    const cCode = `${streetCode.slice(0, 9)}${pad3(ci + 1)}000`;
    const cName = `${shortName}第${cnOrdinal(ci + 1)}社区`;
    const cEn = `${en} Community ${ci + 1}`;
    const community = leaf(cCode, cName, cEn, 'VILLAGE', streetCode, cGeom);
    // horizontal strips come back south→north; number the grids north→south
    const grids = cutIntoStrips(cGeom, 1, gridCount(areaSqm(cGeom))).reverse();
    grids.forEach((gg, gi) => {
      const gCode = `${cCode.slice(0, 12)}${pad3(gi + 1)}`;
      community.children.push(leaf(gCode, `${cName}第${gi + 1}网格`, `${cEn} Grid ${gi + 1}`, 'GRID', cCode, roundMulti(gg)));
    });
    street.children.push(community);
  });
  return street;
}

let cached: DemoCity | undefined;

/** Builds (once per process; the result is shared, do not mutate it) the demo city tree. */
export function buildDemoCity(): DemoCity {
  if (cached) return cached;
  const districts: DemoUnit[] = DISTRICTS.map((d) => {
    const fc = JSON.parse(fs.readFileSync(path.join(DATA_DIR, d.file), 'utf8')) as { features: StreetFeature[] };
    const streets = fc.features
      .map((f) => buildStreet(f, d.adcode))
      .sort((a, b) => a.code.localeCompare(b.code));
    return aggregate({
      code: `${d.adcode}000000000`,
      name: d.name,
      nameEn: d.nameEn,
      casePrefix: d.casePrefix,
      level: 'DISTRICT',
      parentCode: CITY_CODE,
      geometry: null,
      labelPoint: null,
      households: null,
      children: streets,
    });
  });
  const city = aggregate({
    code: CITY_CODE,
    name: '北京市',
    nameEn: 'Beijing',
    level: 'CITY',
    parentCode: null,
    geometry: null,
    labelPoint: null,
    households: null,
    children: districts,
  });
  cached = { city };
  return cached;
}

/** All units, parents before children (pre-order, children in code order). */
export function flattenUnits(root: DemoUnit): DemoUnit[] {
  const out: DemoUnit[] = [];
  const walk = (u: DemoUnit) => {
    out.push(u);
    u.children.forEach(walk);
  };
  walk(root);
  return out;
}

export function findUnit(root: DemoUnit, pred: (u: DemoUnit) => boolean): DemoUnit | undefined {
  return flattenUnits(root).find(pred);
}

/** The unit with this code, or an error. */
export function unitByCode(root: DemoUnit, code: string): DemoUnit {
  const u = findUnit(root, (x) => x.code === code);
  if (!u) throw new Error(`no demo unit ${code}`);
  return u;
}

/** The demo path of the stories: 北京市 → 东城区 → 东华门街道 → its first community. */
export function demoPath(city: DemoCity = buildDemoCity()) {
  const district = unitByCode(city.city, '110101000000000');
  const street = district.children.find((s) => s.name === '东华门街道');
  if (!street) throw new Error('东华门街道 missing from the demo city');
  const community = street.children[0];
  return { city: city.city, district, street, community, grids: community.children };
}
