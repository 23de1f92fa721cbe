/**
 * What the grid: properties need of bpmn-js, typed narrowly: moddle elements, diagram shapes,
 * the services entries use, and the one way they write (the command stack, so undo and redo
 * cover every edit).
 */
import { GRID_DESIGNER_CONFIG, type GridDesignerOptions } from '../options';

export interface ModdleElement {
  $type: string;
  $parent?: ModdleElement;
  $model: { create(type: string, attrs?: Record<string, unknown>): ModdleElement };
  $instanceOf(type: string): boolean;
  get(name: string): unknown;
}

/** A diagram element (shape, connection or root) as the properties panel hands it over. */
export interface DiagramElement {
  id: string;
  type: string;
  businessObject: ModdleElement;
  host?: DiagramElement;
}

export interface Modeling {
  updateProperties(element: DiagramElement, properties: Record<string, unknown>): void;
  updateModdleProperties(element: DiagramElement, moddleElement: ModdleElement, properties: Record<string, unknown>): void;
}

export interface EventBus {
  fire(type: string, data?: Record<string, unknown>): unknown;
}

export interface ElementRegistry {
  filter(fn: (element: DiagramElement) => boolean): DiagramElement[];
}

export type Translate = (template: string, replacements?: Record<string, unknown>) => string;

export interface Injector {
  get(name: string, strict?: boolean): unknown;
}

export function isDiagramElement(value: unknown): value is DiagramElement {
  return !!value && typeof value === 'object' && 'businessObject' in value && typeof (value as DiagramElement).id === 'string';
}

export function is(element: DiagramElement | ModdleElement | null | undefined, type: string): boolean {
  const bo = element && 'businessObject' in element ? element.businessObject : element;
  return !!bo && typeof bo.$instanceOf === 'function' && bo.$instanceOf(type);
}

export function isAny(element: DiagramElement | ModdleElement | null | undefined, types: string[]): boolean {
  return types.some((t) => is(element, t));
}

/** A grid: attribute of the element's business object, as text ('' when unset). */
export function attr(element: DiagramElement, name: string): string {
  const v = element.businessObject.get(name);
  return v === undefined || v === null ? '' : String(v);
}

/** Writes grid: attributes of the element's business object in one command (undefined removes). */
export function setAttrs(modeling: Modeling, element: DiagramElement, attrs: Record<string, unknown>): void {
  modeling.updateProperties(element, attrs);
}

export function eventDefinition(element: DiagramElement, type: string): ModdleElement | undefined {
  const defs = (element.businessObject.get('eventDefinitions') as ModdleElement[] | undefined) ?? [];
  return defs.find((d) => d.$instanceOf(type));
}

export const EMPTY_OPTIONS: GridDesignerOptions = { lang: 'zh-CN', orgUnits: [], departments: [] };

export function designerOptions(config: unknown): GridDesignerOptions {
  const o = config && typeof config === 'object' ? (config as Record<string, unknown>)[GRID_DESIGNER_CONFIG] : undefined;
  if (!o || typeof o !== 'object') return EMPTY_OPTIONS;
  const opts = o as Partial<GridDesignerOptions>;
  return { lang: opts.lang ?? 'zh-CN', orgUnits: opts.orgUnits ?? [], departments: opts.departments ?? [], readOnly: !!opts.readOnly };
}
