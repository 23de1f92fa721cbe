/** The one Temporal client module the API (and tests) use. */
import { Client, Connection } from '@temporalio/client';
import { clientConnectionOptions, type TemporalTarget } from './connection';

export interface TemporalHandle {
  connection: Connection;
  client: Client;
  namespace: string;
  /** A connection without the SDK's retries, for health checks that must answer at once. */
  probe: Connection;
  close(): Promise<void>;
}

export async function connectTemporal(target: TemporalTarget): Promise<TemporalHandle> {
  const connection = await Connection.connect(clientConnectionOptions(target));
  const probe = Connection.lazy({ ...clientConnectionOptions(target), interceptors: [] });
  return {
    connection,
    client: new Client({ connection, namespace: target.namespace }),
    namespace: target.namespace,
    probe,
    close: async () => {
      await Promise.all([connection.close(), probe.close()]);
    },
  };
}
