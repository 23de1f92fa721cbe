/** Every workflow type the GridCase worker runs. */
export { auditCheckpoints } from './audit';
export { broadcastNotice } from './notice';
export { caseWorkflow } from './case';
