// bpmn-js-i18n-zh (MIT) ships plain ES modules without type declarations.
// @ts-expect-error no type declarations
import bpmnJs from 'bpmn-js-i18n-zh/lib/bpmn-js/index.js';
// @ts-expect-error no type declarations
import propertiesPanel from 'bpmn-js-i18n-zh/lib/properties-panel/index.js';

export const bpmnJsZh = bpmnJs as Record<string, string>;
export const propertiesPanelZh = propertiesPanel as Record<string, string>;
