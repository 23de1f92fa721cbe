/**
 * The properties panel's building blocks for the grid: entries: the entry components of
 * @bpmn-io/properties-panel (Preact components, rendered with `h`, no JSX build step), the
 * panel's services, and a few small components of our own (a read-only row, a button row).
 */
import { h, type ComponentChildren, type FunctionComponent, type VNode } from '@bpmn-io/properties-panel/preact';
import * as Panel from '@bpmn-io/properties-panel/dist/index.esm.js';
import { useService } from 'bpmn-js-properties-panel/dist/index.esm.js';
import type { Debounce, EntryDefinition, ListEntryProps } from '@bpmn-io/properties-panel/dist/index.esm.js';
import type { GridDesignerOptions } from '../options';
import { designerOptions, type ElementRegistry, type EventBus, type Modeling, type Translate } from './util';

export { h };
export type { ComponentChildren, EntryDefinition, FunctionComponent, VNode };
export const {
  TextFieldEntry,
  TextAreaEntry,
  SelectEntry,
  NumberFieldEntry,
  ToggleSwitchEntry,
  CollapsibleEntry,
  isTextFieldEntryEdited,
  isTextAreaEntryEdited,
  isSelectEntryEdited,
  isNumberFieldEntryEdited,
  isToggleSwitchEntryEdited,
} = Panel;

/** ListEntry, typed by its items. */
export function listEntry<Item>(props: ListEntryProps<Item>): ComponentChildren {
  return h(Panel.ListEntry as unknown as FunctionComponent<ListEntryProps<Item>>, props);
}

/** An entry definition for a group's `entries` (the group passes `element` and the rest as props). */
export function entry<P extends { id: string; element: unknown }>(component: FunctionComponent<P>, props: Omit<P, 'element'>, isEdited?: (node: HTMLElement | null) => boolean): EntryDefinition {
  return { ...props, component, isEdited } as EntryDefinition;
}

export interface Services {
  modeling: Modeling;
  translate: Translate;
  debounce: Debounce;
  eventBus: EventBus;
  elementRegistry: ElementRegistry;
  options: GridDesignerOptions;
}

/** The services an entry uses (hooks: call at the top of a component). */
export function useServices(): Services {
  return {
    modeling: useService('modeling') as Modeling,
    translate: useService('translate') as Translate,
    debounce: useService('debounceInput') as Debounce,
    eventBus: useService('eventBus') as EventBus,
    elementRegistry: useService('elementRegistry') as ElementRegistry,
    options: designerOptions(useService('config')),
  };
}

/** An entry that shows a label and a text, nothing to edit (read-only diagrams, summaries). */
export const ReadOnlyEntry: FunctionComponent<{ id: string; element: unknown; label: string; value: ComponentChildren; description?: ComponentChildren }> = (props) =>
  h(
    'div',
    { class: 'bio-properties-panel-entry grid-readonly-entry', 'data-entry-id': props.id },
    h('div', { class: 'bio-properties-panel-label' }, props.label),
    h('div', { class: 'grid-readonly-value' }, props.value),
    props.description ? h('div', { class: 'bio-properties-panel-description' }, props.description) : null,
  );

/** A hint under the entries before it (no control). */
export const HintEntry: FunctionComponent<{ id: string; element: unknown; text: ComponentChildren; error?: boolean }> = (props) =>
  h('div', { class: `bio-properties-panel-entry grid-hint${props.error ? ' grid-hint--error' : ''}`, 'data-entry-id': props.id }, h('div', { class: 'bio-properties-panel-description' }, props.text));
