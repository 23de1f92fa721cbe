/**
 * The case workflow's contract: every type the workflow, its activities, the API and the tests
 * exchange — the input, the case row and snapshot it writes, the activities it calls, its updates,
 * signals and queries. Update ids are the callers' idempotency keys.
 */
import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { DeadlineSpec as TimeSpec } from '../process/business-time';
import type { Actor, Approval, AuditRecord, CaseFacts, EngineState, NotificationRecord, TaskInfo, TaskOpened } from '../process/engine';
import type { CaseStatusCode, DeadlineSpec, ProcessModel, ReminderSpec, Tier } from '../process/model';

export const CASE_WORKFLOW_TYPE = 'caseWorkflow';

/** What the first change of a case writes into its row. */
export interface CaseRowInput {
  caseId: string;
  description: string;
  address: string | null;
  categoryId: number | null;
  processVersionId: number;
  /** WGS-84; null for a report without a point (facts.locateMe) */
  lat: number | null;
  lng: number | null;
  /** the point as it was sent */
  sentCrs?: 'WGS84' | 'GCJ02' | 'BD09';
  sentLat?: number;
  sentLng?: number;
  /** Open311: postal code and photo URL */
  zipcode?: string;
  mediaUrl?: string;
  gridId: number | null;
  orgPath: string;
  channel: string;
  reporterId: number | null;
  reporterName: string | null;
  reporterPhone: string | null;
  severity: number;
  reportedAt: string;
  duplicateOfId: string | null;
  /** an earlier case of the same category within 50 m and 24 h (flagged at intake) */
  possibleDuplicateOfId?: string | null;
  /** photos sent with the report (their bytes are already in the attachment store) */
  attachments?: IntakeAttachment[];
}

/** Where the 受理 task placed a case reported without a point (written with that change). */
export interface CasePlace {
  gridId: number;
  /** org path of the grid */
  orgPath: string;
  units: { TOWNSHIP: number; VILLAGE: number; GRID: number };
  /** WGS-84 */
  lat: number;
  lng: number;
  sent: { crs: 'WGS84' | 'GCJ02' | 'BD09'; lat: number; lng: number };
}

export interface IntakeAttachment {
  id: string;
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
  storageKey: string;
}

export interface CaseSnapshot {
  status: string;
  statusLabel: string | null;
  tier: Tier;
  unitId: number;
  dueAt: string | null;
  closedTier: Tier | null;
  closedAt: string | null;
  /** when 受理 took the case on (absent from snapshots of workflow code before it was carried) */
  acceptedAt?: string | null;
}

export interface CaseChange {
  caseId: string;
  /** seq of the first audit row of this change */
  firstSeq: number;
  create: CaseRowInput | null;
  audit: AuditRecord[];
  snapshot: CaseSnapshot | null;
  tasks: TaskInfo[];
  approvals: (Approval & { approverUnitId: number })[];
  notifications: NotificationRecord[];
  facts: CaseFacts;
  /** a case reported without a point is placed (its grid, village, township and point) */
  place?: CasePlace;
}

/** What a user task needs from the database before it opens: who, and until when. */
export interface PrepareTaskInput {
  facts: CaseFacts;
  rule: string;
  tier: Tier;
  deadline: DeadlineSpec;
  reminders: ReminderSpec[];
  vars: Record<string, unknown>;
  now: string;
}

/** The facts a category gives a case. */
export interface CategoryFacts {
  category: string;
  categoryMajor: string;
  homeDepartment: string | null;
}

/** The activities the case workflow calls (activities/cases.ts implements them). */
export interface CaseActivities {
  loadProcessModel(input: { processVersionId: number }): Promise<{ model: ProcessModel; version: number; key: string }>;
  prepareTask(input: PrepareTaskInput): Promise<TaskOpened>;
  /** null when the code names no active category */
  loadCategoryFacts(input: { code: string }): Promise<CategoryFacts | null>;
  computeTimes(input: { specs: TimeSpec[] }): Promise<string[]>;
  /** Writes one change in one transaction; idempotent on (caseId, firstSeq). Returns whether it wrote. */
  applyCaseChange(change: CaseChange): Promise<{ written: boolean; lastSeq: number }>;
}

export interface CaseWorkflowInput {
  caseId: string;
  processVersionId: number;
  /** the compiled model of that version (loaded by the workflow when absent) */
  model?: ProcessModel;
  facts: CaseFacts;
  /** the case row the first change creates */
  row: CaseRowInput;
  /** case variables known at intake (form fields of the report) */
  vars?: Record<string, unknown>;
  /** set when the case continues as new */
  carried?: CarriedState;
  /** continue-as-new after this many history events (default: when Temporal suggests it) */
  historyLimit?: number;
}

export interface CarriedState {
  engine: EngineState;
  /** seq of the last audit row written */
  seq: number;
  run: number;
}

export interface Actionable {
  taskId: string;
  actor: Actor;
}

export interface TaskActionResult {
  task: TaskInfo | null;
  case: CaseView;
}

export interface CaseView {
  caseId: string;
  status: CaseStatusCode;
  statusLabel: string | null;
  tier: Tier;
  unitId: number;
  ended: boolean;
  dueAt: string | null;
  activeElements: string[];
  tasks: TaskInfo[];
  approvals: Approval[];
  timers: { id: string; kind: string; elementId: string; fireAt: string | null }[];
  variables: Record<string, unknown>;
  processVersionId: number;
  reworkCount: number;
  escalations: number;
  overdueCount: number;
  closedTier: Tier | null;
  incidents: { elementId: string; message: string; at: string }[];
  run: number;
}

export const claimUpdate = defineUpdate<TaskActionResult, [Actionable]>('claim');
export const unclaimUpdate = defineUpdate<TaskActionResult, [Actionable]>('unclaim');
/** `place`: where a case reported without a point lies (the API resolves data.location to it). */
export const completeUpdate = defineUpdate<TaskActionResult, [Actionable & { outcome?: string; data?: Record<string, unknown>; place?: CasePlace }]>('complete');
export const escalateUpdate = defineUpdate<TaskActionResult, [Actionable & { reason: string }]>('escalate');
export const returnUpdate = defineUpdate<{ approval: Approval; case: CaseView }, [Actionable & { reason: string }]>('return');
export const extendUpdate = defineUpdate<{ approval: Approval; case: CaseView }, [Actionable & { duration: string; reason: string }]>('requestExtension');
/** 作废: asks the tier above to void the case. */
export const voidUpdate = defineUpdate<{ approval: Approval; case: CaseView }, [Actionable & { reason: string }]>('requestVoid');
/** 缓办: asks the tier above to defer the task's deadline by a duration. */
export const deferUpdate = defineUpdate<{ approval: Approval; case: CaseView }, [Actionable & { duration: string; reason: string }]>('requestDeferral');
/** The shape every request update shares (duration only for extension and deferral). */
export type RequestUpdate = UpdateDefinition<{ approval: Approval; case: CaseView }, [Actionable & { reason: string; duration?: string }]>;
export const decideUpdate = defineUpdate<{ approval: Approval; case: CaseView }, [{ approvalId: string; actor: Actor; approve: boolean; note?: string }]>('decideApproval');
export const commentUpdate = defineUpdate<{ case: CaseView }, [{ taskId?: string; actor: Actor; text: string }]>('comment');

/**
 * 撤回: the reporter withdraws a report that has not been dispatched yet (its status before
 * DISPATCHED); the case ends WITHDRAWN. Refused with NOT_REPORTER or ALREADY_DISPATCHED.
 */
export const withdrawUpdate = defineUpdate<{ case: CaseView }, [{ actor: Actor; reason: string }]>('withdraw');

/** What the case is once opened: its row and first task written (the intake answer's status and deadline). */
export interface CaseOpened {
  caseId: string;
  status: string;
  statusLabel: string | null;
  dueAt: string | null;
  /** the attachments written with the row (the input's: those of the request that started the case) */
  attachments: { id: string; fileName: string; mediaType: string; size: number; sha256: string }[];
}
/**
 * Sent with the workflow's start (update-with-start, by intake): answers once the case row and its
 * first task are written, so intake needs no polling. Added after the first release as a new
 * handler only: histories that never received it replay unchanged.
 */
export const openedUpdate = defineUpdate<CaseOpened, []>('opened');

/** 催办 by hand. */
export const urgeSignal = defineSignal<[{ actor: Actor; note?: string; taskId?: string }]>('urge');
/** 督办 by hand, optionally with a new deadline (ISO date-time) for the open tasks. */
export const superviseSignal = defineSignal<[{ actor: Actor; instruction: string; newDeadline?: string }]>('supervise');
/** A BPMN message (withdraw, intervene …) for the boundary and catch events waiting for it. */
export const messageSignal = defineSignal<[{ name: string; actor: Actor; data?: Record<string, unknown> }]>('message');

export const stateQuery = defineQuery<CaseView>('state');
