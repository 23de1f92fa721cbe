/**
 * What the designer's bpmn-js modules read from the modeler's config (`gridDesigner`): the pick
 * lists of the properties panel, fed by the API (org tree, departments, categories) when the
 * editor opens, and the UI language.
 */
export type Lang = 'zh-CN' | 'en';

export interface OrgUnitOption {
  id: number;
  name: string;
  /** CITY, DISTRICT, TOWNSHIP, VILLAGE (GRID units are not assignees) */
  level: string;
  parentId: number | null;
}

export interface DepartmentOption {
  /** department kind used by assignee rules: CG, HB, FY … */
  kind: string;
  /** a display name of that kind (e.g. 城市管理委员会) */
  name: string;
}

export interface GridDesignerOptions {
  lang: Lang;
  /** the org tree in the administrator's scope (to show which unit a tier rule reaches, by example) */
  orgUnits: OrgUnitOption[];
  /** department kinds of the district(s) in scope */
  departments: DepartmentOption[];
  /** true when the diagram is opened read-only (an old version, a diff) */
  readOnly?: boolean;
}

export const GRID_DESIGNER_CONFIG = 'gridDesigner';
