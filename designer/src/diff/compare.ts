/**
 * What changed between two versions of a process: bpmn-js-differ finds the added, removed,
 * changed and moved elements; a flat view of each flow element's properties (its own and the
 * grid: ones, conditions, timers, messages, the task form) names every changed property, also
 * those the differ does not track (conditions and extension elements are nested elements).
 */
import { BpmnModdle } from 'bpmn-moddle';
import { diff } from 'bpmn-js-differ';
import gridDescriptor from '@schema/grid-moddle.json';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Moddle = any;

export interface ElementRef {
  id: string;
  name: string;
  type: string;
}
export interface PropertyChange {
  property: string;
  before: string;
  after: string;
}
export interface DiagramDiff {
  added: ElementRef[];
  removed: ElementRef[];
  changed: (ElementRef & { properties: PropertyChange[] })[];
  moved: ElementRef[];
}

const STRUCTURAL = new Set(['$type', 'id', 'flowElements', 'artifacts', 'incoming', 'outgoing', 'lanes', 'laneSets', 'di', 'extensionElements', 'eventDefinitions', 'conditionExpression', 'documentation', 'loopCharacteristics']);

function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object' && v && 'id' in v) return String((v as { id: string }).id);
  if (typeof v === 'object' && v && 'body' in v) return String((v as { body: string }).body ?? '');
  return String(v);
}

function propName(el: Moddle, key: string): string {
  const p = el.$descriptor?.propertiesByName?.[key];
  const prefix = p?.ns?.prefix;
  return prefix && prefix !== 'bpmn' ? `${prefix}:${p.ns.localName}` : key;
}

/** The element's properties as name → text, nested definitions flattened under a path. */
export function flatProperties(el: Moddle): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (k: string, v: unknown) => {
    const s = text(v);
    if (s !== '') out[k] = s;
  };
  for (const key of Object.keys(el)) {
    if (STRUCTURAL.has(key) || key.startsWith('$')) continue;
    put(propName(el, key), el[key]);
  }
  for (const [k, v] of Object.entries(el.$attrs ?? {})) if (!k.startsWith('xmlns')) put(k, v);
  if (el.conditionExpression) put('conditionExpression', el.conditionExpression.body);
  for (const def of el.eventDefinitions ?? []) {
    const kind = String(def.$type).replace(/^bpmn:/, '');
    put('eventDefinition', kind);
    for (const key of Object.keys(def)) {
      if (key.startsWith('$') || key === 'id') continue;
      const v = def[key];
      put(`${kind}.${propName(def, key)}`, key === 'messageRef' ? v?.name ?? v?.id : key === 'escalationRef' ? v?.escalationCode ?? v?.id : v);
    }
  }
  for (const ext of el.extensionElements?.values ?? []) {
    if (ext.$type === 'grid:Form') put('grid:form', ext.schema);
  }
  if (el.loopCharacteristics) put('loopCharacteristics', el.loopCharacteristics.$type);
  return out;
}

function flowElements(definitions: Moddle): Map<string, Moddle> {
  const out = new Map<string, Moddle>();
  const walk = (container: Moddle) => {
    for (const el of container.flowElements ?? []) {
      out.set(el.id, el);
      if (el.flowElements) walk(el);
    }
  };
  for (const root of definitions.rootElements ?? []) if (root.$type === 'bpmn:Process') walk(root);
  return out;
}

/**
 * Where each element is drawn (shape bounds, edge waypoints; labels left out): a diagram saved by
 * another tool differs in label placement and rounding that nobody moved.
 */
function layout(definitions: Moddle): Map<string, string> {
  const out = new Map<string, string>();
  for (const diagram of definitions.diagrams ?? []) {
    for (const di of diagram.plane?.planeElement ?? []) {
      const id = di.bpmnElement?.id;
      if (!id) continue;
      if (di.bounds) out.set(id, [di.bounds.x, di.bounds.y, di.bounds.width, di.bounds.height].map((n: number) => Math.round(n)).join(','));
      else if (di.waypoint) out.set(id, di.waypoint.map((w: Moddle) => `${Math.round(w.x)},${Math.round(w.y)}`).join(' '));
    }
  }
  return out;
}

const ref = (el: Moddle): ElementRef => ({ id: el.id, name: el.name ?? '', type: String(el.$type).replace(/^bpmn:/, '') });

async function parse(xml: string): Promise<Moddle> {
  const moddle = new BpmnModdle({ grid: gridDescriptor });
  return (await moddle.fromXML(xml)).rootElement;
}

export async function compareDiagrams(oldXml: string, newXml: string): Promise<DiagramDiff> {
  const [a, b] = await Promise.all([parse(oldXml), parse(newXml)]);
  const result = diff(a, b) as { _added: Record<string, Moddle>; _removed: Record<string, Moddle>; _changed: Record<string, unknown>; _layoutChanged: Record<string, Moddle> };
  const before = flowElements(a);
  const after = flowElements(b);
  const added = Object.keys(result._added).filter((id) => !before.has(id) && after.has(id));
  const removed = Object.keys(result._removed).filter((id) => before.has(id) && !after.has(id));
  const changed: DiagramDiff['changed'] = [];
  for (const [id, now] of after) {
    const was = before.get(id);
    if (!was) continue;
    const p0 = flatProperties(was);
    const p1 = flatProperties(now);
    const properties = [...new Set([...Object.keys(p0), ...Object.keys(p1)])]
      .filter((k) => p0[k] !== p1[k])
      .sort()
      .map((property) => ({ property, before: p0[property] ?? '', after: p1[property] ?? '' }));
    if (properties.length) changed.push({ ...ref(now), properties });
  }
  const changedIds = new Set(changed.map((c) => c.id));
  const [was, now] = [layout(a), layout(b)];
  const moved = Object.keys(result._layoutChanged)
    .filter((id) => before.has(id) && after.has(id) && !changedIds.has(id) && was.get(id) !== now.get(id))
    .map((id) => ref(after.get(id)));
  return { added: added.map((id) => ref(after.get(id))), removed: removed.map((id) => ref(before.get(id))), changed, moved };
}
