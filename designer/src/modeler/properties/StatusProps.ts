/**
 * The case status a flow node sets when it is entered (grid:status, one of CASE_STATUSES) and
 * the status word shown to people (grid:statusLabel).
 */
import { CASE_STATUSES, type CaseStatusCode } from '@process/model';
import { entry, h, isSelectEntryEdited, isTextFieldEntryEdited, SelectEntry, TextFieldEntry, useServices, type FunctionComponent } from './panel';
import { STATUS_NAMES, statusOptions } from './labels';
import { attr, is, setAttrs, type DiagramElement, type Translate } from './util';

interface Props {
  id: string;
  element: DiagramElement;
}

const isStatus = (s: string): s is CaseStatusCode => (CASE_STATUSES as readonly string[]).includes(s);

const StatusEntry: FunctionComponent<Props> = ({ id, element }) => {
  const { modeling, translate: t } = useServices();
  const status = attr(element, 'grid:status');
  const topLevelEnd = is(element, 'bpmn:EndEvent') && is(element.businessObject.$parent, 'bpmn:Process');
  return h(SelectEntry, {
    id,
    element,
    label: t('Status on entry'),
    getValue: () => status,
    setValue: (value: string) => setAttrs(modeling, element, { 'grid:status': value || undefined }),
    getOptions: () => statusOptions(t, status),
    validate: (value: string) => (value && !isStatus(value) ? t('Not a case status') : null),
    description: !status && topLevelEnd ? t('Not set: reaching this end closes the case') : t('Set when the case reaches this element'),
  });
};

const StatusLabelEntry: FunctionComponent<Props> = ({ id, element }) => {
  const { modeling, translate: t, debounce } = useServices();
  const status = attr(element, 'grid:status');
  return h(TextFieldEntry, {
    id,
    element,
    label: t('Status label'),
    debounce,
    getValue: () => attr(element, 'grid:statusLabel'),
    setValue: (value: string | undefined) => setAttrs(modeling, element, { 'grid:statusLabel': value || undefined }),
    placeholder: isStatus(status) ? t(STATUS_NAMES[status]) : undefined,
    description: t('The status word people see (待受理, 处置中 …)'),
  });
};

export function statusEntries() {
  return [entry(StatusEntry, { id: 'grid-status' }, isSelectEntryEdited), entry(StatusLabelEntry, { id: 'grid-status-label' }, isTextFieldEntryEdited)];
}

export function describeStatus(element: DiagramElement, t: Translate): [string, string][] {
  const status = attr(element, 'grid:status');
  const label = attr(element, 'grid:statusLabel');
  const rows: [string, string][] = [];
  if (status) rows.push([t('Status on entry'), isStatus(status) ? `${t(STATUS_NAMES[status])} · ${status}` : t('{value} (not valid)', { value: status })]);
  if (label) rows.push([t('Status label'), label]);
  return rows;
}
