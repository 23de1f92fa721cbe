/** 撤回: the reporter takes back a report that has not been dispatched yet. */
import type { EngineCore } from './core';
import { cancelInstance, endCase } from './lifecycle';
import { EngineError, WITHDRAWABLE_STATUSES, type Actor } from './types';

/**
 * 撤回 by the reporter while the report has not been dispatched yet (its status has not reached
 * DISPATCHED: 受理 and 立案 are still the centre's own work): every open element is cancelled
 * and the case ends as WITHDRAWN, whatever the diagram draws. Once dispatched, only a message
 * boundary the diagram draws (e.g. `withdraw` on 处置) can take a withdrawal.
 */
export function validateWithdraw(engine: EngineCore, actor: Actor): void {
  if (engine.facts.reporter.userId === null || actor.userId !== engine.facts.reporter.userId) throw new EngineError('NOT_REPORTER', 'only the reporter may withdraw the case');
  if (!WITHDRAWABLE_STATUSES.includes(engine.state.status)) throw new EngineError('ALREADY_DISPATCHED', `the case has been dispatched (${engine.state.status}): it can no longer be withdrawn`);
}

export function withdraw(engine: EngineCore, actor: Actor, reason: string, now: string): void {
  engine.now = now;
  validateWithdraw(engine, actor);
  for (const inst of Object.values(engine.state.instances)) cancelInstance(engine, inst);
  engine.state.tokens = [];
  engine.state.joins = {};
  const from = engine.state.status;
  engine.state.status = 'WITHDRAWN';
  engine.state.statusLabel = '已撤回';
  engine.audit('withdraw', actor, from, 'WITHDRAWN', reason, {});
  endCase(engine);
}

