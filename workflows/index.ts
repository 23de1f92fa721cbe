/** Every workflow type the GridCase worker runs. */
export { broadcastNotice } from './notice';
export { caseWorkflow } from './case';
