/**
 * The token game: moves tokens until every one waits in an activity, a join or has ended. Each
 * element a token enters starts an instance (user tasks to be dispatched, service tasks, sub-
 * processes, catch events), passes it on, or ends it (end events, thrown escalations).
 */
import type { BoundaryEventModel, ElementModel } from '../model';
import { nextTier, type EngineCore } from './core';
import { fireInclusiveJoins, gateway } from './gateways';
import { cancelInstance, endCase, follow, leave, tokenEnded, triggerBoundary } from './lifecycle';
import { armBoundaries, armTimer } from './timer-arming';
import { SYSTEM_ACTOR, type Instance, type Token } from './types';

/** Moves tokens until every one waits in an activity, a join or has ended. */
export function run(engine: EngineCore): void {
  let guard = 0;
  for (;;) {
    while (engine.state.tokens.length) {
      if (++guard > 10_000) {
        engine.incident(engine.state.tokens[0].elementId, 'the process loops without waiting for anything');
        engine.state.tokens = [];
        break;
      }
      const token = engine.state.tokens.shift() as Token;
      if (token.scope !== null && !engine.state.instances[token.scope]) continue; // its scope was cancelled
      enter(engine, token);
    }
    if (!fireInclusiveJoins(engine)) break;
  }
}

export function enter(engine: EngineCore, token: Token): void {
  if (engine.state.ended) return;
  const el = engine.el(token.elementId);
  switch (el.type) {
    case 'startEvent':
      engine.setStatus(el);
      follow(engine, el, token.scope, token.prev);
      return;
    case 'endEvent':
      engine.setStatus(el);
      end(engine, el, token);
      return;
    case 'exclusiveGateway':
    case 'inclusiveGateway':
    case 'parallelGateway':
      gateway(engine, el, token);
      return;
    case 'userTask': {
      const inst = activate(engine, el, token, 'userTask', 'T', 'opening');
      inst.task = {
        taskId: `${engine.facts.caseId}/${inst.id}`,
        elementId: el.id,
        name: el.name ?? el.id,
        state: 'OPEN',
        rule: el.assignee,
        tier: engine.state.tier,
        orgUnitId: null,
        departmentId: null,
        principals: [],
        assignee: null,
        createdAt: engine.now,
        dueAt: null,
        limit: null,
        overdue: false,
        outcome: null,
        data: null,
        priority: el.priority,
        claimedAt: null,
        completedAt: null,
      };
      return;
    }
    case 'serviceTask':
      serviceInline(engine, activate(engine, el, token, 'serviceTask', 'S', 'running'));
      return;
    case 'subProcess': {
      const inst = activate(engine, el, token, 'subProcess', 'P', 'open');
      engine.state.tokens.push({ elementId: el.start, scope: inst.id, viaFlow: null, prev: token.prev });
      return;
    }
    case 'intermediateCatchEvent': {
      const inst = activate(engine, el, token, 'catchEvent', 'C', 'waiting');
      if (el.trigger.kind === 'timer') armTimer(engine, el.trigger.timer, 'catch', inst.id, el.id, engine.now);
      return;
    }
    case 'boundaryEvent':
      // reached only through its trigger
      follow(engine, el, token.scope, token.prev);
      return;
  }
}

/** The instance an activity or catch event runs as, its status applied and its boundary timers armed. */
export function activate(engine: EngineCore, el: ElementModel, token: Token, kind: Instance['kind'], prefix: string, state: Instance['state']): Instance {
  // 结案 writes its own transition, from the status the case had
  const closes = el.type === 'serviceTask' && el.action === 'close' && engine.patched('close-once');
  if (!closes) engine.setStatus(el);
  const inst: Instance = { id: engine.newId(prefix), elementId: el.id, scope: token.scope, kind, state, prev: token.prev };
  engine.state.instances[inst.id] = inst;
  armBoundaries(engine, inst);
  return inst;
}

/** Service actions that need no outside help run at once; the others wait for the workflow. */
export function serviceInline(engine: EngineCore, inst: Instance): void {
  const el = engine.el(inst.elementId);
  if (el.type !== 'serviceTask') return;
  switch (el.action) {
    case 'escalateTier': {
      const up = nextTier(engine.state.tier);
      const from = engine.state.tier;
      if (up) engine.moveTier(up);
      engine.audit('escalate', SYSTEM_ACTOR, null, null, up ? null : '已在最高层级', { element: el.id, fromTier: from, toTier: engine.state.tier });
      leave(engine, inst);
      return;
    }
    case 'rework':
      engine.state.reworkCount += 1;
      engine.state.vars.reworkCount = engine.state.reworkCount;
      engine.caseDirty = true;
      engine.audit('rework', SYSTEM_ACTOR, null, null, null, { element: el.id, reworkCount: engine.state.reworkCount });
      leave(engine, inst);
      return;
    case 'close': {
      const from = engine.state.status;
      engine.state.status = 'CLOSED';
      engine.state.statusLabel = el.statusLabel ?? engine.state.statusLabel;
      engine.state.closedTier = engine.state.tier;
      engine.state.closedAt = engine.now;
      engine.caseDirty = true;
      engine.audit('close', SYSTEM_ACTOR, from, 'CLOSED', null, { element: el.id, closedTier: engine.state.tier });
      leave(engine, inst);
      return;
    }
    case 'evaluate': {
      const onTime = engine.state.overdueCount === 0;
      engine.state.vars.onTime = onTime;
      engine.audit('evaluate', SYSTEM_ACTOR, null, null, null, {
        element: el.id,
        onTime,
        overdueCount: engine.state.overdueCount,
        reworkCount: engine.state.reworkCount,
        escalations: engine.state.escalations,
        closedTier: engine.state.closedTier ?? engine.state.tier,
      });
      leave(engine, inst);
      return;
    }
    default:
      return; // notify, handOver: the workflow calls serviceDone() (workflows/case.ts settle)
  }
}

export function end(engine: EngineCore, el: Extract<ElementModel, { type: 'endEvent' }>, token: Token): void {
  if (el.end.kind === 'terminate') {
    if (token.scope === null) {
      for (const inst of Object.values(engine.state.instances)) cancelInstance(engine, inst);
      engine.state.tokens = [];
      engine.state.joins = {};
      engine.audit('terminate', SYSTEM_ACTOR, null, null, null, { element: el.id });
      endCase(engine);
      return;
    }
    const sub = engine.state.instances[token.scope];
    if (!sub) return;
    for (const child of Object.values(engine.state.instances)) if (child.scope === sub.id) cancelInstance(engine, child);
    engine.state.tokens = engine.state.tokens.filter((t) => t.scope !== sub.id);
    engine.audit('terminate', SYSTEM_ACTOR, null, null, null, { element: el.id, scope: sub.elementId });
    leave(engine, sub);
    return;
  }
  if (el.end.kind === 'escalation') {
    const code = el.end.code;
    engine.audit('throwEscalation', SYSTEM_ACTOR, null, null, null, { element: el.id, code });
    // the nearest enclosing sub-process with a matching escalation boundary catches it
    let scopeId = token.scope;
    while (scopeId !== null) {
      const sub = engine.state.instances[scopeId];
      if (!sub) break;
      const subEl = engine.el(sub.elementId) as Extract<ElementModel, { type: 'subProcess' }>;
      const catcher = subEl.boundary
        .map((b) => engine.el(b) as BoundaryEventModel)
        .find((b) => b.trigger.kind === 'escalation' && (b.trigger.code === null || b.trigger.code === code));
      if (catcher) {
        if (!catcher.interrupting) tokenEnded(engine, token.scope);
        triggerBoundary(engine, catcher, sub);
        return;
      }
      scopeId = sub.scope;
    }
  }
  tokenEnded(engine, token.scope);
}

