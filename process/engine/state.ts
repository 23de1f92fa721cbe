/** A new case's engine state: at the village tier, REPORTED, with the case variables conditions read. */
import type { CaseFacts, EngineState } from './types';

export function newEngineState(facts: CaseFacts, initialVars: Record<string, unknown> = {}): EngineState {
  return {
    v: 1,
    nextId: 1,
    tokens: [],
    instances: {},
    joins: {},
    timers: {},
    approvals: [],
    vars: {
      category: facts.category,
      categoryMajor: facts.categoryMajor,
      severity: facts.severity,
      channel: facts.channel,
      tier: 'VILLAGE',
      outcome: null,
      reworkCount: 0,
      escalations: 0,
      overdue: false,
      ...initialVars,
    },
    tier: 'VILLAGE',
    status: 'REPORTED',
    statusLabel: null,
    department: null,
    ended: false,
    closedTier: null,
    closedAt: null,
    acceptedAt: null,
    reworkCount: 0,
    escalations: 0,
    overdueCount: 0,
    doneTasks: [],
    incidents: [],
  };
}
