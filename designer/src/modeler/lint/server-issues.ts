/**
 * The server's `validate` (or a refused deploy) errors, drawn on the elements they name, until
 * the diagram changes again: the same findings as the live lint, plus what only the server can
 * check (for a refused diagram, the reason it gave).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Service = any;
export interface ServerIssue {
  element: string;
  type: string;
  message: string;
  rule?: string;
}

const MARKER = 'grid-server-issue';

export class ServerIssues {
  static $inject = ['eventBus', 'canvas', 'elementRegistry', 'overlays'];
  private marked: string[] = [];

  constructor(
    eventBus: Service,
    private canvas: Service,
    private elementRegistry: Service,
    private overlays: Service,
  ) {
    eventBus.on(['elements.changed', 'diagram.clear'], () => this.clear());
  }

  clear() {
    for (const id of this.marked) {
      const el = this.elementRegistry.get(id);
      if (el) this.canvas.removeMarker(el, MARKER);
    }
    this.overlays.remove({ type: MARKER });
    this.marked = [];
  }

  /** Draws each issue on its element (issues naming no drawn element go on the root). */
  show(issues: ServerIssue[]) {
    this.clear();
    const byElement = new Map<string, ServerIssue[]>();
    for (const i of issues) {
      const el = this.elementRegistry.get(i.element) ?? this.canvas.getRootElement();
      byElement.set(el.id, [...(byElement.get(el.id) ?? []), i]);
    }
    for (const [id, list] of byElement) {
      const el = this.elementRegistry.get(id);
      if (!el) continue;
      if (el.parent) this.canvas.addMarker(el, MARKER);
      this.marked.push(id);
      const note = document.createElement('div');
      note.className = 'grid-server-issue-note';
      note.setAttribute('role', 'note');
      note.textContent = list.map((i) => i.message).join('；');
      this.overlays.add(el, MARKER, { position: el.parent ? { top: -24, left: 0 } : { top: 8, left: 8 }, html: note });
    }
  }
}

export const ServerIssuesModule = { __init__: ['serverIssues'], serverIssues: ['type', ServerIssues] };
