/** The console's texts in English. */
import type zh from './zh-CN';

const en: typeof zh = {
  app: { name: 'GridCase grid management', short: 'GridCase', signOut: 'Sign out', language: 'Language', docs: 'API docs' },
  roles: { ADMINISTRATOR: 'Administrator', DISPATCHER: 'Dispatcher', HANDLER: 'Handler', GRID_WORKER: 'Grid worker', SUPERVISOR: 'Supervisor', AUDITOR: 'Auditor', REPORTER: 'Reporter' },
  nav: { processes: 'Processes', categories: 'Categories', inbox: 'Inbox', supervision: 'Supervision', cases: 'Cases', reports: 'My reports' },
  signIn: {
    title: 'Sign in', subtitle: 'Grid management · case handling', username: 'Username', password: 'Password', submit: 'Sign in',
    required: 'Enter your username and password', failed: 'Sign-in failed',
  },
  processes: {
    title: 'Process definitions', search: 'Search key or name', key: 'Key', name: 'Name', usedBy: 'Used by categories', latest: 'Current version', deployedBy: 'Deployed by',
    deployedAt: 'Deployed at', versions: 'Versions', cases: 'Cases', draft: 'Draft', hasDraft: 'Has an undeployed draft', none: 'Not deployed', actions: 'Actions', edit: 'Design',
    history: 'Versions', bind: 'Bind categories', newProcess: 'New process', fromTemplate: 'Reference process', empty: '(blank process)', create: 'Create', cancel: 'Cancel',
    keyHint: 'lower-case letters, digits and hyphens, e.g. env-complaint', created: 'Process created', bindTitle: 'Bind categories to process {key}', bindHint: 'New cases of the selected categories will run this process',
    bound: '{n} categories updated', noCategories: 'none', readOnlyNote: 'Only city administrators may change processes', importFile: 'Import a BPMN file', caseCount: '{total} ({open} open)',
  },
  versions: {
    title: 'Versions of {name}', version: 'Version', comment: 'Comment', deployedBy: 'Deployed by', deployedAt: 'Deployed at', cases: 'Cases', open: 'Open', compare: 'Compare',
    compareWith: 'Compare with the previous', compareDraft: 'Compare with the draft', latest: 'latest',
  },
  editor: {
    save: 'Save draft', saved: 'Draft saved', deploy: 'Deploy', deployTitle: 'Deploy as version {n}', comment: 'Comment', commentHint: 'What changed in this version (shown in the version list)',
    deployed: 'Version {n} deployed', unchanged: 'The draft equals the newest version: nothing deployed', undo: 'Undo', redo: 'Redo', validate: 'Check', valid: 'No errors: ready to deploy',
    problems: 'Problems', errors: '{n} errors', warnings: '{n} warnings', noProblems: 'No problems', readOnly: 'Read-only: version {n}', backToDraft: 'Edit the draft', versions: 'Versions',
    import: 'Import file', export: 'Download BPMN', unsaved: 'Unsaved changes', leaveConfirm: 'You have unsaved changes. Leave anyway?', conflict: 'Another administrator changed the draft',
    conflictDetail: 'Another administrator saved the draft after you opened it. Your changes are still in the editor: download them, or load the newest draft.', reload: 'Load the newest draft', keep: 'Keep my changes',
    cannotDeploy: 'Cannot deploy', unsupported: 'This diagram holds elements GridCase cannot run', lintErrors: 'Fix the errors in the diagram first', saveFailed: 'Not saved; your changes are still in the editor',
    deployFailed: 'Not deployed; your changes are still in the editor', newFromTemplate: 'Start from a reference process', fileRefused: 'File refused', loading: 'Loading…', dirty: 'Unsaved', clean: 'Saved',
    serverErrors: 'The server found {n} errors', element: 'Element', message: 'Message', diff: 'Compare versions',
  },
  diff: {
    title: 'Compare {key}', left: 'Older', right: 'Newer', draft: 'Draft', added: 'Added', removed: 'Removed', changed: 'Changed', moved: 'Moved', property: 'Property',
    before: 'Before', after: 'After', noChanges: 'The two versions do not differ', summary: '{added} added · {removed} removed · {changed} changed · {moved} moved', compare: 'Compare',
  },
  common: { back: 'Back', close: 'Close', confirm: 'OK', cancel: 'Cancel', loading: 'Loading…', notFound: 'Page not found', retry: 'Retry' },
};
export default en;
