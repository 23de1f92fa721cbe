/**
 * The deadline of a user task (grid:deadline, grid:calendar): the category's time limit, or a
 * duration built from a number and a unit (PT30M, PT8H, P3D) counted on a calendar.
 */
import { entry, h, isNumberFieldEntryEdited, isSelectEntryEdited, NumberFieldEntry, SelectEntry, useServices, type EntryDefinition, type FunctionComponent } from './panel';
import { CALENDAR_NAMES, calendarOptions, CALENDARS, type CalendarName } from './labels';
import { DURATION_UNITS, describeDuration, formatSimpleDuration, parseSimpleDuration, UNIT_NAMES, type DurationUnit } from './durations';
import { attr, setAttrs, type DiagramElement, type Translate } from './util';

type DeadlineKind = '' | 'category' | 'duration';
const DEFAULT_DURATION = 'PT8H';

/** '' only when the attribute is absent: an empty value is a duration being typed (the lint reports it). */
function deadlineKind(element: DiagramElement): DeadlineKind {
  const d = element.businessObject.get('grid:deadline');
  if (typeof d !== 'string') return '';
  return d.trim() === 'category' ? 'category' : 'duration';
}

interface Props {
  id: string;
  element: DiagramElement;
}

/** The unit last shown for a task: kept while the amount is empty, so that clearing and retyping keeps it. */
const lastUnit = new WeakMap<object, DurationUnit>();
function rememberUnit(element: DiagramElement, unit: DurationUnit | undefined): DurationUnit | undefined {
  if (unit) lastUnit.set(element.businessObject, unit);
  return lastUnit.get(element.businessObject);
}

const DeadlineKindEntry: FunctionComponent<Props> = ({ id, element }) => {
  const { modeling, translate: t } = useServices();
  const kind = deadlineKind(element);
  return h(SelectEntry, {
    id,
    element,
    label: t('How the time limit is set'),
    getValue: () => kind,
    setValue: (value: string) => {
      if (value === 'category') setAttrs(modeling, element, { 'grid:deadline': 'category', 'grid:calendar': undefined });
      else if (value === 'duration') setAttrs(modeling, element, { 'grid:deadline': DEFAULT_DURATION });
      else setAttrs(modeling, element, { 'grid:deadline': undefined, 'grid:calendar': undefined });
    },
    getOptions: () => [
      ...(kind === '' ? [{ value: '', label: t('(choose)') }] : []),
      { value: 'category', label: t("The category's time limit") },
      { value: 'duration', label: t('A fixed duration') },
    ],
    validate: (value: string) => (value === '' ? t('Required') : null),
    description: kind === 'category' ? t("The limit the case category sets for the tier the task is at, on that limit's own calendar") : undefined,
  });
};

const DurationAmountEntry: FunctionComponent<Props> = ({ id, element }) => {
  const { modeling, translate: t, debounce } = useServices();
  const text = attr(element, 'grid:deadline');
  const current = parseSimpleDuration(text);
  rememberUnit(element, current?.unit);
  return h(NumberFieldEntry, {
    id,
    element,
    label: t('Amount'),
    min: 1,
    step: 1,
    debounce,
    getValue: () => current?.amount,
    setValue: (amount: number | undefined, error?: string | null) => {
      // cleared: no duration (the lint says the task has no deadline); the controls stay
      if (amount === undefined) setAttrs(modeling, element, { 'grid:deadline': '' });
      // the unit as chosen now (this write is debounced: the unit select may have changed meanwhile)
      else if (!error) setAttrs(modeling, element, { 'grid:deadline': formatSimpleDuration({ amount, unit: lastUnit.get(element.businessObject) ?? 'H' }) });
    },
    validate: (amount: number | undefined) =>
      amount === undefined ? (text.trim() ? null : t('Required')) : !Number.isInteger(amount) || amount < 1 ? t('A whole number, 1 or more') : null,
    description: current || !text.trim() ? undefined : t('{value} is not a duration this control can show; enter a number to replace it', { value: text }),
  });
};

const DurationUnitEntry: FunctionComponent<Props> = ({ id, element }) => {
  const { modeling, translate: t } = useServices();
  const text = attr(element, 'grid:deadline');
  const current = parseSimpleDuration(text);
  const unit = rememberUnit(element, current?.unit);
  return h(SelectEntry, {
    id,
    element,
    label: t('Unit'),
    getValue: () => current?.unit ?? unit ?? '',
    setValue: (value: string) => {
      if (!value) return;
      lastUnit.set(element.businessObject, value as DurationUnit);
      // without an amount yet, only the choice is remembered: the amount writes the duration
      if (current) setAttrs(modeling, element, { 'grid:deadline': formatSimpleDuration({ amount: current.amount, unit: value as DurationUnit }) });
    },
    getOptions: () => [...(current || unit ? [] : [{ value: '', label: '—' }]), ...DURATION_UNITS.map((u) => ({ value: u, label: t(UNIT_NAMES[u]) }))],
  });
};

const CalendarEntry: FunctionComponent<Props> = ({ id, element }) => {
  const { modeling, translate: t } = useServices();
  const calendar = attr(element, 'grid:calendar');
  return h(SelectEntry, {
    id,
    element,
    label: t('Calendar'),
    getValue: () => calendar || 'clock',
    setValue: (value: string) => setAttrs(modeling, element, { 'grid:calendar': value }),
    getOptions: () => calendarOptions(t, calendar),
    validate: (value: string) => (value && !(CALENDARS as readonly string[]).includes(value) ? t('Not a calendar GridCase knows') : null),
    description: Object.hasOwn(CALENDAR_HINTS, calendar || 'clock') ? t(CALENDAR_HINTS[(calendar || 'clock') as CalendarName]) : undefined,
  });
};

const CALENDAR_HINTS: Record<CalendarName, string> = {
  clock: 'Clock time: every hour counts',
  workingHours: 'Working hours: 09:00-12:00 and 13:00-18:00 on working days',
  workingDays: 'Working days: weekends and public holidays do not count',
};

export function deadlineEntries(element: DiagramElement): EntryDefinition[] {
  const entries = [entry(DeadlineKindEntry, { id: 'grid-deadline' }, isSelectEntryEdited)];
  if (deadlineKind(element) === 'duration') {
    entries.push(entry(DurationAmountEntry, { id: 'grid-deadline-amount' }, isNumberFieldEntryEdited));
    entries.push(entry(DurationUnitEntry, { id: 'grid-deadline-unit' }, isSelectEntryEdited));
    entries.push(entry(CalendarEntry, { id: 'grid-calendar' }, isSelectEntryEdited));
  }
  return entries;
}

export function describeDeadline(element: DiagramElement, t: Translate): string {
  const d = attr(element, 'grid:deadline').trim();
  if (!d) return t('(not set)');
  if (d === 'category') return t("The category's time limit");
  const calendar = (attr(element, 'grid:calendar') || 'clock') as CalendarName;
  const calendarName = Object.hasOwn(CALENDAR_NAMES, calendar) ? t(CALENDAR_NAMES[calendar]) : calendar;
  return `${describeDuration(d, t)} · ${calendarName}`;
}
