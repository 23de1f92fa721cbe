/**
 * What the case engine runs, as the designer's menus know it (the compiler in process/ is the
 * authority and its lint marks anything else; these lists only keep the menus from offering it).
 */
export const PALETTE_KEEP = new Set(['hand-tool', 'lasso-tool', 'space-tool', 'global-connect-tool', 'tool-separator', 'create.start-event', 'create.end-event', 'create.exclusive-gateway', 'create.subprocess-expanded']);

export const CONTEXT_PAD_DROP = new Set([
  'append.append-task',
  'append.compensation-activity',
  'append.condition-intermediate-event',
  'append.signal-intermediate-event',
  'append.receive-task',
  'append.intermediate-event',
  'lane-insert-above',
  'lane-insert-below',
  'lane-divide-two',
  'lane-divide-three',
]);

const REPLACE_KEEP = [
  'user-task',
  'service-task',
  'expanded-subprocess',
  'subprocess',
  'exclusive-gateway',
  'parallel-gateway',
  'inclusive-gateway',
  'none-start',
  'none-end',
  'terminate-end',
  'escalation-end',
  'message-intermediate-catch',
  'timer-intermediate-catch',
  'message-boundary',
  'timer-boundary',
  'escalation-boundary',
  'non-interrupting-message-boundary',
  'non-interrupting-timer-boundary',
  'non-interrupting-escalation-boundary',
  'default-flow',
  'sequence-flow',
  'conditional-flow',
];
export const REPLACE_ENTRIES_KEEP = new Set(REPLACE_KEEP.map((id) => `replace-with-${id}`));
/** Header toggles of the replace menu: loops and multi-instance do not run; interrupting or not does. */
export const REPLACE_HEADER_KEEP = new Set(['toggle-non-interrupting']);

/** Lint rules whose findings mean "the engine cannot run this element" (drawn hatched, with the reason). */
export const UNSUPPORTED_RULE = /(^|\/)supported$/;
