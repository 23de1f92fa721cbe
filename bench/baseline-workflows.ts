/** Every workflow the baseline worker (bench/baseline-worker.ts) runs: its `workflowsPath`. */
export * from './baseline-workflow';
export * from './baseline-timer-workflow';
