/**
 * The properties panel provider of GridCase's grid: attributes. Registered below
 * bpmn-js-properties-panel's own provider (priority 500), it adds its groups to theirs:
 * 任务办理 and 时限与催办 on user tasks, 服务动作 on service tasks, 计时器 on timer events,
 * 状态 on every flow node. A read-only diagram (gridDesigner.readOnly) gets the same groups as
 * plain text, and no other group (nothing in the panel can edit it).
 */
import type { EntryDefinition, GroupDefinition } from '@bpmn-io/properties-panel/dist/index.esm.js';
import { entry, ReadOnlyEntry } from './panel';
import { ASSIGNEE_PICKER, describeRuleAttr, rulePickerEntries } from './AssigneeProps';
import { deadlineEntries, describeDeadline } from './DeadlineProps';
import { describeReminders, reminderEntries } from './ReminderProps';
import { describeOutcomes, outcomeEntries } from './OutcomeProps';
import { describeEscalatable, describePriority, taskEntries } from './TaskProps';
import { formEntries } from './FormProps';
import { describeAction, HAND_OVER_TARGET, NOTIFY_TARGET, serviceTaskEntries } from './ServiceTaskProps';
import { describeTimer, timerDefinition, timerEntries } from './TimerProps';
import { describeStatus, statusEntries } from './StatusProps';
import { attr, designerOptions, is, type DiagramElement, type Translate } from './util';
import type { GridDesignerOptions } from '../options';

export const LOW_PRIORITY = 500;

interface PropertiesPanel {
  registerProvider(priority: number, provider: { getGroups(element: unknown): (groups: GroupDefinition[]) => GroupDefinition[] }): void;
}

export class GridPropertiesProvider {
  static $inject = ['propertiesPanel', 'translate', 'config'];

  private readonly options: GridDesignerOptions;

  constructor(
    propertiesPanel: PropertiesPanel,
    private readonly translate: Translate,
    config: unknown,
  ) {
    this.options = designerOptions(config);
    propertiesPanel.registerProvider(LOW_PRIORITY, this);
  }

  getGroups(element: unknown): (groups: GroupDefinition[]) => GroupDefinition[] {
    return (groups) => {
      if (!element || typeof element !== 'object' || !('businessObject' in element)) return groups;
      const el = element as DiagramElement;
      if (this.options.readOnly) return readOnlyGroups(el, this.options, this.translate);
      const t = this.translate;
      const mine: GroupDefinition[] = [];
      if (is(el, 'bpmn:UserTask')) {
        mine.push(group('grid-task', t('Task handling'), [...rulePickerEntries(el, ASSIGNEE_PICKER), ...taskEntries(), ...outcomeEntries(), ...formEntries()]));
        mine.push(group('grid-deadline', t('Time limit and reminders'), [...deadlineEntries(el), ...reminderEntries()]));
      }
      if (is(el, 'bpmn:ServiceTask')) mine.push(group('grid-service', t('Service action'), serviceTaskEntries(el)));
      if (is(el, 'bpmn:FlowNode')) mine.push(group('grid-status', t('Case status'), statusEntries()));
      const result = [...groups];
      // GridCase's groups right after the general ones (name, id, documentation)
      const after = Math.max(result.findIndex((g) => g.id === 'general'), result.findIndex((g) => g.id === 'documentation'));
      result.splice(after + 1, 0, ...mine);
      if (timerDefinition(el)) {
        const timer = group('grid-timer', t('Timer calendar'), timerEntries(el));
        const at = result.findIndex((g) => g.id === 'timer');
        result.splice(at >= 0 ? at + 1 : result.length, 0, timer);
      }
      return result;
    };
  }
}

function group(id: string, label: string, entries: EntryDefinition[]): GroupDefinition {
  return { id, label, entries, shouldOpen: true };
}

function rows(prefix: string, list: [string, string, string?][]): EntryDefinition[] {
  return list.map(([label, value, description], i) => entry(ReadOnlyEntry, { id: `${prefix}-${i}`, label, value, description }));
}

/** The grid: groups as text, plus the element's id and name: what a read-only panel shows. */
export function readOnlyGroups(el: DiagramElement, options: GridDesignerOptions, t: Translate): GroupDefinition[] {
  const groups: GroupDefinition[] = [
    group('grid-readonly-general', t('General'), rows('grid-readonly-general', [
      [t('ID'), el.id],
      [t('Name'), attr(el, 'name') || t('(not set)')],
    ])),
  ];
  if (is(el, 'bpmn:UserTask')) {
    const assignee = describeRuleAttr(el, 'grid:assignee', options, t);
    groups.push(
      group('grid-task', t('Task handling'), rows('grid-readonly-task', [
        [t('Assignee'), assignee.value, assignee.example ?? undefined],
        [t('May be escalated'), describeEscalatable(el, t)],
        [t('Priority'), describePriority(el)],
        [t('Outcomes'), describeOutcomes(el, t)],
      ]).concat(formEntries(true))),
      group('grid-deadline', t('Time limit and reminders'), rows('grid-readonly-deadline', [
        [t('Time limit'), describeDeadline(el, t)],
        [t('Reminders'), describeReminders(el, t)],
      ])),
    );
  }
  if (is(el, 'bpmn:ServiceTask')) {
    const action = attr(el, 'grid:action');
    const list: [string, string, string?][] = [[t('Action'), describeAction(el, t)]];
    if (attr(el, 'grid:target')) {
      const target = describeRuleAttr(el, 'grid:target', options, t);
      list.push([t(action === 'handOver' ? HAND_OVER_TARGET.label : NOTIFY_TARGET.label), target.value, target.example ?? undefined]);
    }
    if (attr(el, 'grid:message')) list.push([t('Notification text'), attr(el, 'grid:message')]);
    groups.push(group('grid-service', t('Service action'), rows('grid-readonly-service', list)));
  }
  const timer = describeTimer(el, t);
  if (timer.length) groups.push(group('grid-timer', t('Timer calendar'), rows('grid-readonly-timer', timer)));
  const status = describeStatus(el, t);
  if (status.length) groups.push(group('grid-status', t('Case status'), rows('grid-readonly-status', status)));
  return groups;
}
