/**
 * Types of the two properties-panel packages, which ship none: only what the grid: provider uses.
 * Declared for the file each package's `module` field names (…/dist/index.esm.js, the same
 * module instance the bare specifier resolves to), so these declarations can never clash with a
 * declaration of the bare package names elsewhere in the console.
 */
declare module '@bpmn-io/properties-panel/dist/index.esm.js' {
  import type { ComponentChildren, FunctionComponent } from '@bpmn-io/properties-panel/preact';

  export type Debounce = <F extends (...args: never[]) => unknown>(fn: F) => F;

  export interface EntryDefinition {
    id: string;
    component: (props: never) => unknown;
    isEdited?: (node: HTMLElement | null) => boolean;
    [prop: string]: unknown;
  }

  export interface GroupDefinition {
    id: string;
    label: string;
    entries?: EntryDefinition[];
    component?: (props: never) => unknown;
    shouldOpen?: boolean;
    tooltip?: ComponentChildren;
    [prop: string]: unknown;
  }

  interface EntryProps {
    id: string;
    element: unknown;
    label?: ComponentChildren;
    description?: ComponentChildren;
    tooltip?: ComponentChildren;
    disabled?: boolean;
  }

  export interface SelectOption {
    value: string;
    label: string;
    disabled?: boolean;
  }

  export interface TextFieldEntryProps extends EntryProps {
    getValue: (element: unknown) => string | undefined;
    setValue: (value: string | undefined, error?: string | null) => void;
    debounce: Debounce;
    validate?: (value: string | undefined) => string | null | undefined;
    placeholder?: string;
  }

  export interface TextAreaEntryProps extends TextFieldEntryProps {
    rows?: number;
    monospace?: boolean;
    autoResize?: boolean;
  }

  export interface SelectEntryProps extends EntryProps {
    getValue: (element: unknown) => string;
    setValue: (value: string, error?: string | null) => void;
    getOptions: (element: unknown) => SelectOption[];
    validate?: (value: string) => string | null | undefined;
  }

  export interface NumberFieldEntryProps extends EntryProps {
    getValue: (element: unknown) => number | undefined;
    setValue: (value: number | undefined, error?: string | null) => void;
    debounce: Debounce;
    min?: number | string;
    max?: number | string;
    step?: number | string;
    validate?: (value: number | undefined) => string | null | undefined;
  }

  export interface ToggleSwitchEntryProps extends EntryProps {
    getValue: (element: unknown) => boolean;
    setValue: (value: boolean) => void;
    switcherLabel?: ComponentChildren;
    inline?: boolean;
  }

  export interface ListItemProps<Item> {
    id: string;
    element: unknown;
    index: number;
    item: Item;
    open: boolean;
  }

  export interface ListEntryProps<Item> {
    id: string;
    element: unknown;
    items: Item[];
    component: FunctionComponent<ListItemProps<Item>>;
    label?: ComponentChildren;
    onAdd: () => void;
    onRemove?: (item: Item) => void;
    autoFocusEntry?: string | boolean;
    open?: boolean;
  }

  export interface CollapsibleEntryProps {
    id: string;
    element: unknown;
    entries: EntryDefinition[];
    label?: ComponentChildren;
    open?: boolean;
    remove?: (event: MouseEvent) => void;
  }

  export const Group: FunctionComponent<GroupDefinition & { element: unknown }>;
  export const TextFieldEntry: FunctionComponent<TextFieldEntryProps>;
  export const TextAreaEntry: FunctionComponent<TextAreaEntryProps>;
  export const SelectEntry: FunctionComponent<SelectEntryProps>;
  export const NumberFieldEntry: FunctionComponent<NumberFieldEntryProps>;
  export const ToggleSwitchEntry: FunctionComponent<ToggleSwitchEntryProps>;
  export function ListEntry<Item>(props: ListEntryProps<Item>): ComponentChildren;
  export const CollapsibleEntry: FunctionComponent<CollapsibleEntryProps>;
  export function isTextFieldEntryEdited(node: HTMLElement | null): boolean;
  export function isTextAreaEntryEdited(node: HTMLElement | null): boolean;
  export function isSelectEntryEdited(node: HTMLElement | null): boolean;
  export function isNumberFieldEntryEdited(node: HTMLElement | null): boolean;
  export function isToggleSwitchEntryEdited(node: HTMLElement | null): boolean;
}

declare module 'bpmn-js-properties-panel/dist/index.esm.js' {
  /** A service of the modeler's injector, from inside a properties panel entry. */
  export function useService(type: string, strict?: boolean): unknown;
}
