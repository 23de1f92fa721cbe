/**
 * The outcomes a user task may complete with (grid:outcomes, comma-separated; `done` when unset):
 * a list with add and remove; each a common outcome from a select, or any other name.
 */
import { useRef } from '@bpmn-io/properties-panel/preact/hooks';
import { CollapsibleEntry, entry, h, HintEntry, listEntry, SelectEntry, TextFieldEntry, useServices, type FunctionComponent } from './panel';
import { COMMON_OUTCOMES, outcomeLabel } from './labels';
import { attr, setAttrs, type DiagramElement, type Modeling, type Translate } from './util';

const OUTCOME_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const OTHER = '__other__';

export function parseOutcomes(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function unusedName(list: string[]): string {
  let n = 1;
  while (list.includes(n === 1 ? 'other' : `other${n}`)) n++;
  return n === 1 ? 'other' : `other${n}`;
}

function write(modeling: Modeling, element: DiagramElement, list: string[]) {
  setAttrs(modeling, element, { 'grid:outcomes': list.length ? list.join(',') : undefined });
}

interface Slot {
  slot: number;
}

interface ItemProps {
  id: string;
  element: DiagramElement;
  index: number;
}

const OutcomeSelectEntry: FunctionComponent<ItemProps> = ({ id, element, index }) => {
  const { modeling, translate: t } = useServices();
  const list = parseOutcomes(attr(element, 'grid:outcomes'));
  const value = list[index] ?? '';
  const common = Object.hasOwn(COMMON_OUTCOMES, value);
  return h(SelectEntry, {
    id,
    element,
    label: t('Outcome'),
    getValue: () => (common ? value : OTHER),
    setValue: (v: string) => {
      const next = [...list];
      // "other": keep the name, or start from a placeholder name the text field below then edits
      next[index] = v === OTHER ? (common ? unusedName(list) : value) : v;
      write(modeling, element, next);
    },
    getOptions: () => [
      ...Object.keys(COMMON_OUTCOMES).map((o) => ({ value: o, label: outcomeLabel(t, o), disabled: o !== value && list.includes(o) })),
      { value: OTHER, label: t('Other…') },
    ],
  });
};

const OutcomeNameEntry: FunctionComponent<ItemProps> = ({ id, element, index }) => {
  const { modeling, translate: t, debounce } = useServices();
  const list = parseOutcomes(attr(element, 'grid:outcomes'));
  return h(TextFieldEntry, {
    id,
    element,
    label: t('Outcome name'),
    debounce,
    getValue: () => list[index] ?? '',
    setValue: (v: string | undefined, error?: string | null) => {
      if (!v || error) return;
      const next = [...list];
      next[index] = v;
      write(modeling, element, next);
    },
    validate: (v: string | undefined) =>
      !v || !OUTCOME_NAME.test(v) ? t('A name: letters, digits and _, starting with a letter') : list.some((o, i) => o === v && i !== index) ? t('Listed twice') : null,
    description: t('Conditions read it as outcome = "{name}"', { name: list[index] ?? '' }),
  });
};

const OutcomeItem: FunctionComponent<{ id: string; element: unknown; index: number; item: Slot; open: boolean }> = (props) => {
  const element = props.element as DiagramElement;
  const { translate: t } = useServices();
  const value = parseOutcomes(attr(element, 'grid:outcomes'))[props.index] ?? '';
  const id = `${props.id}-${props.index}`;
  const entries = [entry(OutcomeSelectEntry, { id: `${id}-value`, index: props.index })];
  if (!Object.hasOwn(COMMON_OUTCOMES, value)) entries.push(entry(OutcomeNameEntry, { id: `${id}-name`, index: props.index }));
  return h(CollapsibleEntry, { id, element, entries, label: outcomeLabel(t, value), open: props.open });
};

const OutcomesEntry: FunctionComponent<{ id: string; element: DiagramElement }> = ({ id, element }) => {
  const { modeling, translate: t } = useServices();
  const list = parseOutcomes(attr(element, 'grid:outcomes'));
  const slots = useRef<Slot[]>([]);
  slots.current = list.map((_o, i) => slots.current[i] ?? { slot: i });
  return listEntry<Slot>({
    id,
    element,
    label: t('Outcomes'),
    items: slots.current,
    component: OutcomeItem,
    // the first common outcome not listed yet ("done" first: what a task without outcomes completes with)
    onAdd: () => write(modeling, element, [...list, Object.keys(COMMON_OUTCOMES).find((o) => !list.includes(o)) ?? unusedName(list)]),
    onRemove: (item: Slot) => {
      const i = slots.current.indexOf(item);
      if (i >= 0) write(modeling, element, list.filter((_o, j) => j !== i));
    },
    autoFocusEntry: `[data-entry-id="${id}-${list.length - 1}-value"] select`,
  });
};

const OutcomesHint: FunctionComponent<{ id: string; element: DiagramElement }> = ({ id, element }) => {
  const { translate: t } = useServices();
  const list = parseOutcomes(attr(element, 'grid:outcomes'));
  const text = list.length ? t('Gateways after the task test outcome = "…"') : t('None listed: the task completes with "done"');
  return h(HintEntry, { id, element, text });
};

export function outcomeEntries() {
  return [entry(OutcomesEntry, { id: 'grid-outcomes' }), entry(OutcomesHint, { id: 'grid-outcomes-hint' })];
}

export function describeOutcomes(element: DiagramElement, t: Translate): string {
  const list = parseOutcomes(attr(element, 'grid:outcomes'));
  return list.length ? list.map((o) => outcomeLabel(t, o)).join(t(', ')) : outcomeLabel(t, 'done');
}
