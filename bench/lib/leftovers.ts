/**
 * The cases a section leaves open (failed or timed-out loops) are rejected through the update the
 * API would send, so the projection stays true; what cannot be (no open 受理 task, or the update
 * fails) is terminated.
 */
import crypto from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { internalId } from '../../api/http/ids';
import { completeUpdate, stateQuery } from '../../workflows/case-api';
import { closedLoop } from './load';
import type { BenchContext } from './types';

export async function rejectLeftovers(ctx: BenchContext, open: Map<string, string | null>, actor: { userId: number; name: string }) {
  const t0 = performance.now();
  const left = [...open.entries()];
  if (!left.length) return { rejected: 0, terminated: 0, ms: 0 };
  ctx.log(`rejecting the ${left.length} cases still open …`);
  const client = ctx.temporal.client;
  let terminated = 0;
  const r = await closedLoop({ concurrency: 16, count: left.length }, async (i) => {
    const [caseId, taskId] = left[i];
    const handle = client.workflow.getHandle(caseId);
    try {
      // a case whose task never showed in the inbox (timed out): ask the workflow for it
      // (the inbox's id, DC-…~T1, as the workflow knows it: DC-…/T1)
      const id = (taskId && internalId(taskId)) ?? (await handle.query(stateQuery)).tasks.find((t) => t.elementId === 'Task_Accept' && t.state === 'OPEN')?.taskId;
      if (!id) throw new Error('no open Task_Accept');
      await handle.executeUpdate(completeUpdate, { args: [{ taskId: id, actor, outcome: 'reject' }], updateId: crypto.randomUUID() });
    } catch {
      await handle.terminate('bench done').then(
        () => (terminated += 1),
        (e) => {
          if (!(e instanceof WorkflowNotFoundError)) throw e;
        },
      );
    }
    open.delete(caseId);
  });
  const ms = performance.now() - t0;
  ctx.log(`… ${r.ok.length - terminated} rejected, ${terminated} terminated, ${r.errors} failed in ${(ms / 1000).toFixed(1)} s`);
  return { rejected: r.ok.length - terminated, terminated, failed: r.errors, ms };
}
