/**
 * What supervisors and dispatchers do to a whole case: 催办 (urge), 督办 (supervise, optionally
 * with a new deadline), 并案 (merge a duplicate into an earlier case); and the attachments a
 * handler adds while handling (a feedback photo).
 */
import crypto from 'node:crypto';
import { completeUpdate, superviseSignal, urgeSignal } from '../../workflows/case-api';
import { actorOf, type Caller } from '../auth/caller';
import { holdsAbove, isCandidate } from '../auth/scope';
import type { ApiDeps } from '../deps';
import { conflict, DomainError, invalid, notFound, refused, text } from './errors';
import { apiId, internalId } from '../http/ids';
import type { Photo } from '../http/upload';
import { ENDED_STATUSES, historyEvent, visibleCase } from './cases';
import { modelOf, userTaskOf } from './models';
import { updateIdOf } from './tasks';
import { caseWorkflow } from '../case-workflows';

async function runningCase(deps: ApiDeps, c: Caller, id: string) {
  const row = await visibleCase(deps, c, id, { id: true, orgPath: true, status: true, processVersionId: true });
  if ((ENDED_STATUSES as readonly string[]).includes(row.status)) {
    throw conflict('id', text(`案件已结束（${row.status}）`, `the case has ended (${row.status})`), 'CASE_ENDED');
  }
  return row;
}

function mustSupervise(c: Caller, orgPath: string) {
  if (!holdsAbove(c, orgPath, ['SUPERVISOR'])) throw refused('id', text('只有该案件所属辖区的督办人员可以催办、督办', 'only supervisors of the case’s area may urge or supervise it'));
}

export async function urgeCase(deps: ApiDeps, c: Caller, id: string, given: { note?: string; taskId?: string }) {
  const body = { ...given, taskId: given.taskId === undefined ? undefined : internalId(given.taskId) };
  const row = await runningCase(deps, c, id);
  mustSupervise(c, row.orgPath);
  if (body.taskId) {
    const t = await deps.prisma.task.findFirst({ where: { id: body.taskId, caseId: id, state: { in: ['OPEN', 'CLAIMED'] } }, select: { id: true } });
    if (!t) throw invalid('taskId', text(`任务 ${given.taskId} 不是该案件的在办任务`, `task ${given.taskId} is not an open task of this case`));
  }
  const after = await lastSeq(deps, id);
  await caseWorkflow(deps, id).signal(urgeSignal, { actor: actorOf(c), note: body.note, taskId: body.taskId });
  return { caseId: id, accepted: true, event: await writtenRow(deps, id, after, 'urge', c, body.note ?? null) };
}

export async function superviseCase(deps: ApiDeps, c: Caller, id: string, body: { instruction: string; newDeadline?: string }) {
  const row = await runningCase(deps, c, id);
  mustSupervise(c, row.orgPath);
  if (body.newDeadline && new Date(body.newDeadline).getTime() <= Date.now()) {
    throw invalid('newDeadline', text('新的期限必须在将来', 'the new deadline must lie in the future'));
  }
  const after = await lastSeq(deps, id);
  await caseWorkflow(deps, id).signal(superviseSignal, { actor: actorOf(c), instruction: body.instruction, newDeadline: body.newDeadline });
  return { caseId: id, accepted: true, event: await writtenRow(deps, id, after, 'supervise', c, body.instruction) };
}

/** how long urge and supervise wait for the workflow to write their history row */
const ROW_WAIT_MS = 5_000;

async function lastSeq(deps: ApiDeps, caseId: string): Promise<number> {
  return (await deps.prisma.caseEvent.aggregate({ where: { caseId }, _max: { seq: true } }))._max.seq ?? 0;
}

/**
 * The history row the signal made the workflow write (its first row of that action by this
 * caller with this text after `after`). Signals cannot answer, so the row is read from MySQL,
 * polled at 10, 20, 40, then every 50 ms; null when it is not there within ROW_WAIT_MS (the worker
 * is away: Temporal keeps the signal and the row follows).
 */
async function writtenRow(deps: ApiDeps, caseId: string, after: number, action: 'urge' | 'supervise', c: Caller, reason: string | null) {
  const until = Date.now() + ROW_WAIT_MS;
  for (let wait = 10; ; wait = Math.min(wait * 2, 50)) {
    const row = await deps.prisma.caseEvent.findFirst({ where: { caseId, seq: { gt: after }, action, actorId: c.userId, reason }, orderBy: { seq: 'asc' } });
    if (row) return historyEvent(row);
    if (Date.now() > until) return null;
    await new Promise((r) => setTimeout(r, wait));
  }
}

/** 并案: the open step that can declare the report a duplicate (受理) is completed as such, with the link. */
export async function mergeCase(deps: ApiDeps, c: Caller, id: string, body: { into: string; reason?: string }, key: string | undefined) {
  if (body.into === id) throw invalid('into', text('不能与自身并案', 'a case cannot be merged into itself'));
  const row = await runningCase(deps, c, id);
  const visibleInto = await visibleCase(deps, c, body.into, { id: true, status: true }).catch((e: unknown) => {
    if (e instanceof DomainError) return null;
    throw e;
  });
  if (!visibleInto) throw invalid('into', text(`案件 ${body.into} 不存在`, `case ${body.into} does not exist`), 'UNKNOWN_CASE');
  if (visibleInto.status === 'MERGED') throw invalid('into', text(`案件 ${body.into} 本身已并案`, `case ${body.into} was itself merged`), 'MERGED_CASE');
  const model = row.processVersionId ? await modelOf(deps.prisma, row.processVersionId) : null;
  const tasks = await deps.prisma.task.findMany({ where: { caseId: id, state: { in: ['OPEN', 'CLAIMED'] } }, select: { id: true, elementId: true, candidates: true, assigneeId: true } });
  const mergeable = tasks.filter((t) => userTaskOf(model, t.elementId)?.outcomes.includes('duplicate'));
  if (!mergeable.length) throw conflict('id', text('该案件当前环节不能并案（只能在受理时并案）', 'the case cannot be merged at its current step (only at acceptance)'), 'NOT_MERGEABLE');
  const mine = mergeable.find((t) => isCandidate(c, (t.candidates as string[]) ?? [], t.assigneeId));
  if (!mine) throw refused('id', text('受理任务没有派给你或你所在的单位', 'the acceptance task is not offered to you or your unit'));
  await caseWorkflow(deps, id).update(
    completeUpdate,
    [{ taskId: mine.id, actor: actorOf(c), outcome: 'duplicate', data: { duplicateOf: body.into, ...(body.reason ? { mergeReason: body.reason } : {}) } }],
    updateIdOf(c, 'merge', id, key),
  );
  const merged = await deps.prisma.case.findUniqueOrThrow({ where: { id }, select: { id: true, status: true, statusLabel: true, duplicateOfId: true, closedAt: true } });
  return { id: merged.id, status: merged.status, statusLabel: merged.statusLabel, duplicateOf: merged.duplicateOfId, closedAt: merged.closedAt?.toISOString() ?? null };
}

/** A handler (candidate or holder of an open task of the case) adds photos, e.g. the feedback photo. */
export async function addAttachments(deps: ApiDeps, c: Caller, id: string, photos: Photo[], givenTaskId: string | undefined) {
  const taskId = givenTaskId === undefined ? undefined : internalId(givenTaskId);
  await runningCase(deps, c, id);
  if (!photos.length) throw invalid('photos', text('请至少上传一张照片', 'upload at least one photo'));
  const tasks = await deps.prisma.task.findMany({ where: { caseId: id, state: { in: ['OPEN', 'CLAIMED'] }, ...(taskId ? { id: taskId } : {}) }, select: { id: true, candidates: true, assigneeId: true } });
  if (taskId && !tasks.length) throw invalid('taskId', text(`任务 ${givenTaskId} 不是该案件的在办任务`, `task ${givenTaskId} is not an open task of this case`));
  const mine = tasks.find((t) => isCandidate(c, (t.candidates as string[]) ?? [], t.assigneeId));
  if (!mine) throw refused('id', text('只有该案件在办任务的处理人可以上传附件', 'only the people an open task of the case is offered to may add attachments'));
  const stored: { key: string; created: boolean }[] = [];
  try {
    const rows = [];
    for (const p of photos) {
      const blob = await deps.attachments.put(p.bytes);
      stored.push(blob);
      rows.push({ id: `ATT-${crypto.randomUUID()}`, caseId: id, taskId: mine.id, fileName: p.fileName, mediaType: p.mediaType, size: blob.size, sha256: blob.sha256, storageKey: blob.key, uploadedById: c.userId, uploadedByName: c.name, createdAt: new Date() });
    }
    await deps.prisma.attachment.createMany({ data: rows });
    return rows.map((r) => ({ id: r.id, fileName: r.fileName, mediaType: r.mediaType, size: r.size, sha256: r.sha256, taskId: apiId(r.taskId), href: `/api/cases/${id}/attachments/${r.id}` }));
  } catch (e) {
    await Promise.all(stored.filter((b) => b.created).map((b) => deps.attachments.remove(b.key).catch(() => undefined)));
    throw e;
  }
}

export async function readAttachment(deps: ApiDeps, c: Caller, caseId: string, attachmentId: string) {
  await visibleCase(deps, c, caseId, { id: true });
  const a = await deps.prisma.attachment.findFirst({ where: { id: attachmentId, caseId }, select: { fileName: true, mediaType: true, storageKey: true, sha256: true } });
  if (!a) throw notFound('attachmentId', text(`附件 ${attachmentId} 不存在`, `attachment ${attachmentId} does not exist`));
  const bytes = await deps.attachments.get(a.storageKey);
  if (!bytes) throw notFound('attachmentId', text('附件文件已丢失', 'the attachment’s file is missing'));
  return { ...a, bytes };
}
