/**
 * GridCase's attributes of a timer definition on a boundary or intermediate catch event: the
 * calendar its duration or cycle is counted on (grid:calendar) and whether it counts from the
 * deadline of the task it is attached to (grid:relativeTo="deadline"). The timer's own type and
 * value stay in bpmn-js-properties-panel's timer group.
 */
import { entry, h, isSelectEntryEdited, SelectEntry, ToggleSwitchEntry, useServices, type EntryDefinition, type FunctionComponent } from './panel';
import { CALENDAR_NAMES, calendarOptions, CALENDARS, type CalendarName } from './labels';
import { eventDefinition, is, isAny, type DiagramElement, type ModdleElement, type Translate } from './util';

export function timerDefinition(element: DiagramElement): ModdleElement | undefined {
  if (!isAny(element, ['bpmn:BoundaryEvent', 'bpmn:IntermediateCatchEvent'])) return undefined;
  return eventDefinition(element, 'bpmn:TimerEventDefinition');
}

const text = (def: ModdleElement, name: string) => {
  const v = def.get(name);
  return v === undefined || v === null ? '' : String(v);
};

interface Props {
  id: string;
  element: DiagramElement;
}

const TimerCalendarEntry: FunctionComponent<Props> = ({ id, element }) => {
  const { modeling, translate: t } = useServices();
  const def = timerDefinition(element);
  const calendar = def ? text(def, 'grid:calendar') : '';
  return h(SelectEntry, {
    id,
    element,
    label: t('Calendar'),
    getValue: () => calendar || 'clock',
    setValue: (value: string) => {
      if (def) modeling.updateModdleProperties(element, def, { 'grid:calendar': value });
    },
    getOptions: () => calendarOptions(t, calendar),
    validate: (value: string) => (value && !(CALENDARS as readonly string[]).includes(value) ? t('Not a calendar GridCase knows') : null),
    description: t('How the duration or cycle is counted'),
  });
};

const RelativeToEntry: FunctionComponent<Props> = ({ id, element }) => {
  const { modeling, translate: t } = useServices();
  const def = timerDefinition(element);
  const relative = def ? text(def, 'grid:relativeTo') : '';
  const onTask = is(element.host, 'bpmn:UserTask');
  const problem = relative && relative !== 'deadline' ? t('{value} (not valid)', { value: relative }) : relative && !onTask ? t('Only a boundary event on a user task can count from its deadline') : null;
  return h(
    'div',
    null,
    h(ToggleSwitchEntry, {
      id,
      element,
      label: t("Relative to the attached task's deadline"),
      switcherLabel: relative === 'deadline' ? t('From the deadline') : t('From when the event is reached'),
      getValue: () => relative === 'deadline',
      setValue: (on: boolean) => {
        if (def) modeling.updateModdleProperties(element, def, { 'grid:relativeTo': on ? 'deadline' : undefined });
      },
      description:
        relative === 'deadline'
          ? t('A duration is the time after the deadline (none: at the deadline); a cycle repeats after it')
          : t('Counted from when the task starts (boundary) or the event is reached'),
    }),
    problem ? h('div', { class: 'bio-properties-panel-error' }, problem) : null,
  );
};

export function timerEntries(element: DiagramElement): EntryDefinition[] {
  const def = timerDefinition(element);
  if (!def) return [];
  const entries = [entry(TimerCalendarEntry, { id: 'grid-timer-calendar' }, isSelectEntryEdited)];
  // counting from a deadline is for boundary events (on user tasks); shown elsewhere only to switch it off
  if (is(element, 'bpmn:BoundaryEvent') || text(def, 'grid:relativeTo')) entries.push(entry(RelativeToEntry, { id: 'grid-timer-relative' }));
  return entries;
}

export function describeTimer(element: DiagramElement, t: Translate): [string, string][] {
  const def = timerDefinition(element);
  if (!def) return [];
  const calendar = (text(def, 'grid:calendar') || 'clock') as CalendarName;
  const value = (['timeDuration', 'timeDate', 'timeCycle'] as const).map((k) => def.get(k) as ModdleElement | undefined).find(Boolean);
  const body = value?.get('body');
  return [
    [t('Timer value'), typeof body === 'string' && body ? body : t('(not set)')],
    [t('Calendar'), Object.hasOwn(CALENDAR_NAMES, calendar) ? t(CALENDAR_NAMES[calendar]) : calendar],
    [t("Relative to the attached task's deadline"), text(def, 'grid:relativeTo') === 'deadline' ? t('Yes') : t('No')],
  ];
}
