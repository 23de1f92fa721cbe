/**
 * The case workflow's patch ids (patched(id)) for behaviour added after the first release, so
 * that recorded histories replay as they ran. The engine's own patches are EnginePatch
 * (process/engine/types.ts).
 */

/**
 * Cases reported without a point (facts.locateMe, added after the first release): they start at
 * the district, and completing their first task places them (grid, village, township; the tier
 * back to the village, where a located report starts). Only such cases reach the patch, so the
 * histories of every other case replay unchanged.
 */
export const LOCATE_ME_PATCH = 'locate-me';
/**
 * 撤回 before dispatch (withdrawUpdate, added after the first release as a new update handler, so
 * histories without it replay unchanged). The marker names the histories that used it, so a later
 * change to what it does can branch on it.
 */
export const WITHDRAW_PATCH = 'withdraw-before-dispatch';
/**
 * A task completed with a category (立案 classifies an unclassified report, or corrects the
 * category): the case's facts take it before the next tasks are dispatched (CaseSession.classify).
 */
export const REGISTER_CLASSIFIES_PATCH = 'register-classifies';
/**
 * The case's short database activities (applyCaseChange, prepareTask, computeTimes,
 * loadCategoryFacts, loadProcessModel) run as local activities (caseActs in case-session.ts): each
 * is one MarkerRecorded event in the history instead of ActivityTaskScheduled/Started/Completed
 * and a further workflow task, and a write that finishes within the workflow task needs no second
 * one. Histories recorded before the patch replay their normal activities unchanged; a case that
 * was running when the patch was deployed switches at its next call. A local activity may run
 * again after a worker crash before its marker is recorded: applyCaseChange is idempotent on
 * (caseId, firstSeq), the others only read.
 */
export const LOCAL_ACTIVITIES_PATCH = 'local-case-activities';
/**
 * Timers that fire together are handled in one step (added after the first release): a fired
 * timer stays in the session's armed set until its callback has run (so a settle in between does
 * not arm it again as a 1 ms timer), and every timer that fired before the lock was free, with
 * every engine timer already due then (its durable timer may come in a later activation), is
 * applied to the engine in one go (by fire time, then reminder, overdue, boundary, catch, then id) before
 * one settle, whose first write carries all their rows (at a deadline: overdue, 督办, boundary,
 * escalate). Asked for when a timer first fires, so histories without firings replay unchanged.
 */
export const TIMERS_IN_ONE_STEP_PATCH = 'timers-in-one-step';
