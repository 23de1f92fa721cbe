/**
 * Palette, context pad and replace menu trimmed to what the engine runs, with user and service
 * tasks and the timer and message catch events in place of bpmn-js's generic entries.
 */
import { CONTEXT_PAD_DROP, PALETTE_KEEP, REPLACE_ENTRIES_KEEP, REPLACE_HEADER_KEEP } from './catalogue';

type Entries = Record<string, Record<string, unknown>>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Service = any;

const keep = (entries: Entries, allowed: (id: string) => boolean): Entries => Object.fromEntries(Object.entries(entries).filter(([id]) => allowed(id)));

export class GridPalette {
  static $inject = ['palette', 'create', 'elementFactory', 'bpmnFactory', 'translate'];
  constructor(
    palette: Service,
    private create: Service,
    private elementFactory: Service,
    private bpmnFactory: Service,
    private translate: (s: string) => string,
  ) {
    palette.registerProvider(500, this);
  }

  private shape(type: string, eventDefinitionType?: string) {
    const attrs: Record<string, unknown> = { type };
    if (eventDefinitionType) attrs.eventDefinitionType = eventDefinitionType;
    return this.elementFactory.createShape(attrs);
  }

  private entry(group: string, className: string, title: string, type: string, eventDefinitionType?: string) {
    const start = (event: Event) => this.create.start(event, this.shape(type, eventDefinitionType));
    return { group, className, title: this.translate(title), action: { dragstart: start, click: start } };
  }

  getPaletteEntries() {
    return (entries: Entries): Entries => ({
      ...keep(entries, (id) => PALETTE_KEEP.has(id)),
      'create.user-task': this.entry('activity', 'bpmn-icon-user-task', 'Create user task', 'bpmn:UserTask'),
      'create.service-task': this.entry('activity', 'bpmn-icon-service-task', 'Create service task', 'bpmn:ServiceTask'),
      'create.parallel-gateway': this.entry('gateway', 'bpmn-icon-gateway-parallel', 'Create parallel gateway', 'bpmn:ParallelGateway'),
      'create.timer-catch': this.entry('event', 'bpmn-icon-intermediate-event-catch-timer', 'Create timer intermediate catch event', 'bpmn:IntermediateCatchEvent', 'bpmn:TimerEventDefinition'),
      'create.message-catch': this.entry('event', 'bpmn-icon-intermediate-event-catch-message', 'Create message intermediate catch event', 'bpmn:IntermediateCatchEvent', 'bpmn:MessageEventDefinition'),
    });
  }
}

export class GridContextPad {
  static $inject = ['contextPad', 'autoPlace', 'create', 'elementFactory', 'translate'];
  constructor(
    contextPad: Service,
    private autoPlace: Service,
    private create: Service,
    private elementFactory: Service,
    private translate: (s: string) => string,
  ) {
    contextPad.registerProvider(500, this);
  }

  private append(element: Service, className: string, title: string, type: string) {
    const shape = () => this.elementFactory.createShape({ type });
    return {
      group: 'model',
      className,
      title: this.translate(title),
      action: {
        click: (_e: Event, el: Service) => this.autoPlace.append(el, shape()),
        dragstart: (e: Event) => this.create.start(e, shape(), { source: element }),
      },
    };
  }

  getContextPadEntries(element: Service) {
    return (entries: Entries): Entries => {
      const kept = keep(entries, (id) => !CONTEXT_PAD_DROP.has(id));
      const bo = element.businessObject;
      const canAppend = 'append.end-event' in entries && bo && !bo.$instanceOf('bpmn:EndEvent');
      if (!canAppend) return kept;
      return {
        ...kept,
        'append.user-task': this.append(element, 'bpmn-icon-user-task', 'Append user task', 'bpmn:UserTask'),
        'append.service-task': this.append(element, 'bpmn-icon-service-task', 'Append service task', 'bpmn:ServiceTask'),
      };
    };
  }
}

export class GridReplaceMenu {
  static $inject = ['popupMenu'];
  constructor(popupMenu: Service) {
    popupMenu.registerProvider('bpmn-replace', 500, this);
  }
  getPopupMenuEntries() {
    return (entries: Entries): Entries => keep(entries, (id) => REPLACE_ENTRIES_KEEP.has(id));
  }
  getPopupMenuHeaderEntries() {
    return (entries: Entries): Entries => keep(entries, (id) => REPLACE_HEADER_KEEP.has(id));
  }
}
