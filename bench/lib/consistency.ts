/**
 * Whether a closed loop of "report → 受理 → reject" cases lost or duplicated anything: the
 * judgment on what MySQL and Temporal hold, given what the load generator was answered (pure; the
 * scale-out section reads the rows and calls it).
 */

export interface CaseFacts {
  /** every id POST /api/cases answered, with how many times it was answered */
  answered: Map<string, number>;
  /** answered cases whose loop failed before the reject was answered */
  leftOpen: Set<string>;
  /** case rows carrying the run's tag (a row twice would be a duplicate) */
  rows: { id: string; status: string }[];
  /** the task rows of the answered cases */
  tasks: { caseId: string; elementId: string; state: string; outcome: string | null }[];
  /** audit verification of each answered case found in MySQL */
  audit: Map<string, { intact: boolean; rows: number; reason?: string }>;
  /** the Temporal status of each answered case's workflow (NOT_FOUND when there is none) */
  workflows: Map<string, string>;
}

export interface Consistency {
  reported: number;
  leftOpen: number;
  /** answered, but no case row */
  missing: string[];
  /** answered more than once, or more than one row */
  duplicated: string[];
  /** a tagged row no POST answered (a write whose answer was lost, or a duplicate intake) */
  unanswered: string[];
  /** not REJECTED (a case left open: neither REPORTED nor REJECTED), or its 受理 task not completed with reject */
  wrongStatus: string[];
  /** not exactly one task row, the 受理 task (Task_Accept) */
  duplicateTasks: string[];
  auditBroken: string[];
  /** a rejected case's workflow not COMPLETED, an open one's not RUNNING */
  workflowsWrong: string[];
  workflowStatuses: Record<string, number>;
}

export const ACCEPT_TASK = 'Task_Accept';

export function judgeCases(f: CaseFacts): Consistency {
  const ids = [...f.answered.keys()];
  const byId = new Map<string, { count: number; status: string }>();
  for (const r of f.rows) byId.set(r.id, { count: (byId.get(r.id)?.count ?? 0) + 1, status: r.status });
  const tasksOf = new Map<string, CaseFacts['tasks']>();
  for (const t of f.tasks) tasksOf.set(t.caseId, [...(tasksOf.get(t.caseId) ?? []), t]);
  const rejected = (id: string) => byId.get(id)?.status === 'REJECTED';

  const missing = ids.filter((id) => !byId.has(id));
  const duplicated = ids.filter((id) => f.answered.get(id)! > 1 || (byId.get(id)?.count ?? 0) > 1);
  const unanswered = [...byId.keys()].filter((id) => !f.answered.has(id));
  const wrongStatus: string[] = [];
  const duplicateTasks: string[] = [];
  const auditBroken: string[] = [];
  const workflowsWrong: string[] = [];
  const workflowStatuses: Record<string, number> = {};
  for (const id of ids) {
    const row = byId.get(id);
    if (!row) continue;
    // a case whose loop failed is still at 受理 (REPORTED), or was rejected after all (the answer was lost)
    if (!rejected(id) && !(f.leftOpen.has(id) && row.status === 'REPORTED')) wrongStatus.push(`${id} ${row.status}`);
    const tasks = tasksOf.get(id) ?? [];
    if (tasks.length !== 1 || tasks[0].elementId !== ACCEPT_TASK) duplicateTasks.push(`${id} (${tasks.map((t) => t.elementId).join(', ') || 'no task'})`);
    else if (rejected(id) && (tasks[0].state !== 'COMPLETED' || tasks[0].outcome !== 'reject')) wrongStatus.push(`${id} (task ${tasks[0].state} ${tasks[0].outcome ?? ''})`);
    const audit = f.audit.get(id);
    if (!audit || !audit.intact || audit.rows === 0) auditBroken.push(`${id}: ${audit?.reason ?? (audit ? 'no rows' : 'not verified')}`);
  }
  for (const id of ids) {
    const status = f.workflows.get(id) ?? 'NOT_FOUND';
    workflowStatuses[status] = (workflowStatuses[status] ?? 0) + 1;
    const expected = rejected(id) ? 'COMPLETED' : f.leftOpen.has(id) ? 'RUNNING' : 'COMPLETED';
    if (status !== expected) workflowsWrong.push(`${id} ${status}`);
  }
  return { reported: ids.length, leftOpen: f.leftOpen.size, missing, duplicated, unanswered, wrongStatus, duplicateTasks, auditBroken, workflowsWrong, workflowStatuses };
}

/** how many problems of any kind */
export function problemCount(c: Consistency): number {
  return c.missing.length + c.duplicated.length + c.unanswered.length + c.wrongStatus.length + c.duplicateTasks.length + c.auditBroken.length + c.workflowsWrong.length;
}
