import { GridContextPad, GridPalette, GridReplaceMenu } from './menus';
import { UnsupportedMarking } from './marking';

/** Only what runs: trimmed menus and marked unsupported elements. */
export const SupportedElementsModule = {
  __init__: ['gridPalette', 'gridContextPad', 'gridReplaceMenu', 'unsupportedMarking'],
  gridPalette: ['type', GridPalette],
  gridContextPad: ['type', GridContextPad],
  gridReplaceMenu: ['type', GridReplaceMenu],
  unsupportedMarking: ['type', UnsupportedMarking],
};

/** For the read-only viewers: the marking alone. */
export const UnsupportedMarkingModule = { __init__: ['unsupportedMarking'], unsupportedMarking: ['type', UnsupportedMarking] };
