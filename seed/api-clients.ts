/**
 * Demo Open311 clients (api_clients): systems that report through GeoReport v2 with an api_key.
 * Only the SHA-256 of a key is stored; the demo keys below are public, like the demo passwords:
 * for demonstration and tests only, disable these clients (active = false) before real use.
 *
 * | client | channel | demo api_key |
 * | --- | --- | --- |
 * | 北京12345热线 | HOTLINE_12345 | `demo-12345-hotline-2026` |
 * | 市民随手拍 | CITIZEN_APP | `demo-citizen-app-2026` |
 *
 * Both are city-wide, so neither has a district (api_clients.districtId): a request of theirs that
 * carries only an address_string is located by the district its address names (东城区…, 西城区…);
 * a district's own desk would be given its district (api/services/open311/).
 *
 * Idempotent: clients are matched on the key's hash; missing ones are created, a changed name or
 * channel is synced, `active` is left alone.
 */
import crypto from 'node:crypto';
import type { Prisma } from '../generated/prisma/client';
import type { SeedCount } from './report';

export interface DemoApiClient {
  name: string;
  channel: 'HOTLINE_12345' | 'CITIZEN_APP';
  /** the demo api_key (public: demo only) */
  key: string;
}

export const DEMO_API_CLIENTS: readonly DemoApiClient[] = [
  { name: '北京12345热线', channel: 'HOTLINE_12345', key: 'demo-12345-hotline-2026' },
  { name: '市民随手拍', channel: 'CITIZEN_APP', key: 'demo-citizen-app-2026' },
];

export const apiKeyHash = (key: string) => crypto.createHash('sha256').update(key, 'utf8').digest('hex');

export async function seedApiClients(tx: Prisma.TransactionClient, report: { apiClients: SeedCount }): Promise<void> {
  report.apiClients.total = DEMO_API_CLIENTS.length;
  const want = DEMO_API_CLIENTS.map((c) => ({ name: c.name, channel: c.channel, keyHash: apiKeyHash(c.key) }));
  const existing = new Map((await tx.apiClient.findMany({ where: { keyHash: { in: want.map((w) => w.keyHash) } } })).map((c) => [c.keyHash, c]));
  const missing = want.filter((w) => !existing.has(w.keyHash));
  if (missing.length) report.apiClients.created += (await tx.apiClient.createMany({ data: missing, skipDuplicates: true })).count;
  for (const w of want) {
    const row = existing.get(w.keyHash);
    if (row && (row.name !== w.name || row.channel !== w.channel)) {
      await tx.apiClient.update({ where: { id: row.id }, data: { name: w.name, channel: w.channel } });
      report.apiClients.updated++;
    }
  }
}

/** The rows of the demo clients for seed/ACCOUNTS.md (appended by seed/print-accounts.ts). */
export function apiClientsMarkdown(): string {
  return [
    '## Demo Open311 clients',
    '',
    'Systems that report through Open311 GeoReport v2 (`POST /open311/v2/requests.json`) with an `api_key`;',
    'only the key\'s SHA-256 is stored. The keys are public demo keys: disable these clients before real use.',
    '',
    '| client | channel | api_key |',
    '| --- | --- | --- |',
    ...DEMO_API_CLIENTS.map((c) => `| ${c.name} | ${c.channel} | \`${c.key}\` |`),
    '',
  ].join('\n');
}
