/** Helpers for case workflow tests: the demo city's people and places, and waiting on a case. */
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { PrismaClient } from '../../generated/prisma/client';
import type { Actor, TaskInfo } from '../../process/engine';
import { buildCaseInput, startCase, type CaseRequest } from '../../domain/case-start';
import { completeUpdate, stateQuery, type CaseView } from '../../workflows/case-api';
import { uniqueSuffix } from './env';

export async function actor(prisma: PrismaClient, username: string): Promise<Actor> {
  const u = await prisma.user.findUniqueOrThrow({ where: { username }, select: { id: true, displayName: true } });
  return { userId: u.id, name: u.displayName };
}

/** 王芳's grid: 东华门第一社区第3网格. */
export async function wangfangGrid(prisma: PrismaClient) {
  const u = await prisma.user.findUniqueOrThrow({ where: { username: 'wangfang' }, select: { id: true, grids: { where: { isLeader: true }, select: { gridId: true } } } });
  const gridId = u.grids[0].gridId;
  const grid = await prisma.grid.findUniqueOrThrow({ where: { id: gridId }, select: { id: true, minLat: true, maxLat: true, minLng: true, maxLng: true } });
  return { gridId, lat: (Number(grid.minLat) + Number(grid.maxLat)) / 2, lng: (Number(grid.minLng) + Number(grid.maxLng)) / 2, reporterId: u.id };
}

export function newCaseId(prefix = 'TC'): string {
  return `${prefix}-${uniqueSuffix()}`.toUpperCase().slice(0, 40);
}

export async function reportCase(prisma: PrismaClient, client: Client, taskQueue: string, req: Partial<CaseRequest> & { categoryCode: string }) {
  const g = await wangfangGrid(prisma);
  const input = await buildCaseInput(prisma, {
    caseId: req.caseId ?? newCaseId(),
    gridId: g.gridId,
    description: req.description ?? '东华门大街12号门前井盖缺失',
    lat: g.lat,
    lng: g.lng,
    channel: 'GRID_APP',
    reporter: { userId: g.reporterId, name: '王芳' },
    ...req,
  });
  const handle = await startCase(client, taskQueue, input);
  return { handle, input };
}

/**
 * Waits until the case has an open (dispatched) task of the element — in the workflow and, when
 * a Prisma client is given, in the inbox tables too — and returns it.
 */
export async function openTask(handle: WorkflowHandle, elementId: string, prisma?: PrismaClient, timeoutMs = 20_000): Promise<TaskInfo> {
  const deadline = Date.now() + timeoutMs;
  let last: CaseView | undefined;
  while (Date.now() < deadline) {
    last = await handle.query(stateQuery);
    const t = last.tasks.find((x) => x.elementId === elementId && (x.state === 'OPEN' || x.state === 'CLAIMED') && x.dueAt);
    if (t && (!prisma || (await prisma.taskCandidate.count({ where: { taskId: t.taskId } })) > 0)) return t;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no open task ${elementId}; active: ${JSON.stringify(last?.activeElements)} status ${last?.status}`);
}

/**
 * Drives a standard-closed-loop case to its end at the village: the community handler accepts,
 * registers, dispatches and handles it with the feedback given; 王芳 verifies it.
 */
export async function closeAtVillage(prisma: PrismaClient, handle: WorkflowHandle, feedback: string): Promise<void> {
  const handler = await actor(prisma, 'dhm1.handler');
  const worker = await actor(prisma, 'wangfang');
  for (const step of ['Task_Accept', 'Task_Register', 'Task_Dispatch']) {
    const t = await openTask(handle, step);
    await handle.executeUpdate(completeUpdate, { args: [{ taskId: t.taskId, actor: handler, outcome: step === 'Task_Accept' ? 'accept' : undefined }] });
  }
  const work = await openTask(handle, 'Task_Handle');
  await handle.executeUpdate(completeUpdate, { args: [{ taskId: work.taskId, actor: handler, outcome: 'done', data: { feedback } }] });
  const verify = await openTask(handle, 'Task_Verify');
  await handle.executeUpdate(completeUpdate, { args: [{ taskId: verify.taskId, actor: worker, outcome: 'pass' }] });
  await handle.result();
}
