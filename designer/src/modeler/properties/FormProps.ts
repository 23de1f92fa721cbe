/**
 * The task form in the panel: a one-line summary of its fields and an "Edit form" button that
 * asks the page to open the form editor (event `grid.form.edit` with `{ element, schema }`);
 * the page saves through writeFormSchema (./form.ts).
 */
import { entry, h, useServices, type FunctionComponent } from './panel';
import { FORM_EDIT_EVENT, formElements, readFormSchema, summarizeForm, writeFormSchema } from './form';
import type { DiagramElement } from './util';

interface Props {
  id: string;
  element: DiagramElement;
  readOnly: boolean;
}

export const FormEntry: FunctionComponent<Props> = ({ id, element, readOnly }) => {
  const { translate: t, eventBus, modeling } = useServices();
  const schema = readFormSchema(element);
  const summary = summarizeForm(schema, t);
  const several = formElements(element.businessObject).length > 1;
  const button = (label: string, onClick: () => void, extra = '') =>
    h('button', { type: 'button', class: `grid-panel-button${extra}`, onClick }, label);
  return h(
    'div',
    { class: 'bio-properties-panel-entry grid-form-entry', 'data-entry-id': id },
    h('div', { class: 'bio-properties-panel-label' }, t('Task form')),
    h('div', { class: `grid-form-summary${summary.error ? ' grid-form-summary--error' : ''}`, title: summary.text }, summary.text),
    several ? h('div', { class: 'bio-properties-panel-error' }, t('The task has more than one form; only the first is used here')) : null,
    readOnly
      ? null
      : h(
          'div',
          { class: 'grid-panel-buttons' },
          button(t('Edit form'), () => eventBus.fire(FORM_EDIT_EVENT, { element, schema })),
          schema !== null ? button(t('Remove form'), () => writeFormSchema(modeling, element, null), ' grid-panel-button--secondary') : null,
        ),
  );
};

export function formEntries(readOnly = false) {
  return [entry(FormEntry, { id: 'grid-form', readOnly })];
}
