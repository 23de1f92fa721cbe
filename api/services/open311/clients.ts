/** Open311 api clients: the client an api_key names (api_clients keeps the key's SHA-256). */
import crypto from 'node:crypto';
import type { ApiDeps } from '../../deps';
import { DomainError, text } from '../errors';
import type { Channel } from '../intake';

export interface ApiClientRef {
  id: number;
  name: string;
  channel: Channel;
  /** the district that locates the client's requests without a point */
  districtId: number | null;
}

export const keyHash = (key: string) => crypto.createHash('sha256').update(key, 'utf8').digest('hex');

/** The active client holding the key; a missing or unknown key is a 403, as the spec says. */
export async function apiClientByKey(deps: Pick<ApiDeps, 'prisma'>, key: string | undefined): Promise<ApiClientRef> {
  if (!key) throw new DomainError('refused', 'api_key', text('缺少 api_key', 'api_key is missing'), 'API_KEY_MISSING');
  const c = await deps.prisma.apiClient.findUnique({ where: { keyHash: keyHash(key) }, select: { id: true, name: true, channel: true, active: true, districtId: true } });
  if (!c || !c.active) throw new DomainError('refused', 'api_key', text('api_key 无效，无法提交诉求', "invalid api_key received: can't proceed with create_request"), 'API_KEY_INVALID');
  return { id: c.id, name: c.name, channel: c.channel, districtId: c.districtId };
}
