/**
 * Service tasks: the GridCase activity to run (grid:action), whom it concerns (grid:target: an
 * assignee rule for notify, a department for handOver) and the notification text (grid:message).
 */
import { SERVICE_ACTIONS, type ServiceAction } from '@process/model';
import { entry, h, isSelectEntryEdited, isTextAreaEntryEdited, SelectEntry, TextAreaEntry, useServices, type EntryDefinition, type FunctionComponent } from './panel';
import { ACTION_DESCRIPTIONS, ACTION_NAMES, actionOptions } from './labels';
import { rulePickerEntries, type RulePickerConfig } from './AssigneeProps';
import { DEPARTMENT_KINDS, RULE_KINDS, ruleState } from './rules';
import { attr, setAttrs, type DiagramElement, type Translate } from './util';

export const NOTIFY_TARGET: RulePickerConfig = { attribute: 'grid:target', idPrefix: 'grid-target', label: 'Notify whom', kinds: RULE_KINDS, required: true, defaultRole: 'supervisor' };
export const HAND_OVER_TARGET: RulePickerConfig = { attribute: 'grid:target', idPrefix: 'grid-target', label: 'Hand over to', kinds: DEPARTMENT_KINDS, required: true, defaultRole: 'handler' };

function action(element: DiagramElement): string {
  return attr(element, 'grid:action');
}

interface Props {
  id: string;
  element: DiagramElement;
}

const ActionEntry: FunctionComponent<Props> = ({ id, element }) => {
  const { modeling, translate: t } = useServices();
  const current = action(element);
  return h(SelectEntry, {
    id,
    element,
    label: t('Action'),
    getValue: () => current,
    setValue: (value: string) => {
      const attrs: Record<string, unknown> = { 'grid:action': value || undefined };
      // a target the new action cannot use goes with the same command (one undo restores it);
      // the message stays (only notify reads it), so switching back to notify keeps the text
      const target = ruleState(attr(element, 'grid:target'));
      if (value !== 'notify' && value !== 'handOver') attrs['grid:target'] = undefined;
      if (value === 'handOver' && target.kind !== '' && !(DEPARTMENT_KINDS as readonly string[]).includes(target.kind)) attrs['grid:target'] = undefined;
      setAttrs(modeling, element, attrs);
    },
    getOptions: () => actionOptions(t, current),
    validate: (value: string) => (!value ? t('Required') : !(SERVICE_ACTIONS as readonly string[]).includes(value) ? t('Not an action GridCase knows') : null),
    description: (SERVICE_ACTIONS as readonly string[]).includes(current) ? t(ACTION_DESCRIPTIONS[current as ServiceAction]) : undefined,
  });
};

const MessageEntry: FunctionComponent<Props> = ({ id, element }) => {
  const { modeling, translate: t, debounce } = useServices();
  return h(TextAreaEntry, {
    id,
    element,
    label: t('Notification text'),
    rows: 3,
    debounce,
    getValue: () => attr(element, 'grid:message'),
    setValue: (value: string | undefined) => setAttrs(modeling, element, { 'grid:message': value || undefined }),
    description: t('The text of the notification'),
  });
};

export function serviceTaskEntries(element: DiagramElement): EntryDefinition[] {
  const entries = [entry(ActionEntry, { id: 'grid-action' }, isSelectEntryEdited)];
  const a = action(element);
  if (a === 'notify') entries.push(...rulePickerEntries(element, NOTIFY_TARGET), entry(MessageEntry, { id: 'grid-message' }, isTextAreaEntryEdited));
  if (a === 'handOver') entries.push(...rulePickerEntries(element, HAND_OVER_TARGET));
  return entries;
}

export function describeAction(element: DiagramElement, t: Translate): string {
  const a = action(element);
  return !a ? t('(not set)') : (SERVICE_ACTIONS as readonly string[]).includes(a) ? t(ACTION_NAMES[a as ServiceAction]) : t('{value} (not valid)', { value: a });
}
