/** Every workflow type the GridCase worker runs. */
export { broadcastNotice } from './notice';
