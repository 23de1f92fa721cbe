/**
 * bpmn-js's `translate` service in the console's language: bpmn-js's own texts from the
 * community zh-CN translation (bpmn-js-i18n-zh, MIT), GridCase's own texts (palette trimming,
 * the grid: properties, lint) from gridZh. English is bpmn-js's own wording.
 */
import { bpmnJsZh, propertiesPanelZh } from './vendor';
import { gridZh } from './grid-zh';
import { GRID_DESIGNER_CONFIG, type GridDesignerOptions } from '../options';

const zh: Record<string, string> = { ...bpmnJsZh, ...propertiesPanelZh, ...gridZh };

export function createTranslate(lang: GridDesignerOptions['lang']) {
  return function translate(template: string, replacements?: Record<string, unknown>): string {
    const text = lang === 'zh-CN' ? zh[template] ?? template : template;
    return text.replace(/{([^}]+)}/g, (_m, key: string) => String(replacements?.[key] ?? `{${key}}`));
  };
}

function TranslateFactory(config: Record<string, unknown>) {
  const options = config[GRID_DESIGNER_CONFIG] as GridDesignerOptions | undefined;
  return createTranslate(options?.lang ?? 'zh-CN');
}
TranslateFactory.$inject = ['config'];

export const TranslateModule = { translate: ['factory', TranslateFactory] };
