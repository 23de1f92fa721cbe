/**
 * A case's path drawn on its process diagram (read-only viewers): the visited elements and the
 * sequence flows taken highlighted, the active elements marked, a note under each visited task
 * (who, at which tier, when), a badge where the case went up a tier (村（社区）→ 街道), and the
 * selection of one element (clicked on the canvas, or chosen from a list beside it) announced as
 * `casePath.selected`. The drawing arrives ready-made (texts in the caller's language).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Service = any;

export interface PathDrawing {
  visited: string[];
  /** visited without leaving a row of their own (gateways, sub-processes, end events) */
  inferred: string[];
  flows: string[];
  active: string[];
  /** lines under a visited element, one per visit */
  notes: { elementId: string; lines: string[] }[];
  /** how many times an element was visited (shown when more than once) */
  counts: { elementId: string; count: number; label: string }[];
  /** hops between tiers, on the element the case went up from */
  hops: { elementId: string; label: string; title: string }[];
}

const OVERLAY = 'case-path';

export class CasePath {
  static $inject = ['eventBus', 'canvas', 'elementRegistry', 'overlays'];
  private marked: Array<[string, string]> = [];
  private visited = new Set<string>();
  private selected: string | null = null;

  constructor(
    private eventBus: Service,
    private canvas: Service,
    private elementRegistry: Service,
    private overlays: Service,
  ) {
    eventBus.on('element.click', (e: { element: { id: string; type: string } }) => {
      const id = e.element.type === 'label' ? e.element.id.replace(/_label$/, '') : e.element.id;
      if (this.visited.has(id)) this.select(id);
    });
    eventBus.on('diagram.clear', () => this.clear());
  }

  private mark(id: string, cls: string) {
    if (!this.elementRegistry.get(id)) return;
    this.canvas.addMarker(id, cls);
    this.marked.push([id, cls]);
  }

  clear() {
    for (const [id, cls] of this.marked) if (this.elementRegistry.get(id)) this.canvas.removeMarker(id, cls);
    this.marked = [];
    this.overlays.remove({ type: OVERLAY });
    this.visited.clear();
    this.selected = null;
  }

  show(d: PathDrawing) {
    this.clear();
    const inferred = new Set(d.inferred);
    for (const id of d.visited) {
      this.visited.add(id);
      this.mark(id, inferred.has(id) ? 'path-inferred' : 'path-visited');
    }
    for (const id of d.flows) this.mark(id, 'path-taken');
    for (const id of d.active) this.mark(id, 'path-active');
    for (const h of d.hops) this.mark(h.elementId, 'path-hop');
    for (const n of d.notes) {
      const el = this.elementRegistry.get(n.elementId);
      if (!el || !n.lines.length) continue;
      const note = document.createElement('div');
      note.className = 'case-path-note';
      note.setAttribute('role', 'note');
      for (const line of n.lines) {
        const row = document.createElement('div');
        row.textContent = line;
        note.appendChild(row);
      }
      this.overlays.add(el, OVERLAY, { position: { top: el.height + 4, left: -10 }, html: note });
    }
    for (const c of d.counts) {
      const el = this.elementRegistry.get(c.elementId);
      if (!el || c.count < 2) continue;
      const badge = document.createElement('div');
      badge.className = 'case-path-count';
      badge.textContent = `×${c.count}`;
      badge.title = c.label;
      this.overlays.add(el, OVERLAY, { position: { top: -10, right: 8 }, html: badge });
    }
    const hopsAt = new Map<string, { label: string; title: string }[]>();
    for (const h of d.hops) hopsAt.set(h.elementId, [...(hopsAt.get(h.elementId) ?? []), h]);
    for (const [id, hops] of hopsAt) {
      const el = this.elementRegistry.get(id);
      if (!el) continue;
      const badge = document.createElement('div');
      badge.className = 'case-path-hop';
      badge.setAttribute('role', 'note');
      badge.textContent = hops.map((h) => h.label).join('；');
      badge.title = hops.map((h) => h.title).join('\n');
      this.overlays.add(el, OVERLAY, { position: { top: -30, left: -10 }, html: badge });
    }
  }

  /** Shows the element in the middle at this scale (a phone cannot read the whole diagram at once). */
  focus(id: string, scale: number) {
    const el = this.elementRegistry.get(id);
    if (!el) return;
    const { width, height } = this.canvas.getSize();
    this.canvas.viewbox({ x: el.x + el.width / 2 - width / scale / 2, y: el.y + el.height / 2 - height / scale / 2, width: width / scale, height: height / scale });
  }

  /** Marks one visited element and brings it into view; announces it. */
  select(id: string | null) {
    if (this.selected && this.elementRegistry.get(this.selected)) this.canvas.removeMarker(this.selected, 'path-selected');
    this.selected = id;
    const el = id ? this.elementRegistry.get(id) : null;
    if (el) {
      this.canvas.addMarker(id, 'path-selected');
      this.canvas.scrollToElement(el);
    }
    this.eventBus.fire('casePath.selected', { elementId: id });
  }
}

export const CasePathModule = { __init__: ['casePath'], casePath: ['type', CasePath] };
