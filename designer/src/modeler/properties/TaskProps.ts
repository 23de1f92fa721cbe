/**
 * Inbox priority (grid:priority, an integer, higher first) and whether the task may be
 * escalated as "cannot handle here" (grid:escalatable; by default allowed for tier rules only).
 */
import { isTierBased, parseAssigneeRule } from '@process/assignee';
import { entry, h, isNumberFieldEntryEdited, NumberFieldEntry, ToggleSwitchEntry, useServices, type FunctionComponent } from './panel';
import { attr, setAttrs, type DiagramElement, type Translate } from './util';

interface Props {
  id: string;
  element: DiagramElement;
}

/** What the engine does when grid:escalatable is not set: allowed for tier:current and tier:parent. */
export function defaultEscalatable(element: DiagramElement): boolean {
  try {
    return isTierBased(parseAssigneeRule(attr(element, 'grid:assignee')));
  } catch {
    return false;
  }
}

export function escalatable(element: DiagramElement): boolean {
  const v = element.businessObject.get('grid:escalatable');
  return typeof v === 'boolean' ? v : defaultEscalatable(element);
}

const PriorityEntry: FunctionComponent<Props> = ({ id, element }) => {
  const { modeling, translate: t, debounce } = useServices();
  const value = element.businessObject.get('grid:priority');
  return h(NumberFieldEntry, {
    id,
    element,
    label: t('Priority'),
    step: 1,
    debounce,
    getValue: () => (typeof value === 'number' ? value : undefined),
    setValue: (v: number | undefined, error?: string | null) => {
      if (!error) setAttrs(modeling, element, { 'grid:priority': v });
    },
    validate: (v: number | undefined) => (v !== undefined && !Number.isInteger(v) ? t('A whole number') : null),
    description: t('Higher first in inboxes; empty is 0'),
  });
};

const EscalatableEntry: FunctionComponent<Props> = ({ id, element }) => {
  const { modeling, translate: t } = useServices();
  const set = typeof element.businessObject.get('grid:escalatable') === 'boolean';
  return h(ToggleSwitchEntry, {
    id,
    element,
    label: t('May be escalated'),
    switcherLabel: escalatable(element) ? t('Allowed') : t('Not allowed'),
    getValue: () => escalatable(element),
    setValue: (v: boolean) => setAttrs(modeling, element, { 'grid:escalatable': v }),
    description: set ? t('The "cannot handle here" action: the case moves one tier up') : t('Not set: allowed for the current and parent tier rules, not for others'),
  });
};

export function taskEntries() {
  return [entry(EscalatableEntry, { id: 'grid-escalatable' }), entry(PriorityEntry, { id: 'grid-priority' }, isNumberFieldEntryEdited)];
}

export function describePriority(element: DiagramElement): string {
  const v = element.businessObject.get('grid:priority');
  return typeof v === 'number' ? String(v) : '0';
}

export function describeEscalatable(element: DiagramElement, t: Translate): string {
  return escalatable(element) ? t('Allowed') : t('Not allowed');
}
