/**
 * Elements the engine cannot run, as the shared lint (process/lint-config) reports them: drawn
 * hatched, with the reason beside them, whether they were drawn here or came in a diagram
 * from another modeler.
 */
import { UNSUPPORTED_RULE } from './catalogue';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Service = any;
interface Report {
  id: string;
  message: string;
  category: string;
  rule: string;
  actualElementId?: string;
}

const MARKER = 'grid-unsupported';

export class UnsupportedMarking {
  static $inject = ['eventBus', 'canvas', 'elementRegistry', 'overlays', 'translate'];
  private marked: string[] = [];
  /** element id → why the engine refuses it */
  readonly unsupported = new Map<string, string>();

  constructor(
    private eventBus: Service,
    private canvas: Service,
    private elementRegistry: Service,
    private overlays: Service,
    private translate: (s: string) => string,
  ) {
    eventBus.on('linting.completed', (e: { issues: Record<string, Report[]> }) => this.mark(e.issues));
    eventBus.on('diagram.clear', () => this.clear());
  }

  private clear() {
    for (const id of this.marked) {
      const el = this.elementRegistry.get(id);
      if (el) this.canvas.removeMarker(el, MARKER);
    }
    this.overlays.remove({ type: MARKER });
    this.marked = [];
    this.unsupported.clear();
  }

  private mark(issues: Record<string, Report[]>) {
    this.clear();
    for (const [id, reports] of Object.entries(issues)) {
      const why = reports.filter((r) => UNSUPPORTED_RULE.test(r.rule) && !r.actualElementId);
      if (!why.length) continue;
      const el = this.elementRegistry.get(id);
      if (!el || !el.parent) continue;
      this.canvas.addMarker(el, MARKER);
      this.marked.push(id);
      const reason = why.map((r) => r.message).join('；');
      this.unsupported.set(id, reason);
      const note = document.createElement('div');
      note.className = 'grid-unsupported-note';
      note.setAttribute('role', 'note');
      note.textContent = `${this.translate('Not supported by GridCase')}：${reason.replace(/\s*\(supported: [^()]*(\([^()]*\)[^()]*)*\)/g, '')}`;
      note.title = reason;
      this.overlays.add(el, MARKER, { position: { bottom: -6, left: 0 }, html: note });
    }
    this.eventBus.fire('grid.unsupported.changed', { unsupported: new Map(this.unsupported) });
  }
}
