/** The designer's bpmn-js modules, one per feature. */
export { TranslateModule } from './translate';
export { SupportedElementsModule, UnsupportedMarkingModule } from './supported';
export { ServerIssuesModule, type ServerIssue } from './lint/server-issues';
export { GRID_DESIGNER_CONFIG, type GridDesignerOptions } from './options';
export { CasePathModule, type PathDrawing } from './path';
