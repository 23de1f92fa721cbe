/** Open311 services: the catalogue's categories as GeoReport v2 services and their definitions (attributes). */
import type { Prisma } from '../../../generated/prisma/client';
import type { ApiDeps } from '../../deps';
import type { Locale } from '../../i18n';
import { notFound, text } from '../errors';
import { attributeDefs, renderAttributes, type Open311Attribute } from './attributes';
import { limitText } from './formats';

export const categorySelect = {
  id: true,
  code: true,
  name: true,
  nameEn: true,
  level: true,
  processKey: true,
  sortOrder: true,
  parent: { select: { code: true, name: true, nameEn: true, processKey: true, sortOrder: true } },
  timeLimits: { where: { tier: 'VILLAGE' }, select: { duration: true, calendar: true } },
} satisfies Prisma.CategorySelect;
type CategoryRow = Prisma.CategoryGetPayload<{ select: typeof categorySelect }>;

/** The categories that are services: active sub-items, and classes without an active sub-item. */
const SERVICE_WHERE: Prisma.CategoryWhereInput = { active: true, OR: [{ level: 'MINOR' }, { level: 'MAJOR', children: { none: { active: true } } }] };

export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime';
  keywords: string;
  group: string | null;
}

export const nameOf = (c: { name: string; nameEn: string | null }, l: Locale) => (l === 'en' ? (c.nameEn ?? c.name) : c.name);
export const processOf = (c: CategoryRow) => c.processKey ?? c.parent?.processKey ?? null;

function limitOf(c: CategoryRow, l: Locale): string | null {
  const v = c.timeLimits[0];
  return v ? limitText(v.duration, v.calendar, l) : null;
}

/** What a request of the category can expect (the service_notice). */
export function serviceNotice(c: CategoryRow, l: Locale): string {
  const limit = limitOf(c, l);
  if (l === 'en') return `Handled first by the community (village)${limit ? ` within ${limit}` : ''}; what it cannot handle goes up one tier, and overdue work is supervised by the tier above.`;
  return `本类事项由社区（村）首办${limit ? `，时限 ${limit}` : ''}；无力处置的逐级上报，超时由上级督办。`;
}

function toService(c: CategoryRow, l: Locale): Open311Service {
  const name = nameOf(c, l);
  const group = c.parent ? nameOf(c.parent, l) : null;
  const limit = limitOf(c, l);
  const description =
    l === 'en'
      ? `${group ? `${group}: ` : ''}${name}.${limit ? ` Time limit at the community (village): ${limit}.` : ''}`
      : `${group ? `${group}类：` : ''}${name}。${limit ? `社区（村）首办时限 ${limit}。` : ''}`;
  const words = [c.name, c.nameEn, c.parent?.name, c.parent?.nameEn].filter((w): w is string => !!w && w !== name);
  return {
    service_code: c.code,
    service_name: name,
    description,
    metadata: attributeDefs(processOf(c)).length > 0,
    type: 'realtime',
    keywords: [...new Set(words)].join(', '),
    group,
  };
}

async function serviceCategories(deps: Pick<ApiDeps, 'prisma'>, code?: string): Promise<CategoryRow[]> {
  const rows = await deps.prisma.category.findMany({ where: code ? { AND: [SERVICE_WHERE, { code }] } : SERVICE_WHERE, select: categorySelect });
  const order = (c: CategoryRow) => [c.parent?.sortOrder ?? c.sortOrder, c.parent ? c.sortOrder : 0];
  return rows.sort((a, b) => order(a)[0] - order(b)[0] || order(a)[1] - order(b)[1] || a.code.localeCompare(b.code));
}

export async function listServices(deps: Pick<ApiDeps, 'prisma'>, l: Locale): Promise<Open311Service[]> {
  return (await serviceCategories(deps)).map((c) => toService(c, l));
}

const unknownService = (code: string) => notFound('service_code', text(`没有服务 ${code}`, `service_code ${code} was not found`));

export async function serviceCategory(deps: Pick<ApiDeps, 'prisma'>, code: string): Promise<CategoryRow> {
  const [c] = await serviceCategories(deps, code);
  if (!c) throw unknownService(code);
  return c;
}

export async function serviceDefinition(deps: Pick<ApiDeps, 'prisma'>, code: string, l: Locale): Promise<{ service_code: string; attributes: Open311Attribute[] }> {
  const c = await serviceCategory(deps, code);
  return { service_code: c.code, attributes: renderAttributes(attributeDefs(processOf(c)), l) };
}
