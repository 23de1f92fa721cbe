/** POST requests: an Open311 form reported through intake, located by its point or by its address. */
import crypto from 'node:crypto';
import type { ApiDeps } from '../../deps';
import type { IdempotencyHold } from '../../http/idempotency';
import type { Photo } from '../../http/upload';
import type { Locale } from '../../i18n';
import { isCrs, type Crs } from '../../../core/crs';
import { DomainError, text } from '../errors';
import { intakeCase } from '../intake';
import { attributeDefs, checkAttributes } from './attributes';
import type { ApiClientRef } from './clients';
import { w3 } from './formats';
import { processOf, serviceCategory, serviceNotice } from './services';

/** The form fields of POST requests (GeoReport v2), empty ones already dropped. */
export interface RequestForm {
  api_key?: string;
  jurisdiction_id?: string;
  service_code: string;
  lat?: string | number;
  long?: string | number;
  /** extension: the coordinate system of lat/long (WGS84 by default, GCJ02, BD09) */
  crs?: string;
  address_string?: string;
  zipcode?: string;
  address_id?: string;
  email?: string;
  device_id?: string;
  account_id?: string;
  first_name?: string;
  last_name?: string;
  phone?: string;
  description?: string;
  media_url?: string;
  attribute?: Record<string, string | string[]>;
}

export interface CreatedRequest {
  service_request_id: string;
  service_notice: string;
  account_id: string | null;
  token: string;
}

const CJK = /[\u3400-\u9fff]/;

/** "张" + "伟" → 张伟; "John" + "Smith" → John Smith. */
export function reporterName(first: string | undefined, last: string | undefined): string {
  const f = first?.trim() ?? '';
  const s = last?.trim() ?? '';
  if (!f && !s) return '';
  return CJK.test(f + s) ? `${s}${f}` : [f, s].filter(Boolean).join(' ');
}

function badLocation(field: string, zh: string, en: string): DomainError {
  return new DomainError('malformed', field, text(zh, en), 'BAD_LOCATION');
}

/**
 * lat + long (in `crs`), or null for a request with only an address_string (located by a person
 * at 受理: addresses are not geocoded), or an explanation of why not.
 */
function pointOf(form: RequestForm): { lat: number; lng: number; crs: Crs } | null {
  const hasLat = form.lat !== undefined;
  const hasLong = form.long !== undefined;
  const crs = form.crs ?? 'WGS84';
  if (!isCrs(crs)) throw badLocation('crs', 'crs 只能是 WGS84、GCJ02 或 BD09', 'crs must be WGS84, GCJ02 or BD09');
  if (!hasLat && !hasLong) {
    if (form.address_string !== undefined && form.address_string.trim()) return null;
    if (form.address_id !== undefined) throw badLocation('address_id', 'address_id 无法定位：请同时提供 lat 和 long，或提供 address_string', 'address_id alone cannot be located: send lat and long, or an address_string');
    throw badLocation('lat', '缺少位置：请提供 lat 和 long', 'the location is missing: send lat and long');
  }
  if (!hasLat) throw badLocation('lat', '有 long 时必须同时提供 lat', 'lat is required with long');
  if (!hasLong) throw badLocation('long', '有 lat 时必须同时提供 long', 'long is required with lat');
  const lat = Number(form.lat);
  const lng = Number(form.long);
  if (!Number.isFinite(lat) || lat < -90 || lat > 90) throw badLocation('lat', 'lat 须为 -90 到 90 之间的纬度', 'lat must be a latitude from -90 to 90');
  if (!Number.isFinite(lng) || lng < -180 || lng > 180) throw badLocation('long', 'long 须为 -180 到 180 之间的经度', 'long must be a longitude from -180 to 180');
  return { lat, lng, crs };
}

/**
 * The district that locates a request without a point: the client's own (api_clients.districtId,
 * e.g. a district's 12345 desk), else the one district of the city whose name its address_string
 * contains ("西城区…"); a request that names none, or several, cannot be routed: 400.
 */
async function districtForAddress(deps: Pick<ApiDeps, 'prisma'>, client: ApiClientRef, address: string): Promise<number> {
  if (client.districtId !== null) return client.districtId;
  const districts = await deps.prisma.orgUnit.findMany({ where: { level: 'DISTRICT' }, select: { id: true, name: true } });
  const named = districts.filter((d) => address.includes(d.name));
  if (named.length === 1) return named[0].id;
  throw badLocation(
    'address_string',
    `无法确定 address_string 所在的区：请同时提供 lat 和 long，或在地址中写明区名（${districts.map((d) => d.name).join('、')}）`,
    `the district of address_string cannot be told: send lat and long, or name the district in the address (${districts.map((d) => d.name).join(', ')})`,
  );
}

export async function createServiceRequest(deps: ApiDeps, client: ApiClientRef, form: RequestForm, l: Locale, hold?: IdempotencyHold, photos: Photo[] = []): Promise<CreatedRequest[]> {
  const point = pointOf(form);
  const category = await serviceCategory(deps, form.service_code);
  const checked = checkAttributes(attributeDefs(processOf(category)), form.attribute);
  const districtId = point ? undefined : await districtForAddress(deps, client, form.address_string!);
  const result = await intakeCase(deps, {
    categoryCode: category.code,
    // the spec lets a request come without text: the service's name stands in for it
    description: form.description?.trim() || category.name,
    location: point,
    districtId,
    address: form.address_string?.trim() || null,
    zipcode: form.zipcode?.trim() || null,
    mediaUrl: form.media_url ?? null,
    channel: client.channel,
    reporter: { userId: null, name: reporterName(form.first_name, form.last_name), phone: form.phone?.trim() || null },
    severity: checked.severity,
    photos,
    hold,
    vars: {
      open311: {
        apiClientId: client.id,
        media_url: form.media_url ?? null,
        attributes: checked.values,
        device_id: form.device_id ?? null,
        account_id: form.account_id ?? null,
        email: form.email ?? null,
        address_id: form.address_id ?? null,
      },
    },
  });
  const token = crypto.randomBytes(16).toString('hex');
  await deps.prisma.intakeToken.create({ data: { token, caseId: result.id, apiClientId: client.id } });
  const due = w3(result.dueAt ? new Date(result.dueAt) : null);
  const at = result.village && result.township ? { en: `${result.village.name} (${result.township.name})`, zh: `${result.township.name}${result.village.name}` } : null;
  const notice = !at
    ? l === 'en'
      ? `Registered as case ${result.id}, to be located by ${result.district.name} from the address.${due ? ` Taken on by ${due}.` : ''} ${serviceNotice(category, l)}`
      : `已登记为案件 ${result.id}，待${result.district.name}按地址定位后受理。${due ? `预计 ${due.slice(0, 16).replace('T', ' ')} 前受理。` : ''}${serviceNotice(category, l)}`
    : l === 'en'
      ? `Registered as case ${result.id}, with ${at.en}.${due ? ` Expected by ${due}.` : ''} ${serviceNotice(category, l)}`
      : `已登记为案件 ${result.id}，由${at.zh}受理。${due ? `预计 ${due.slice(0, 16).replace('T', ' ')} 前处理。` : ''}${serviceNotice(category, l)}`;
  return [{ service_request_id: result.id, service_notice: notice, account_id: form.account_id ?? null, token }];
}
