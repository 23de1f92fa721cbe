/**
 * The case workflow's contract: input, updates, signals and queries, shared by the workflow, the
 * API and the tests. Update ids are the callers' idempotency keys.
 */
import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CasePlace, CaseRowInput } from '../activities/cases';
import type { Actor, Approval, CaseFacts, EngineState, TaskInfo } from '../process/engine';
import type { CaseStatusCode, ProcessModel, Tier } from '../process/model';

export const CASE_WORKFLOW_TYPE = 'caseWorkflow';

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

/** 催办 by hand. */
export const urgeSignal = defineSignal<[{ actor: Actor; note?: string; taskId?: string }]>('urge');
/** 督办 by hand, optionally with a new deadline (ISO date-time) for the open tasks. */
export const superviseSignal = defineSignal<[{ actor: Actor; instruction: string; newDeadline?: string }]>('supervise');
/** A BPMN message (withdraw, intervene …) for the boundary and catch events waiting for it. */
export const messageSignal = defineSignal<[{ name: string; actor: Actor; data?: Record<string, unknown> }]>('message');

export const stateQuery = defineQuery<CaseView>('state');
