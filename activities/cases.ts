/**
 * Activities of the case workflow:
 *   - loadProcessModel: the deployed, immutable model version a case runs;
 *   - prepareTask: resolves a user task's assignee rule to candidates (org tree, departments,
 *     the reporter) and computes its deadline and reminder points on the business calendar;
 *   - computeTimes: fire times of working-calendar timers;
 *   - loadCategoryFacts: what a category chosen at 立案 means to the case (major class, home
 *     department), for the workflow's facts;
 *   - applyCaseChange: writes one change of a case (audit rows with their hash chain, the case
 *     row, task rows with their inbox index, approvals, notifications) in ONE transaction,
 *     idempotently: a retried change whose first audit row exists writes nothing again.
 */
import { ApplicationFailure } from '@temporalio/common';
import { Prisma, type PrismaClient } from '../generated/prisma/client';
import { tierAbove, type ProcessModel, type Tier } from '../process/model';
import { parseAssigneeRule } from '../process/assignee';
import { withConditionTrees } from '../process/feel';
import type { CaseFacts, TaskOpened } from '../process/engine';
import { clockDurationMs } from '../process/timers';
import { eventHash, GENESIS_HASH } from '../core/audit-chain';
import { createDeadlineActivities } from './deadlines';
import type { CaseActivities, CaseChange, CasePlace, CategoryFacts, PrepareTaskInput } from '../workflows/case-api';
import type { DeadlineSpec as TimeSpec } from '../process/business-time';
import { timeLimitOf } from '../domain/time-limits';

export interface CaseDeps {
  prisma: PrismaClient;
}

const LEVEL_OF: Record<string, Tier> = { village: 'VILLAGE', township: 'TOWNSHIP', district: 'DISTRICT', city: 'CITY' };
export { DEFAULT_LIMIT } from '../domain/time-limits';

const ROLE_OF: Record<string, string> = {
  administrator: 'ADMINISTRATOR',
  dispatcher: 'DISPATCHER',
  handler: 'HANDLER',
  grid_worker: 'GRID_WORKER',
  supervisor: 'SUPERVISOR',
  auditor: 'AUDITOR',
};

export function createCaseActivities({ prisma }: CaseDeps): CaseActivities {
  const deadlines = createDeadlineActivities({ prisma });

  /** The tier a tier reference names, from the case's current tier. */
  function tierOf(ref: string, current: Tier): Tier {
    if (ref === 'current') return current;
    if (ref === 'parent') return tierAbove(current);
    return LEVEL_OF[ref];
  }

  async function department(kind: string, facts: CaseFacts) {
    const dept = await prisma.department.findFirst({ where: { kind, orgUnitId: facts.units.DISTRICT, active: true }, select: { id: true, code: true, orgUnitId: true } });
    if (!dept) throw ApplicationFailure.nonRetryable(`the case's district has no active department of kind ${kind}`, 'UnknownDepartment');
    return dept;
  }

  /** Rule → who may act, at which unit and tier. */
  async function resolve(ruleText: string, tier: Tier, facts: CaseFacts, vars: Record<string, unknown>) {
    const rule = parseAssigneeRule(ruleText);
    // a case without a point yet: whatever the rule, its district's dispatchers and handlers place it
    if (facts.locateMe) {
      const unit = facts.units.DISTRICT;
      return { tier: 'DISTRICT' as Tier, orgUnitId: unit, departmentId: null, principals: [`unit:${unit}:DISPATCHER`, `unit:${unit}:HANDLER`] };
    }
    switch (rule.kind) {
      case 'tier': {
        const t = tierOf(rule.tier, tier);
        const unit = facts.units[t];
        return { tier: t, orgUnitId: unit, departmentId: null, principals: [`unit:${unit}:HANDLER`] };
      }
      case 'role': {
        const t = tierOf(rule.tier, tier);
        const unit = facts.units[t];
        return { tier: t, orgUnitId: unit, departmentId: null, principals: [`unit:${unit}:${ROLE_OF[rule.role]}`] };
      }
      case 'department':
      case 'departmentHome':
      case 'departmentVariable': {
        const kind = rule.kind === 'department' ? rule.department : rule.kind === 'departmentHome' ? facts.homeDepartment : (vars[rule.variable] as string | undefined);
        if (!kind || typeof kind !== 'string') {
          throw ApplicationFailure.nonRetryable(
            rule.kind === 'departmentHome' ? `category ${facts.category ?? '(none)'} has no home department` : `variable ${(rule as { variable: string }).variable} names no department`,
            'UnknownDepartment',
          );
        }
        const d = await department(kind, facts);
        return { tier: 'DISTRICT' as Tier, orgUnitId: d.orgUnitId, departmentId: d.id, principals: [`dept:${d.code}:HANDLER`] };
      }
      case 'reporter': {
        if (facts.reporter.userId !== null) return { tier: 'GRID' as Tier, orgUnitId: facts.units.GRID, departmentId: null, principals: [`user:${facts.reporter.userId}`] };
        return { tier: 'GRID' as Tier, orgUnitId: facts.units.GRID, departmentId: null, principals: [`unit:${facts.units.GRID}:GRID_WORKER`] };
      }
    }
  }

  async function principalsToUsers(tx: Prisma.TransactionClient, principals: string[]): Promise<number[]> {
    const ids = new Set<number>();
    for (const p of principals) {
      const [kind, a, b] = p.split(':');
      if (kind === 'user') ids.add(Number(a));
      else if (kind === 'unit') {
        const rows = await tx.membership.findMany({ where: { orgUnitId: Number(a), role: b as never, user: { active: true } }, select: { userId: true } });
        rows.forEach((r) => ids.add(r.userId));
      } else if (kind === 'dept') {
        const rows = await tx.membership.findMany({ where: { department: { code: a }, role: b as never, user: { active: true } }, select: { userId: true } });
        rows.forEach((r) => ids.add(r.userId));
      }
    }
    return [...ids].sort((x, y) => x - y);
  }

  return {
    async loadProcessModel(input: { processVersionId: number }): Promise<{ model: ProcessModel; version: number; key: string }> {
      const v = await prisma.processVersion.findUnique({ where: { id: input.processVersionId }, select: { model: true, version: true, definition: { select: { key: true } } } });
      if (!v) throw ApplicationFailure.nonRetryable(`process version ${input.processVersionId} does not exist`, 'UnknownProcessVersion');
      // trees for the conditions of a version deployed before they were compiled (process/condition.ts)
      return { model: withConditionTrees(v.model as unknown as ProcessModel), version: v.version, key: v.definition.key };
    },

    async prepareTask(input: PrepareTaskInput): Promise<TaskOpened> {
      const who = await resolve(input.rule, input.tier, input.facts, input.vars);
      // reporter and grid tasks are timed like the village tier
      const limit = await timeLimitOf(prisma, input.deadline, who.tier, input.facts.category);
      const [dueAt] = await deadlines.computeDeadlines({ specs: [{ start: input.now, duration: limit.duration, calendar: limit.calendar }] });
      const fractions = input.reminders.map((r) => (r.kind === 'fraction' ? { start: input.now, due: dueAt, fraction: r.fraction, calendar: limit.calendar } : null));
      const computed = await deadlines.computeDeadlines({ specs: fractions.filter((f): f is NonNullable<typeof f> => f !== null) });
      let k = 0;
      const reminderAts = input.reminders.map((r, i) => (fractions[i] ? computed[k++] : new Date(Date.parse(dueAt) - clockDurationMs((r as { duration: string }).duration)).toISOString()));
      return { ...who, dueAt, limit, reminderAts };
    },

    /** The facts a category gives a case (as at intake, domain/case-start.ts); null when the code names no active category. */
    async loadCategoryFacts(input: { code: string }): Promise<CategoryFacts | null> {
      const c = await prisma.category.findUnique({
        where: { code: input.code },
        select: { code: true, active: true, departmentKind: true, parent: { select: { code: true, departmentKind: true } } },
      });
      if (!c || !c.active) return null;
      return { category: c.code, categoryMajor: c.parent?.code ?? c.code, homeDepartment: c.departmentKind ?? c.parent?.departmentKind ?? null };
    },

    async computeTimes(input: { specs: TimeSpec[] }): Promise<string[]> {
      return deadlines.computeDeadlines({ specs: input.specs });
    },

    /** Writes one change in one transaction; idempotent on (caseId, firstSeq). Returns whether it wrote. */
    async applyCaseChange(change: CaseChange): Promise<{ written: boolean; lastSeq: number }> {
      const lastSeq = change.firstSeq + change.audit.length - 1;
      return prisma.$transaction(async (tx) => {
        /** hash of the last audit row this change writes */
        let head: string | undefined;
        if (change.create) {
          const c = change.create;
          const exists = await tx.case.findUnique({ where: { id: c.caseId }, select: { id: true } });
          if (!exists) {
            await tx.case.create({
              data: {
                id: c.caseId,
                description: c.description,
                address: c.address,
                categoryId: c.categoryId,
                processVersionId: c.processVersionId,
                lat: decimal(c.lat),
                lng: decimal(c.lng),
                sentCrs: c.sentCrs ?? null,
                sentLat: decimal(c.sentLat),
                sentLng: decimal(c.sentLng),
                zipcode: c.zipcode ?? null,
                mediaUrl: c.mediaUrl ?? null,
                gridId: c.gridId,
                villageId: change.facts.locateMe ? null : change.facts.units.VILLAGE,
                townshipId: change.facts.locateMe ? null : change.facts.units.TOWNSHIP,
                districtId: change.facts.units.DISTRICT,
                orgPath: c.orgPath,
                currentTier: change.facts.locateMe ? 'DISTRICT' : 'VILLAGE',
                currentUnitId: change.facts.locateMe ? change.facts.units.DISTRICT : change.facts.units.VILLAGE,
                channel: c.channel as never,
                reporterId: c.reporterId,
                reporterName: c.reporterName,
                reporterPhone: c.reporterPhone,
                severity: c.severity,
                duplicateOfId: c.duplicateOfId,
                possibleDuplicateOfId: c.possibleDuplicateOfId ?? null,
                reportedAt: new Date(c.reportedAt),
              },
            });
            if (c.attachments?.length) {
              await tx.attachment.createMany({
                data: c.attachments.map((a) => ({ ...a, caseId: c.caseId, uploadedById: c.reporterId, uploadedByName: c.reporterName ?? '', createdAt: new Date(c.reportedAt) })),
                skipDuplicates: true,
              });
            }
          }
        }
        if (change.audit.length) {
          const already = await tx.caseEvent.findUnique({ where: { caseId_seq: { caseId: change.caseId, seq: change.firstSeq } }, select: { id: true } });
          if (already) return { written: false, lastSeq };
          const prev =
            change.firstSeq === 1
              ? GENESIS_HASH
              : (await tx.caseEvent.findUnique({ where: { caseId_seq: { caseId: change.caseId, seq: change.firstSeq - 1 } }, select: { hash: true } }))?.hash;
          if (!prev) throw ApplicationFailure.retryable(`audit row ${change.firstSeq - 1} of case ${change.caseId} is not written yet`, 'AuditGap');
          let prevHash = prev;
          const rows = change.audit.map((a, i) => {
            const row = {
              caseId: change.caseId,
              seq: change.firstSeq + i,
              actorId: a.actor.userId,
              actorName: a.actor.name,
              action: a.action,
              fromStatus: a.fromStatus,
              toStatus: a.toStatus,
              tier: a.tier,
              reason: a.reason,
              payload: JSON.parse(JSON.stringify(a.payload)) as Prisma.InputJsonValue,
              createdAt: new Date(a.at),
            };
            const hash = eventHash(prevHash, row);
            const out = { ...row, tier: row.tier as never, prevHash, hash };
            prevHash = hash;
            return out;
          });
          await tx.caseEvent.createMany({ data: rows });
          // the chain head on the case row, in the same transaction: rows cut from the end no longer verify
          if (!change.snapshot) await tx.case.update({ where: { id: change.caseId }, data: { lastEventSeq: lastSeq, auditHeadHash: prevHash } });
          head = prevHash;
        }
        if (change.snapshot) {
          const s = change.snapshot;
          // 并案 links the case it was merged into; 立案 may classify an unclassified report
          const merged = s.status === 'MERGED' ? change.tasks.find((t) => t.state === 'COMPLETED' && typeof t.data?.duplicateOf === 'string') : undefined;
          const classifiedAs = change.tasks.find((t) => t.state === 'COMPLETED' && typeof t.data?.category === 'string')?.data?.category as string | undefined;
          const category = classifiedAs ? await tx.category.findUnique({ where: { code: classifiedAs }, select: { id: true } }) : null;
          await tx.case.update({
            where: { id: change.caseId },
            data: {
              status: s.status as never,
              statusLabel: s.statusLabel,
              currentTier: s.tier as never,
              currentUnitId: s.unitId,
              dueAt: s.dueAt ? new Date(s.dueAt) : null,
              closedTier: (s.closedTier as never) ?? null,
              closedAt: s.closedAt ? new Date(s.closedAt) : null,
              ...(s.acceptedAt ? { acceptedAt: new Date(s.acceptedAt) } : {}),
              ...(merged ? { duplicateOfId: String(merged.data!.duplicateOf).slice(0, 40) } : {}),
              ...(category ? { categoryId: category.id } : {}),
              ...(change.place ? placeData(change.place) : {}),
              ...(head ? { lastEventSeq: lastSeq, auditHeadHash: head } : {}),
            },
          });
        }
        for (const t of change.tasks) {
          if (t.orgUnitId === null) continue; // not dispatched yet
          const data = {
            elementId: t.elementId,
            name: t.name.slice(0, 200),
            candidateRule: t.rule.slice(0, 100),
            candidates: t.principals,
            assigneeId: t.assignee?.userId ?? null,
            tier: t.tier as never,
            orgUnitId: t.orgUnitId,
            departmentId: t.departmentId,
            state: t.state as never,
            priority: t.priority,
            dueAt: t.dueAt ? new Date(t.dueAt) : null,
            outcome: t.outcome,
            data: (t.data ?? undefined) as Prisma.InputJsonValue | undefined,
            claimedAt: t.claimedAt ? new Date(t.claimedAt) : null,
            completedAt: t.completedAt ? new Date(t.completedAt) : null,
          };
          // a new task has no inbox rows to replace: deleting none would still take a gap lock on
          // task_candidates, on which intakes of neighbouring case numbers then deadlock
          const existing = await tx.task.findUnique({ where: { id: t.taskId }, select: { id: true } });
          if (existing) {
            await tx.task.update({ where: { id: t.taskId }, data });
            await tx.taskCandidate.deleteMany({ where: { taskId: t.taskId } });
          } else {
            await tx.task.create({ data: { id: t.taskId, caseId: change.caseId, createdAt: new Date(t.createdAt), ...data } });
          }
          const principals = [...new Set([...t.principals, ...(t.assignee?.userId ? [`user:${t.assignee.userId}`] : [])])];
          await tx.taskCandidate.createMany({ data: principals.map((principal) => ({ taskId: t.taskId, principal, state: t.state as never, dueAt: t.dueAt ? new Date(t.dueAt) : null })) });
        }
        for (const a of change.approvals) {
          const data = {
            state: a.state as never,
            decidedById: a.decidedBy?.userId ?? null,
            decidedByName: a.decidedBy?.name ?? null,
            decidedAt: a.decidedAt ? new Date(a.decidedAt) : null,
            note: a.note,
          };
          await tx.approval.upsert({
            where: { id: a.id },
            create: {
              id: a.id,
              caseId: change.caseId,
              taskId: a.taskId,
              kind: a.kind as never,
              reason: a.reason,
              duration: a.duration,
              requestedById: a.requestedBy.userId,
              requestedByName: a.requestedBy.name,
              requestedAt: new Date(a.requestedAt),
              approverTier: a.approverTier as never,
              approverUnitId: a.approverUnitId,
              ...data,
            },
            update: data,
          });
        }
        for (const n of change.notifications) {
          let principals: string[];
          if ('principals' in n.to) principals = n.to.principals;
          else principals = (await resolve(n.to.rule, n.to.tier, change.facts, {})).principals;
          const users = await principalsToUsers(tx, principals);
          if (!users.length) continue;
          await tx.notification.createMany({
            data: users.map((userId) => ({
              dedupeKey: `case:${change.caseId}:${n.key}:user:${userId}`.slice(0, 191),
              userId,
              caseId: change.caseId,
              taskId: n.taskId,
              kind: n.kind,
              title: n.title.slice(0, 200),
              body: n.body,
              payload: { principals },
            })),
            skipDuplicates: true,
          });
        }
        return { written: true, lastSeq };
      });
    },
  };
}

export type { CaseActivities } from '../workflows/case-api';

const decimal = (x: number | null | undefined) => (x === null || x === undefined ? null : new Prisma.Decimal(x.toFixed(7)));

/** The case row's places and point once a case reported without a point is placed. */
function placeData(p: CasePlace) {
  return {
    gridId: p.gridId,
    villageId: p.units.VILLAGE,
    townshipId: p.units.TOWNSHIP,
    orgPath: p.orgPath,
    lat: decimal(p.lat),
    lng: decimal(p.lng),
    sentCrs: p.sent.crs,
    sentLat: decimal(p.sent.lat),
    sentLng: decimal(p.sent.lng),
  };
}
