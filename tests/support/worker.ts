/** A GridCase worker on the real Temporal server with the real activities, for one test suite. */
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { PrismaClient } from '../../generated/prisma/client';
import type { TemporalHandle } from '../../platform/temporal/client';
import { createWorker } from '../../activities/worker';
import { connectWorker, installRuntime } from '../../platform/temporal/worker';
import { connectServices, testServices, uniqueSuffix } from './env';

export interface SuiteWorker {
  prisma: PrismaClient;
  temporal: TemporalHandle;
  taskQueue: string;
  stop(): Promise<void>;
}

/** Connects Prisma and Temporal and runs a worker on a task queue of its own. */
export async function startSuiteWorker(prefix: string): Promise<SuiteWorker> {
  const env = testServices();
  installRuntime('WARN');
  const { prisma, temporal, close } = await connectServices();
  const taskQueue = `${prefix}-${uniqueSuffix()}`;
  let connection: NativeConnection | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  try {
    connection = await connectWorker(env.temporal);
    worker = await createWorker({ connection, namespace: env.temporal.namespace, taskQueue, deps: { prisma, auditKey: env.auditKey } });
    running = worker.run();
  } catch (e) {
    await connection?.close();
    await close();
    throw e;
  }
  return {
    prisma,
    temporal,
    taskQueue,
    stop: async () => {
      worker?.shutdown();
      await running;
      await connection?.close();
      await close();
    },
  };
}
