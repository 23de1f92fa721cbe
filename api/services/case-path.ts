/**
 * A case's route through its process version (GET /api/cases/{id}/path), rebuilt from what was
 * recorded: the task rows (one per visit of a user task: dispatched, finished, at which tier and
 * unit, by whom, with which outcome) and the audit trail (the start, service tasks, boundary and
 * catch events, escalations). Gateways, sub-processes and end events leave no row of their own:
 * they are inferred as the elements and sequence flows the token must have passed between two
 * recorded visits (the shortest way from one to the next through unrecorded elements only).
 * Pure: the service (case-page.ts) reads the rows and names the units.
 */
import { evaluateCondition } from '../../process/feel';
import type { BoundaryEventModel, ElementModel, EndEventModel, ProcessModel, Tier } from '../../process/model';

export interface Ref {
  id: number;
  name: string;
}

/** A task row of the case (ids as recorded, DC-…/T1). */
export interface PathTask {
  id: string;
  elementId: string;
  state: string;
  tier: Tier;
  unit: Ref | null;
  department: Ref | null;
  assignee: Ref | null;
  createdAt: Date;
  completedAt: Date | null;
  dueAt: Date | null;
  outcome: string | null;
}

/** An audit row of the case. */
export interface PathEvent {
  seq: number;
  at: Date;
  action: string;
  actorId: number | null;
  actorName: string;
  tier: Tier | null;
  reason: string | null;
  payload: Record<string, unknown>;
}

export type VisitState = 'ACTIVE' | 'COMPLETED' | 'ESCALATED' | 'RETURNED' | 'CANCELLED' | 'PASSED';

export interface PathVisit {
  enteredAt: string;
  leftAt: string | null;
  state: VisitState;
  tier: Tier | null;
  unit: Ref | null;
  department: Ref | null;
  /** who acted: completed or escalated the task, sent the message; the system (id null) for automatic steps; null when nobody did */
  actor: { id: number | null; name: string } | null;
  outcome: string | null;
  /** the task row's id as recorded (DC-…/T1); the service shows it as the API does */
  taskId: string | null;
  dueAt: string | null;
  overdue: boolean;
  /** how the token came here: along sequence flows, re-dispatched one tier up (escalated), sent back (returned), a boundary event firing, or the start */
  via: 'start' | 'flow' | 'escalated' | 'returned' | 'boundary' | 'unknown';
  /** true for elements that leave no row (gateways, sub-processes, end events): their visit is inferred from the flows between recorded ones */
  inferred: boolean;
}

export interface PathElement {
  elementId: string;
  type: ElementModel['type'];
  name: string | null;
  visits: PathVisit[];
}

export interface EscalationHop {
  seq: number;
  at: string;
  fromTier: Tier;
  toTier: Tier;
  fromUnit: Ref | null;
  toUnit: Ref | null;
  /** the element the case went up from: the user task (无力处置 by hand) or the escalating service task */
  elementId: string;
  /** who escalated: the handler (by hand, or whose "cannot handle" outcome led to it); the system for a deadline */
  actor: { id: number | null; name: string };
  automatic: boolean;
  reason: string | null;
  /** the boundary event that led to an automatic escalation (a deadline timer, a "cannot handle" escalation) */
  trigger: { elementId: string; name: string | null } | null;
}

export interface CasePathResult {
  elements: PathElement[];
  flows: string[];
  active: string[];
  escalations: EscalationHop[];
}

export interface CasePathInput {
  model: ProcessModel;
  tasks: PathTask[];
  events: PathEvent[];
  /** whether the case has ended, and when */
  ended: { status: string; at: Date } | null;
  /** the unit a tier of this case stands for */
  unitOf: (tier: Tier | null) => Ref | null;
  /** the elements the workflow reports active (null: derive them from the open tasks) */
  activeElements?: string[] | null;
}

interface Visit {
  elementId: string;
  kind: 'task' | 'row' | 'inferred';
  /** order keys: audit seqs (inferred ones sit between the seqs of the visits they join) */
  enter: number;
  leave: number | null;
  enteredAt: Date;
  leftAt: Date | null;
  state: VisitState;
  tier: Tier | null;
  unit: Ref | null;
  department: Ref | null;
  actor: { id: number | null; name: string } | null;
  outcome: string | null;
  taskId: string | null;
  dueAt: Date | null;
  overdue: boolean;
  via: PathVisit['via'];
  /** how many successors took this visit as their predecessor along flows */
  used: number;
}

interface Step {
  flow: string | null;
  node: string;
  /** the sub-process this step enters (the node is its start event) */
  into?: string;
  /** the sub-process this step leaves (from one of its end events) */
  leaving?: string;
}

const PASS_THROUGH: ReadonlySet<string> = new Set(['exclusiveGateway', 'parallelGateway', 'inclusiveGateway', 'startEvent', 'endEvent']);
const ENDING_ROWS = new Set(['void', 'terminate', 'withdraw', 'end']);

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const FEEL_WORDS = new Set(['and', 'or', 'not', 'true', 'false', 'null', 'in', 'between', 'if', 'then', 'else', 'for', 'some', 'every', 'satisfies', 'return', 'instance', 'of']);

/**
 * Whether a flow's condition held, from the variables known at that moment (the last outcome, how
 * often the case was reworked and escalated, whether it was overdue); null when it names anything
 * else (form data, severity …): then the flow may have been taken.
 */
function verdict(condition: string, vars: Record<string, unknown>): boolean | null {
  const names = condition.replace(/"(?:[^"\\]|\\.)*"/g, '').match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
  if (names.some((n) => !FEEL_WORDS.has(n) && !(n in vars))) return null;
  return evaluateCondition(condition, vars);
}
const actorOf = (e: PathEvent) => ({ id: e.actorId, name: e.actorName });

export function casePath(input: CasePathInput): CasePathResult {
  const { model, events } = input;
  const el = (id: string): ElementModel | undefined => model.elements[id];
  const scopesOf = (id: string): string[] => {
    const out: string[] = [];
    for (let s = el(id)?.scope ?? null; s; s = el(s)?.scope ?? null) out.push(s);
    return out;
  };
  const rows = [...events].sort((a, b) => a.seq - b.seq);
  const byTask = (action: string) => {
    const m = new Map<string, PathEvent>();
    for (const r of rows) if (r.action === action && typeof r.payload.taskId === 'string' && !m.has(r.payload.taskId)) m.set(r.payload.taskId, r);
    return m;
  };
  const dispatched = byTask('dispatchTask');
  const completed = byTask('complete');
  const escalatedBy = byTask('escalate');
  const returnedBy = byTask('return');
  const overdueTasks = new Set(rows.filter((r) => r.action === 'overdue' && typeof r.payload.taskId === 'string').map((r) => r.payload.taskId as string));

  // --- recorded visits ----------------------------------------------------------------------
  const visits: Visit[] = [];
  const base = (elementId: string, kind: Visit['kind'], enter: number, at: Date): Visit => ({
    elementId,
    kind,
    enter,
    leave: enter,
    enteredAt: at,
    leftAt: at,
    state: 'COMPLETED',
    tier: null,
    unit: null,
    department: null,
    actor: null,
    outcome: null,
    taskId: null,
    dueAt: null,
    overdue: false,
    via: 'unknown',
    used: 0,
  });

  for (const t of input.tasks) {
    if (!el(t.elementId)) continue;
    const enterRow = dispatched.get(t.id);
    const enter = enterRow?.seq ?? Math.max(0, ...rows.filter((r) => r.at <= t.createdAt).map((r) => r.seq)) + 0.5;
    const v = base(t.elementId, 'task', enter, t.createdAt);
    Object.assign(v, { tier: t.tier, unit: t.unit, department: t.department, outcome: t.outcome, taskId: t.id, dueAt: t.dueAt, overdue: overdueTasks.has(t.id), leftAt: t.completedAt, actor: t.assignee });
    let leaving: PathEvent | undefined;
    switch (t.state) {
      case 'COMPLETED':
        leaving = completed.get(t.id);
        break;
      case 'ESCALATED':
        leaving = escalatedBy.get(t.id);
        break;
      case 'RETURNED':
        leaving = returnedBy.get(t.id);
        break;
      case 'CANCELLED': {
        const hosts = new Set([t.elementId, ...scopesOf(t.elementId)]);
        leaving = rows.find((r) => r.seq > enter && ((r.action === 'boundary' && hosts.has(String(r.payload.host)) && r.payload.interrupting !== false) || ENDING_ROWS.has(r.action)));
        break;
      }
    }
    if (t.state === 'OPEN' || t.state === 'CLAIMED') {
      Object.assign(v, { state: 'ACTIVE', leave: null, leftAt: null });
    } else {
      v.state = (['COMPLETED', 'ESCALATED', 'RETURNED'].includes(t.state) ? t.state : 'CANCELLED') as VisitState;
      v.leave = leaving?.seq ?? enter;
      v.leftAt = t.completedAt ?? leaving?.at ?? t.createdAt;
      if (leaving && leaving.actorId !== null && t.state !== 'CANCELLED') v.actor = actorOf(leaving);
    }
    visits.push(v);
  }

  for (const r of rows) {
    const id = typeof r.payload.element === 'string' ? r.payload.element : null;
    const e = id ? el(id) : undefined;
    if (!e || !id) continue;
    const recorded =
      (e.type === 'serviceTask' && r.action !== 'status' && r.action !== 'incident') ||
      (e.type === 'boundaryEvent' && r.action === 'boundary') ||
      (e.type === 'intermediateCatchEvent' && (r.action === 'timer' || r.action === 'message')) ||
      (e.type === 'startEvent' && r.action === 'report' && id === model.start);
    if (!recorded) continue;
    const v = base(id, 'row', r.seq, r.at);
    v.tier = r.tier;
    v.unit = input.unitOf(r.tier);
    v.actor = actorOf(r);
    if (e.type === 'boundaryEvent') {
      // a message boundary: who sent the message (its row comes just before)
      const msg = rows.find((m) => m.action === 'message' && m.payload.element === id && m.seq < r.seq && m.seq >= r.seq - 2);
      if (msg) v.actor = actorOf(msg);
    }
    if (id === model.start) v.via = 'start';
    visits.push(v);
  }
  visits.sort((a, b) => a.enter - b.enter);

  // --- how each visit was reached -------------------------------------------------------------
  const flows = new Set<string>();
  const inferred: Visit[] = [];
  /** sub-process entries and exits, in order */
  const subEvents: { key: number; at: Date; sub: string; kind: 'enter' | 'leave'; state?: VisitState }[] = [];

  const continuesByFlow = (x: Visit) => x.kind === 'row' || (x.kind === 'task' && x.state === 'COMPLETED');

  /** BFS from an element through unrecorded elements; `goal` decides on each element reached. */
  /** The variables the conditions saw when the token left the visit. */
  const varsAt = (x: Visit): Record<string, unknown> => {
    const upTo = rows.filter((r) => r.seq <= (x.leave ?? x.enter));
    const lastDone = visits.filter((v) => v.kind === 'task' && v.state === 'COMPLETED' && (v.leave ?? 0) <= (x.leave ?? x.enter)).sort((a, b) => (b.leave ?? 0) - (a.leave ?? 0))[0];
    return {
      outcome: lastDone?.outcome ?? null,
      reworkCount: upTo.filter((r) => r.action === 'rework').length,
      escalations: upTo.filter((r) => r.action === 'escalate' && r.payload.fromTier !== r.payload.toTier).length,
      overdue: upTo.some((r) => r.action === 'overdue'),
    };
  };

  /** The flows out of a deciding gateway that may have been taken, given the variables. */
  const mayTake = (g: ElementModel, vars: Record<string, unknown>): string[] => {
    if (g.type !== 'exclusiveGateway' && g.type !== 'inclusiveGateway') return g.outgoing;
    const held = new Map(g.outgoing.map((f) => [f, model.flows[f].condition === null ? (f === g.default ? null : true) : verdict(model.flows[f].condition as string, vars)]));
    const someHeld = [...held.entries()].some(([f, v]) => f !== g.default && v === true);
    return g.outgoing.filter((f) => (f === g.default ? !someHeld : held.get(f) !== false));
  };

  const search = (from: string, goal: (node: string, flow: string | null) => boolean, vars: Record<string, unknown> = {}): Step[] | null => {
    const parent = new Map<string, { prev: string; step: Step }>();
    const seen = new Set<string>([from]);
    const queue = [from];
    const edges = (x: string): Step[] => {
      const e = el(x);
      if (!e) return [];
      if (e.type === 'endEvent') {
        const end = (e as EndEventModel).end;
        if (end.kind === 'escalation') {
          for (const s of scopesOf(x)) {
            const sub = el(s);
            const catchers = sub && 'boundary' in sub ? sub.boundary.filter((b) => {
              const be = el(b) as BoundaryEventModel | undefined;
              return be?.trigger.kind === 'escalation' && (be.trigger.code === null || be.trigger.code === end.code);
            }) : [];
            if (catchers.length) return catchers.map((b) => ({ flow: null, node: b }));
          }
          return [];
        }
        if (e.scope === null) return [];
        const sub = el(e.scope);
        return (sub?.outgoing ?? []).map((f) => ({ flow: f, node: model.flows[f].target, leaving: e.scope as string }));
      }
      return mayTake(e, vars).map((f) => {
        const target = el(model.flows[f].target);
        if (target?.type === 'subProcess') return { flow: f, node: target.start, into: target.id };
        return { flow: f, node: model.flows[f].target };
      });
    };
    while (queue.length) {
      const x = queue.shift() as string;
      for (const step of edges(x)) {
        if (goal(step.node, step.flow)) {
          const path = [step];
          for (let at = x; at !== from; ) {
            const p = parent.get(at) as { prev: string; step: Step };
            path.unshift(p.step);
            at = p.prev;
          }
          return path;
        }
        const n = el(step.node);
        if (!n || seen.has(step.node) || !PASS_THROUGH.has(n.type)) continue;
        seen.add(step.node);
        parent.set(step.node, { prev: x, step });
        queue.push(step.node);
      }
    }
    return null;
  };

  const isSplit = (steps: Step[]) => steps.some((s) => {
    const e = el(s.node);
    return !!e && (e.type === 'parallelGateway' || e.type === 'inclusiveGateway') && e.outgoing.length > 1;
  });

  /** Takes a path: its flows, the unrecorded elements on it (all but `last` when it is recorded), the sub-processes it enters and leaves. */
  const passed = new Map<Visit, Set<string>>();
  const take = (steps: Step[], from: Visit, key: number, includeLast: boolean) => {
    const at = from.leftAt ?? from.enteredAt;
    const seenFrom = passed.get(from) ?? new Set<string>();
    passed.set(from, seenFrom);
    steps.forEach((s, i) => {
      if (s.flow) flows.add(s.flow);
      if (s.leaving) subEvents.push({ key: key - 0.4 + i * 0.001, at, sub: s.leaving, kind: 'leave', state: 'COMPLETED' });
      if (s.into) subEvents.push({ key: key - 0.3 + i * 0.001, at, sub: s.into, kind: 'enter' });
      const last = i === steps.length - 1;
      // a split: the branches share the way up to it
      if ((last && !includeLast) || seenFrom.has(s.node)) return;
      seenFrom.add(s.node);
      const v = base(s.node, 'inferred', key - 0.2 + i * 0.001, at);
      Object.assign(v, { state: 'PASSED', via: 'flow' });
      inferred.push(v);
    });
  };

  const redispatched = new Set<Visit>();
  for (const v of visits) {
    if (v.via === 'start') continue;
    const e = el(v.elementId) as ElementModel;
    const earlier = visits.filter((x) => x !== v && x.enter < v.enter);
    // re-dispatched at the same task one tier up (无力处置 by hand), or sent back to it (回退)
    if (v.kind === 'task') {
      const up = earlier.filter((x) => x.kind === 'task' && x.elementId === v.elementId && x.state === 'ESCALATED' && !redispatched.has(x) && (x.leave ?? 0) <= v.enter).pop();
      if (up) {
        redispatched.add(up);
        v.via = 'escalated';
        continue;
      }
      const back = earlier.filter((x) => x.kind === 'task' && x.state === 'RETURNED' && !redispatched.has(x) && (x.leave ?? 0) <= v.enter && returnedBy.get(x.taskId ?? '')?.payload.to === v.elementId).pop();
      if (back) {
        redispatched.add(back);
        v.via = 'returned';
        continue;
      }
    }
    // a timer or message boundary fires on what runs in its host
    if (e.type === 'boundaryEvent' && e.trigger.kind !== 'escalation') {
      v.via = 'boundary';
      if (e.interrupting && el(e.attachedTo)?.type === 'subProcess') subEvents.push({ key: v.enter - 0.5, at: v.enteredAt, sub: e.attachedTo, kind: 'leave', state: 'CANCELLED' });
      continue;
    }
    // along sequence flows, from the latest visit that left before this one came and can reach it
    const candidates = earlier.filter((x) => continuesByFlow(x) && x.leave !== null && x.leave <= v.enter).sort((a, b) => (b.leave as number) - (a.leave as number) || b.enter - a.enter);
    let found: { from: Visit; steps: Step[] } | null = null;
    for (const pass of [0, 1]) {
      for (const x of candidates) {
        if ((pass === 0) !== (x.used === 0)) continue;
        const steps = search(x.elementId, (node) => node === v.elementId, varsAt(x));
        if (!steps || (pass === 1 && !isSplit(steps))) continue;
        found = { from: x, steps };
        break;
      }
      if (found) break;
    }
    if (!found) continue;
    found.from.used += 1;
    v.via = e.type === 'boundaryEvent' ? 'boundary' : 'flow';
    if (v.kind === 'row' && e.type === 'intermediateCatchEvent') {
      v.enteredAt = found.from.leftAt ?? v.enteredAt;
    }
    take(found.steps, found.from, v.enter, false);
    // "cannot handle here" thrown inside a sub-process: it is left for the tier above
    if (e.type === 'boundaryEvent' && e.interrupting && el(e.attachedTo)?.type === 'subProcess') subEvents.push({ key: v.enter - 0.1, at: v.enteredAt, sub: e.attachedTo, kind: 'leave', state: 'ESCALATED' });
    // a join: the other branches that arrived there
    for (const s of found.steps) {
      const g = el(s.node);
      if (!g || (g.type !== 'parallelGateway' && g.type !== 'inclusiveGateway') || g.incoming.length < 2) continue;
      for (const f of g.incoming.filter((x) => x !== s.flow && !flows.has(x))) {
        for (const x of candidates) {
          if (x === found.from || x.used > 0) continue;
          const branch = search(x.elementId, (node, flow) => node === g.id && flow === f, varsAt(x));
          if (!branch) continue;
          x.used += 1;
          take(branch, x, v.enter - 0.05, false);
          break;
        }
      }
    }
  }

  // --- where an ended case ended: the end event its last steps reached ------------------------
  if (input.ended) {
    for (const x of visits) {
      if (!continuesByFlow(x) || x.used > 0 || x.leave === null) continue;
      const ends: { end: EndEventModel; steps: Step[] }[] = [];
      for (const end of Object.values(model.elements)) {
        if (end.type !== 'endEvent' || end.scope !== null || end.end.kind === 'escalation') continue;
        const steps = search(x.elementId, (node) => node === end.id, varsAt(x));
        if (steps) ends.push({ end, steps });
      }
      const byStatus = ends.filter((c) => c.end.status === input.ended?.status);
      const byOutcome = x.outcome ? ends.filter((c) => c.steps.some((s) => s.flow && model.flows[s.flow].condition?.includes(`"${x.outcome}"`))) : [];
      const pick = byStatus.length === 1 ? byStatus[0] : byOutcome.length === 1 ? byOutcome[0] : ends.length === 1 ? ends[0] : null;
      if (!pick) continue;
      x.used += 1;
      take(pick.steps, x, (x.leave as number) + 0.9, true);
    }
  }

  // --- sub-process visits from their entries and exits ----------------------------------------
  const all = [...visits, ...inferred];
  const activeIds = new Set<string>(input.activeElements ?? visits.filter((v) => v.state === 'ACTIVE').map((v) => v.elementId));
  for (const id of [...activeIds]) for (const s of scopesOf(id)) activeIds.add(s);
  const subs = new Map<string, Visit[]>();
  for (const se of subEvents.sort((a, b) => a.key - b.key)) {
    const list = subs.get(se.sub) ?? [];
    subs.set(se.sub, list);
    const open = list.find((x) => x.leave === null);
    if (se.kind === 'enter') {
      if (open) continue;
      const v = base(se.sub, 'inferred', se.key, se.at);
      Object.assign(v, { leave: null, leftAt: null, state: 'ACTIVE', via: 'flow' });
      list.push(v);
    } else if (open) {
      Object.assign(open, { leave: se.key, leftAt: se.at, state: se.state ?? 'COMPLETED' });
    } else if (!list.some((x) => x.leave === se.key)) {
      // left without a recorded entry: it began with its first inner visit
      const inner = all.filter((x) => scopesOf(x.elementId).includes(se.sub) && x.enter < se.key).sort((a, b) => a.enter - b.enter)[0];
      const v = base(se.sub, 'inferred', inner?.enter ?? se.key, inner?.enteredAt ?? se.at);
      Object.assign(v, { leave: se.key, leftAt: se.at, state: se.state ?? 'COMPLETED', via: 'unknown' });
      list.push(v);
    }
  }
  // inner visits with no entry found: one visit around them
  for (const x of all) {
    for (const s of scopesOf(x.elementId)) {
      if (!subs.has(s)) {
        const v = base(s, 'inferred', x.enter - 0.01, x.enteredAt);
        Object.assign(v, { leave: null, leftAt: null, state: 'ACTIVE', via: 'unknown' });
        subs.set(s, [v]);
      }
    }
  }
  for (const [sub, list] of subs) {
    for (const v of list) {
      const inside = all.filter((x) => scopesOf(x.elementId).includes(sub) && x.enter >= v.enter && (v.leave === null || x.enter <= v.leave));
      const firstTask = inside.filter((x) => x.kind === 'task').sort((a, b) => a.enter - b.enter)[0];
      if (firstTask) Object.assign(v, { tier: firstTask.tier, unit: firstTask.unit });
      if (v.leave === null) {
        if (activeIds.has(sub) && !input.ended) continue;
        const last = inside.sort((a, b) => (b.leave ?? b.enter) - (a.leave ?? a.enter))[0];
        Object.assign(v, { leave: last?.leave ?? v.enter, leftAt: input.ended?.at ?? last?.leftAt ?? v.enteredAt, state: input.ended ? 'CANCELLED' : 'COMPLETED' });
      }
    }
    all.push(...list);
  }

  // --- the answer ------------------------------------------------------------------------------
  const byElement = new Map<string, Visit[]>();
  for (const v of all.sort((a, b) => a.enter - b.enter)) byElement.set(v.elementId, [...(byElement.get(v.elementId) ?? []), v]);
  const elements: PathElement[] = [...byElement.entries()].map(([id, vs]) => {
    const e = el(id) as ElementModel;
    return {
      elementId: id,
      type: e.type,
      name: e.name,
      visits: vs.map((v) => ({
        enteredAt: v.enteredAt.toISOString(),
        leftAt: v.state === 'ACTIVE' ? null : iso(v.leftAt),
        state: v.state,
        tier: v.tier,
        unit: v.unit,
        department: v.department,
        actor: v.actor,
        outcome: v.outcome,
        taskId: v.taskId,
        dueAt: iso(v.dueAt),
        overdue: v.overdue,
        via: v.via,
        inferred: v.kind === 'inferred',
      })),
    };
  });
  return { elements, flows: [...flows], active: input.ended ? [] : [...activeIds], escalations: hops(input, rows) };
}

/** The escalation hops: every audit row that moved the case up a tier. */
function hops(input: CasePathInput, rows: PathEvent[]): EscalationHop[] {
  const out: EscalationHop[] = [];
  for (const r of rows) {
    if (r.action !== 'escalate') continue;
    const fromTier = r.payload.fromTier as Tier | undefined;
    const toTier = r.payload.toTier as Tier | undefined;
    if (!fromTier || !toTier || fromTier === toTier) continue;
    const automatic = r.actorId === null;
    let actor = { id: r.actorId, name: r.actorName };
    let trigger: EscalationHop['trigger'] = null;
    if (automatic) {
      // the same engine step: the boundary that led here, and the handler whose outcome threw it
      const same = rows.filter((x) => x.seq < r.seq && x.at.getTime() === r.at.getTime());
      const boundary = same.filter((x) => x.action === 'boundary').pop();
      if (boundary && typeof boundary.payload.element === 'string') trigger = { elementId: boundary.payload.element, name: input.model.elements[boundary.payload.element]?.name ?? null };
      const human = same.filter((x) => x.action === 'complete' && x.actorId !== null).pop();
      if (human && boundary) actor = { id: human.actorId, name: human.actorName };
    }
    out.push({
      seq: r.seq,
      at: r.at.toISOString(),
      fromTier,
      toTier,
      fromUnit: input.unitOf(fromTier),
      toUnit: input.unitOf(toTier),
      elementId: String(r.payload.element ?? ''),
      actor,
      automatic: automatic && actor.id === null,
      reason: r.reason ?? trigger?.name ?? null,
      trigger,
    });
  }
  return out;
}
