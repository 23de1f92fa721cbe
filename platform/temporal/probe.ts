/**
 * Bounded checks against a Temporal frontend. The SDK retries unavailable calls for a long time;
 * a health check or a bootstrap probe must answer within its budget and leave nothing running.
 */
import { Connection } from '@temporalio/client';
import { clientConnectionOptions, type TemporalTarget } from './connection';

/** Runs one call on an existing connection, cancelled (retries included) after `ms`. */
export async function callWithin<T>(connection: Connection, ms: number, fn: () => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no answer within ${ms} ms`)), ms);
  try {
    return await connection.withAbortSignal(controller.signal, fn);
  } catch (e) {
    if (controller.signal.aborted) throw new Error(`no answer within ${ms} ms`, { cause: e });
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/** True when a Temporal frontend answers at the address and knows the namespace. */
export async function probeTemporal(target: TemporalTarget, timeoutMs: number): Promise<{ ok: true } | { ok: false; reason: string }> {
  const started = Date.now();
  let late = false;
  let timer: NodeJS.Timeout | undefined;
  const connecting = Connection.connect({ ...clientConnectionOptions(target, timeoutMs), interceptors: [] });
  // A connection that arrives after we gave up is closed at once.
  connecting.then(
    (c) => {
      if (late) void c.close().catch(() => undefined);
    },
    () => undefined,
  );
  let connection: Connection | undefined;
  try {
    connection = await Promise.race([
      connecting,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    const left = Math.max(500, timeoutMs - (Date.now() - started));
    const c = connection;
    try {
      await callWithin(c, left, () => c.workflowService.describeNamespace({ namespace: target.namespace }));
    } catch (e) {
      // The time-skipping test server (a fallback) does not implement namespace calls.
      if ((e as { code?: number }).code !== 12 /* UNIMPLEMENTED */) throw e;
    }
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: (e as Error).message.split('\n')[0] };
  } finally {
    clearTimeout(timer);
    late = true;
    await connection?.close().catch(() => undefined);
  }
}
