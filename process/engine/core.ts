/**
 * What every part of the engine shares: the model, the case's facts and state, the outbox the
 * workflow drains after each input, and the small steps every concern takes (look up an element,
 * number a new instance, write an audit row, notify, move the case's tier or status).
 *
 * The per-concern modules beside this file are functions over an EngineCore; Engine (engine.ts) is
 * an EngineCore whose public methods call them.
 */
import { FINAL_STATUSES, TIERS_UP, type CaseStatusCode, type ElementModel, type ProcessModel, type Tier } from '../model';
import { EngineError, SYSTEM_ACTOR, type Actor, type AuditRecord, type CaseFacts, type EnginePatch, type EngineState, type NotificationRecord, type TaskInfo } from './types';

/** The tier above, or null at the top. */
export const nextTier = (tier: Tier): Tier | null => {
  const i = TIERS_UP.indexOf(tier);
  return i >= 0 && i < TIERS_UP.length - 1 ? TIERS_UP[i + 1] : null;
};

export class EngineCore {
  outbox: AuditRecord[] = [];
  notifications: NotificationRecord[] = [];
  /** task ids whose projection row changed since the last flush */
  dirtyTasks = new Set<string>();
  dirtyApprovals = new Set<string>();
  caseDirty = false;
  /** the workflow time of the input being handled (each input sets it) */
  now = '';
  /** per inclusive gateway: the elements of its scope that can still reach it (gateways.ts) */
  readonly reach = new Map<string, Set<string>>();

  constructor(
    readonly model: ProcessModel,
    readonly facts: CaseFacts,
    public state: EngineState,
    /** whether a behaviour added later is on (the workflow answers with patched(); on by default) */
    readonly patched: (id: EnginePatch) => boolean = () => true,
  ) {}

  /** The model's element (a missing one is a broken model). */
  el(id: string): ElementModel {
    const el = this.model.elements[id];
    if (!el) throw new EngineError('MODEL', `element ${id} is not in the process model`);
    return el;
  }

  /** A new instance id: the prefix and the case's next number. */
  newId(prefix: string): string {
    return `${prefix}${this.state.nextId++}`;
  }

  /** Queues one audit row, at the case's tier and the input's time unless `where` says otherwise. */
  audit(
    action: string,
    actor: Actor,
    fromStatus: CaseStatusCode | null,
    toStatus: CaseStatusCode | null,
    reason: string | null,
    payload: Record<string, unknown>,
    where: { tier?: Tier; at?: string } = {},
  ): void {
    this.outbox.push({ action, actor, fromStatus, toStatus, tier: where.tier ?? this.state.tier, reason, payload, at: where.at ?? this.now });
  }

  /** Where a row of a task's own work happened: at the task's tier (patch `audit-task-tier`), else the case's. */
  atTask(task: TaskInfo): { tier?: Tier } {
    return this.patched('audit-task-tier') ? { tier: task.tier } : {};
  }

  /** Queues a notification. */
  notify(n: NotificationRecord): void {
    this.notifications.push(n);
  }

  /** A task's data and a message's payload become case variables, except those the engine owns. */
  mergeVars(data: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(data)) {
      if (['category', 'categoryMajor', 'tier', 'reworkCount', 'escalations', 'overdue', '__proto__', 'constructor', 'prototype'].includes(k)) continue;
      this.state.vars[k] = v;
    }
  }

  /** The case goes to another tier (escalation), counted. */
  moveTier(tier: Tier): void {
    this.state.tier = tier;
    this.state.vars.tier = tier;
    this.state.escalations += 1;
    this.state.vars.escalations = this.state.escalations;
    this.caseDirty = true;
  }

  /** The status and label an element carries (grid:status), a `status` row when the status changes. */
  setStatus(el: ElementModel): void {
    if (!el.status && !el.statusLabel) return;
    const from = this.state.status;
    if (el.status && el.status !== from) {
      this.state.status = el.status;
      if (from === 'REPORTED' && !FINAL_STATUSES.includes(el.status)) this.state.acceptedAt ??= this.now;
      this.audit('status', SYSTEM_ACTOR, from, el.status, null, { element: el.id, label: el.statusLabel });
    }
    if (el.statusLabel) this.state.statusLabel = el.statusLabel;
    this.caseDirty = true;
  }

  /** The process cannot go on at an element (no gateway condition holds, an endless loop). */
  incident(elementId: string, message: string): void {
    this.state.incidents.push({ elementId, message, at: this.now });
    this.audit('incident', SYSTEM_ACTOR, null, null, message, { element: elementId });
  }
}
