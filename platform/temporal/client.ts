/** The one Temporal client module the API (and tests) use. */
import { Client, Connection } from '@temporalio/client';
import { clientConnectionOptions, type TemporalTarget } from './connection';

export interface TemporalHandle {
  connection: Connection;
  client: Client;
  namespace: string;
}

export async function connectTemporal(target: TemporalTarget): Promise<TemporalHandle> {
  const connection = await Connection.connect(clientConnectionOptions(target));
  return { connection, client: new Client({ connection, namespace: target.namespace }), namespace: target.namespace };
}
