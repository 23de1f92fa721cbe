/** The process interpreter (engine.ts) and the data it keeps and hands out (types.ts). */
export { Engine } from './engine';
export { newEngineState } from './state';
export {
  EngineError,
  SYSTEM_ACTOR,
  WITHDRAWABLE_STATUSES,
  type Actor,
  type Approval,
  type ApprovalKind,
  type AuditRecord,
  type CaseFacts,
  type EnginePatch,
  type EngineState,
  type Instance,
  type NotificationRecord,
  type TaskInfo,
  type TaskOpened,
  type TaskState,
  type TimerState,
  type Token,
} from './types';
