/**
 * Display names (English, the translate keys; Chinese in ../translate/grid-zh.ts) of the values
 * the grid: attributes take. The value lists themselves come from the engine (process/).
 */
import { CASE_STATUSES, SERVICE_ACTIONS, type CaseStatusCode, type ServiceAction } from '@process/model';
import { RULE_ROLES, TIER_REFS, type RuleRole, type TierRef } from '@process/assignee';
import type { SelectOption } from '@bpmn-io/properties-panel/dist/index.esm.js';
import type { Translate } from './util';

export const STATUS_NAMES: Record<CaseStatusCode, string> = {
  REPORTED: 'Reported',
  ACCEPTED: 'Accepted',
  REJECTED: 'Rejected',
  REGISTERED: 'Registered',
  DISPATCHED: 'Dispatched',
  IN_PROGRESS: 'In progress',
  AWAITING_VERIFICATION: 'Awaiting verification',
  CLOSED: 'Closed',
  VOIDED: 'Voided',
  WITHDRAWN: 'Withdrawn',
  MERGED: 'Merged',
};

export const ACTION_NAMES: Record<ServiceAction, string> = {
  notify: 'Notify',
  escalateTier: 'Escalate one tier',
  handOver: 'Hand over to a department',
  rework: 'Count a rework',
  evaluate: 'Evaluate',
  close: 'Close the case',
};

export const ACTION_DESCRIPTIONS: Record<ServiceAction, string> = {
  notify: 'Sends the message to everyone the target reaches.',
  escalateTier: 'Moves the case one tier up its org path; tier-based tasks after it go to the new tier.',
  handOver: 'Hands the case to the target department and records it.',
  rework: 'Counts one rework and records it.',
  evaluate: 'Records the evaluation: on time or overdue, rework count, the tier it closed at.',
  close: 'Closes the case at its current tier.',
};

export const ROLE_NAMES: Record<RuleRole, string> = {
  administrator: 'Administrators',
  dispatcher: 'Dispatchers',
  handler: 'Handlers',
  grid_worker: 'Grid workers',
  supervisor: 'Supervisors',
  auditor: 'Auditors',
};

export const TIER_NAMES: Record<TierRef, string> = {
  current: 'Current tier',
  parent: 'Parent tier',
  village: 'Village / community',
  township: 'Township / street',
  district: 'District / county',
  city: 'City',
};

/** Org unit level of each absolute tier (OrgUnitOption.level). */
export const TIER_LEVELS: Record<Exclude<TierRef, 'current' | 'parent'>, string> = {
  village: 'VILLAGE',
  township: 'TOWNSHIP',
  district: 'DISTRICT',
  city: 'CITY',
};

export const CALENDARS = ['clock', 'workingHours', 'workingDays'] as const;
export type CalendarName = (typeof CALENDARS)[number];
export const CALENDAR_NAMES: Record<CalendarName, string> = {
  clock: 'Clock time',
  workingHours: 'Working hours',
  workingDays: 'Working days',
};

/** Outcomes offered in the outcome picker (any other name can still be typed). */
export const COMMON_OUTCOMES: Record<string, string> = {
  done: 'Done',
  accept: 'Accept',
  reject: 'Reject',
  duplicate: 'Duplicate',
  pass: 'Pass',
  fail: 'Fail',
  escalate: 'Escalate',
  cannotHandle: 'Cannot handle',
  approve: 'Approve',
  deny: 'Deny',
  agreed: 'Agreed',
  failed: 'Failed',
  responded: 'Responded',
};

export function statusOptions(t: Translate, current: string): SelectOption[] {
  const options: SelectOption[] = [{ value: '', label: t('(unchanged)') }, ...CASE_STATUSES.map((s) => ({ value: s, label: `${t(STATUS_NAMES[s])} · ${s}` }))];
  if (current && !(CASE_STATUSES as readonly string[]).includes(current)) options.push({ value: current, label: t('{value} (not valid)', { value: current }) });
  return options;
}

export function actionOptions(t: Translate, current: string): SelectOption[] {
  const options: SelectOption[] = [{ value: '', label: t('(choose)') }, ...SERVICE_ACTIONS.map((a) => ({ value: a, label: t(ACTION_NAMES[a]) }))];
  if (current && !(SERVICE_ACTIONS as readonly string[]).includes(current)) options.push({ value: current, label: t('{value} (not valid)', { value: current }) });
  return options;
}

export function calendarOptions(t: Translate, current: string): SelectOption[] {
  const options: SelectOption[] = CALENDARS.map((c) => ({ value: c, label: t(CALENDAR_NAMES[c]) }));
  if (current && !(CALENDARS as readonly string[]).includes(current)) options.push({ value: current, label: t('{value} (not valid)', { value: current }) });
  return options;
}

export function roleOptions(t: Translate): SelectOption[] {
  return RULE_ROLES.map((r) => ({ value: r, label: t(ROLE_NAMES[r]) }));
}

export function tierOptions(t: Translate, tiers: readonly TierRef[] = TIER_REFS): SelectOption[] {
  return tiers.map((tier) => ({ value: tier, label: t(TIER_NAMES[tier]) }));
}

export function outcomeLabel(t: Translate, outcome: string): string {
  return Object.hasOwn(COMMON_OUTCOMES, outcome) ? `${t(COMMON_OUTCOMES[outcome])} · ${outcome}` : outcome;
}
