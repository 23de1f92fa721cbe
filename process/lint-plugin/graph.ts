/**
 * The checks over the compiled model's graph (rules reachable, reaches-end, gateway-default,
 * gateway-conditions, conditional-flow): every element reachable, every path able to reach an
 * end, gateways that cannot strand a case. Pure.
 */
import type { ElementModel, ProcessModel } from '../model';
import type { Finding, GridcaseRule } from './findings';

export function checkGraph(model: ProcessModel, typeOf: (id: string) => string): Finding[] {
  const issues: Finding[] = [];
  const err = (id: string, message: string, rule: GridcaseRule) => issues.push({ element: id, type: typeOf(id), message, severity: 'error', rule });
  const { elements, flows } = model;
  const targetsOf = (el: ElementModel) => el.outgoing.map((f) => flows[f]?.target).filter((t): t is string => !!t && !!elements[t]);

  // Reachable from the start: flows, sub-process starts, boundary events of reachable hosts.
  const reachable = new Set<string>();
  const queue = [model.start];
  while (queue.length) {
    const id = queue.pop() as string;
    if (reachable.has(id)) continue;
    reachable.add(id);
    const el = elements[id];
    if (!el) continue;
    queue.push(...targetsOf(el));
    if (el.type === 'subProcess' && el.start) queue.push(el.start);
    if ('boundary' in el) queue.push(...el.boundary);
  }
  for (const el of Object.values(elements)) {
    if (!reachable.has(el.id)) err(el.id, 'no path from the start reaches this element', 'reachable');
  }

  // Can reach an end: an end event, or (for elements inside a sub-process) the end of its scope.
  const completes = new Set<string>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const el of Object.values(elements)) {
      if (completes.has(el.id)) continue;
      const done =
        el.type === 'endEvent' ||
        targetsOf(el).some((t) => completes.has(t)) ||
        // an interrupting boundary that completes gives its host a way out
        ('boundary' in el && el.boundary.some((b) => completes.has(b) && (elements[b] as { interrupting?: boolean }).interrupting));
      if (done) {
        completes.add(el.id);
        changed = true;
      }
    }
  }
  for (const el of Object.values(elements)) {
    if (!reachable.has(el.id) || completes.has(el.id)) continue;
    if (el.type === 'boundaryEvent' && !el.interrupting && el.outgoing.length === 0) continue;
    err(el.id, 'no path from this element reaches an end event: the case would never close', 'reaches-end');
  }

  for (const el of Object.values(elements)) {
    const out = el.outgoing.map((f) => flows[f]).filter(Boolean);
    const conditional = out.filter((f) => f.condition !== null);
    if (el.type === 'exclusiveGateway' || el.type === 'inclusiveGateway') {
      if (out.length > 1 && conditional.length && !el.default) {
        err(el.id, 'the gateway has conditions but no default flow: a case whose data matches none of them would stop here; mark one flow as default', 'gateway-default');
      }
      if (out.length > 1 && conditional.length === 0 && !el.default) {
        err(el.id, 'the gateway splits without conditions: add a condition to every flow but one, and make that one the default', 'gateway-conditions');
      }
      if (el.default && flows[el.default]?.condition) err(el.default, 'a default flow takes no condition', 'gateway-default');
      for (const f of out) if (f.id !== el.default && f.condition === null && out.length > 1) err(f.id, 'a flow out of a deciding gateway needs a condition or to be the default', 'gateway-conditions');
    } else {
      for (const f of conditional) err(f.id, 'conditions belong on flows out of exclusive or inclusive gateways', 'conditional-flow');
    }
    if (el.type === 'parallelGateway' && el.default) err(el.id, 'a parallel gateway has no default flow', 'gateway-default');
  }
  return issues;
}
