/**
 * Reminders (催办) before a user task's deadline (grid:reminders, comma-separated): a list with
 * add and remove, each a share of the time limit (`50%`) or a time before the deadline (`-PT1H`).
 */
import { useRef } from '@bpmn-io/properties-panel/preact/hooks';
import { CollapsibleEntry, entry, h, listEntry, NumberFieldEntry, SelectEntry, useServices, type FunctionComponent } from './panel';
import { describeReminder, DURATION_UNITS, nextReminder, parseReminderList, serializeReminders, UNIT_NAMES, type DurationUnit, type Reminder } from './durations';
import { attr, setAttrs, type DiagramElement, type Modeling, type Translate } from './util';

/** A list slot: stable across renders (the list keys its rows by item identity), the value is read by index. */
interface Slot {
  slot: number;
}

function write(modeling: Modeling, element: DiagramElement, list: Reminder[]) {
  setAttrs(modeling, element, { 'grid:reminders': serializeReminders(list) });
}

interface ItemProps {
  id: string;
  element: DiagramElement;
  index: number;
  open: boolean;
}

const ReminderKindEntry: FunctionComponent<ItemProps> = ({ id, element, index }) => {
  const { modeling, translate: t } = useServices();
  const list = parseReminderList(attr(element, 'grid:reminders'));
  const r = list[index];
  return h(SelectEntry, {
    id,
    element,
    label: t('Remind'),
    getValue: () => r?.kind ?? '',
    setValue: (kind: string) => {
      if (!r || kind === r.kind) return;
      const next = [...list];
      next[index] = kind === 'percent' ? { kind: 'percent', percent: 50 } : { kind: 'before', amount: 1, unit: 'H' };
      write(modeling, element, next);
    },
    getOptions: () => [
      ...(r?.kind === 'invalid' ? [{ value: 'invalid', label: t('{value} (not valid)', { value: r.text }) }] : []),
      { value: 'percent', label: t('When a share of the time limit has passed') },
      { value: 'before', label: t('A time before the deadline') },
    ],
    validate: (kind: string) => (kind === 'invalid' ? t('Neither a share of the limit (50%) nor a time before the deadline (-PT1H)') : null),
  });
};

const ReminderAmountEntry: FunctionComponent<ItemProps> = ({ id, element, index }) => {
  const { modeling, translate: t, debounce } = useServices();
  const list = parseReminderList(attr(element, 'grid:reminders'));
  const r = list[index];
  const percent = r?.kind === 'percent';
  return h(NumberFieldEntry, {
    id,
    element,
    label: percent ? t('Share of the time limit (%)') : t('Time before the deadline'),
    min: 1,
    max: percent ? 99 : undefined,
    step: 1,
    debounce,
    getValue: () => (r?.kind === 'percent' ? r.percent : r?.kind === 'before' ? r.amount : undefined),
    setValue: (value: number | undefined, error?: string | null) => {
      if (value === undefined || error || !r || r.kind === 'invalid') return;
      const next = [...list];
      next[index] = r.kind === 'percent' ? { kind: 'percent', percent: value } : { ...r, amount: value };
      write(modeling, element, next);
    },
    validate: (value: number | undefined) =>
      value === undefined ? t('Required') : percent ? (value <= 0 || value >= 100 ? t('Between 1 and 99') : null) : !Number.isInteger(value) || value < 1 ? t('A whole number, 1 or more') : null,
  });
};

const ReminderUnitEntry: FunctionComponent<ItemProps> = ({ id, element, index }) => {
  const { modeling, translate: t } = useServices();
  const list = parseReminderList(attr(element, 'grid:reminders'));
  const r = list[index];
  return h(SelectEntry, {
    id,
    element,
    label: t('Unit'),
    getValue: () => (r?.kind === 'before' ? r.unit : ''),
    setValue: (unit: string) => {
      if (r?.kind !== 'before') return;
      const next = [...list];
      next[index] = { ...r, unit: unit as DurationUnit };
      write(modeling, element, next);
    },
    getOptions: () => DURATION_UNITS.map((u) => ({ value: u, label: t(UNIT_NAMES[u]) })),
  });
};

const ReminderItem: FunctionComponent<{ id: string; element: unknown; index: number; item: Slot; open: boolean }> = (props) => {
  const element = props.element as DiagramElement;
  const { translate: t } = useServices();
  const r = parseReminderList(attr(element, 'grid:reminders'))[props.index];
  const id = `${props.id}-${props.index}`;
  const entries = [entry(ReminderKindEntry, { id: `${id}-kind`, index: props.index, open: props.open })];
  if (r?.kind === 'percent' || r?.kind === 'before') entries.push(entry(ReminderAmountEntry, { id: `${id}-amount`, index: props.index, open: props.open }));
  if (r?.kind === 'before') entries.push(entry(ReminderUnitEntry, { id: `${id}-unit`, index: props.index, open: props.open }));
  return h(CollapsibleEntry, { id, element, entries, label: r ? describeReminder(r, t) : '', open: props.open });
};

const RemindersEntry: FunctionComponent<{ id: string; element: DiagramElement }> = ({ id, element }) => {
  const { modeling, translate: t } = useServices();
  const list = parseReminderList(attr(element, 'grid:reminders'));
  const slots = useRef<Slot[]>([]);
  slots.current = list.map((_r, i) => slots.current[i] ?? { slot: i });
  return listEntry<Slot>({
    id,
    element,
    label: t('Reminders'),
    items: slots.current,
    component: ReminderItem,
    onAdd: () => write(modeling, element, [...list, nextReminder(list)]),
    onRemove: (item: Slot) => {
      const i = slots.current.indexOf(item);
      if (i >= 0) write(modeling, element, list.filter((_r, j) => j !== i));
    },
    autoFocusEntry: `[data-entry-id="${id}-${list.length - 1}-amount"] input`,
  });
};

export function reminderEntries() {
  return [entry(RemindersEntry, { id: 'grid-reminders' })];
}

export function describeReminders(element: DiagramElement, t: Translate): string {
  const list = parseReminderList(attr(element, 'grid:reminders'));
  return list.length ? list.map((r) => describeReminder(r, t)).join(t(', ')) : t('None');
}
