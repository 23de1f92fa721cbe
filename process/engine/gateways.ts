/**
 * Gateways: an exclusive gateway takes the first flow whose condition holds (else its default), an
 * inclusive one every such flow, a parallel one all; parallel joins wait for every incoming flow,
 * inclusive joins until no other token of their scope can still reach them.
 */
import { conditionHolds } from '../condition';
import type { ElementModel } from '../model';
import type { EngineCore } from './core';
import { follow, tokenEnded } from './lifecycle';
import type { Token } from './types';

export function gateway(engine: EngineCore, el: Extract<ElementModel, { type: 'exclusiveGateway' | 'inclusiveGateway' | 'parallelGateway' }>, token: Token): void {
  const scope = token.scope;
  if (el.type !== 'exclusiveGateway' && el.incoming.length > 1) {
    const key = `${scope ?? ''}|${el.id}`;
    const join = (engine.state.joins[key] ??= { arrived: [], prev: null });
    join.arrived.push(token.viaFlow ?? '');
    join.prev = token.prev ?? join.prev;
    if (el.type === 'parallelGateway') {
      if (!el.incoming.every((f) => join.arrived.includes(f))) return;
      for (const f of el.incoming) join.arrived.splice(join.arrived.indexOf(f), 1);
      if (!join.arrived.length) delete engine.state.joins[key];
      split(engine, el, scope, join.prev);
    }
    // inclusive joins fire in fireInclusiveJoins() once nothing else can arrive
    return;
  }
  split(engine, el, scope, token.prev);
}

export function split(engine: EngineCore, el: Extract<ElementModel, { type: 'exclusiveGateway' | 'inclusiveGateway' | 'parallelGateway' }>, scope: string | null, prev: string | null): void {
  engine.setStatus(el);
  if (el.type === 'parallelGateway') {
    follow(engine, el, scope, prev);
    return;
  }
  const vars = engine.state.vars;
  const candidates = el.outgoing.filter((f) => f !== el.default);
  const taken: string[] = [];
  for (const f of candidates) {
    if (conditionHolds(engine.model.flows[f], vars)) {
      taken.push(f);
      if (el.type === 'exclusiveGateway') break;
    }
  }
  if (!taken.length && el.default) taken.push(el.default);
  if (!taken.length) {
    if (!el.outgoing.length) {
      tokenEnded(engine, scope);
      return;
    }
    engine.incident(el.id, 'no condition of the gateway holds and it has no default flow');
    return;
  }
  for (const f of taken) engine.state.tokens.push({ elementId: engine.model.flows[f].target, scope, viaFlow: f, prev });
}

/** Fires every inclusive join that no other token of its scope can still reach. */
export function fireInclusiveJoins(engine: EngineCore): boolean {
  let fired = false;
  for (const [key, join] of Object.entries(engine.state.joins)) {
    const [scopeKey, gatewayId] = key.split('|');
    const el = engine.el(gatewayId);
    if (el.type !== 'inclusiveGateway' || !join.arrived.length) continue;
    const scope = scopeKey === '' ? null : scopeKey;
    const upstream = upstreamOf(engine, gatewayId);
    const pending =
      Object.values(engine.state.instances).some((i) => i.scope === scope && upstream.has(i.elementId)) ||
      engine.state.tokens.some((t) => t.scope === scope && upstream.has(t.elementId)) ||
      Object.entries(engine.state.joins).some(([k, j]) => k !== key && k.startsWith(`${scopeKey}|`) && j.arrived.length > 0 && upstream.has(k.split('|')[1]));
    if (pending) continue;
    delete engine.state.joins[key];
    split(engine, el, scope, join.prev);
    fired = true;
  }
  return fired;
}

/** Elements of the same scope from which the gateway can be reached (not through itself). */
export function upstreamOf(engine: EngineCore, gatewayId: string): Set<string> {
  let set = engine.reach.get(gatewayId);
  if (set) return set;
  set = new Set();
  const queue = [gatewayId];
  const hostOf = new Map<string, string>();
  for (const e of Object.values(engine.model.elements)) if (e.type === 'boundaryEvent') hostOf.set(e.id, e.attachedTo);
  while (queue.length) {
    const id = queue.pop() as string;
    const el = engine.model.elements[id];
    if (!el) continue;
    const preds = el.incoming.map((f) => engine.model.flows[f].source);
    if (hostOf.has(id)) preds.push(hostOf.get(id) as string);
    for (const p of preds) {
      if (p === gatewayId || set.has(p)) continue;
      set.add(p);
      queue.push(p);
    }
  }
  engine.reach.set(gatewayId, set);
  return set;
}

