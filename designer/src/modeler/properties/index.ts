/**
 * GridCase's properties panel module: the grid: attributes with a real control each. Mount it
 * after bpmn-js-properties-panel's modules:
 *
 *   additionalModules: [TranslateModule, BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, GridPropertiesModule, …]
 *
 * It reads the modeler's `gridDesigner` config (../options.ts: orgUnits and departments feed the
 * pickers, readOnly shows text only). The "Edit form" button fires `grid.form.edit` with
 * `{ element, schema }`; the page opens components/FormSchemaEditor.vue and saves with
 * writeFormSchema.
 */
import { GridPropertiesProvider } from './GridPropertiesProvider';
import './grid-properties.css';

export const GridPropertiesModule = {
  __init__: ['gridPropertiesProvider'],
  gridPropertiesProvider: ['type', GridPropertiesProvider],
};

export { GridPropertiesProvider };
export { FORM_EDIT_EVENT, readFormSchema, summarizeForm, writeFormSchema } from './form';
