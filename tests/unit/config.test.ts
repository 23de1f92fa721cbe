import { ConfigError, loadConfig } from '../../platform/config';

describe('configuration from the environment', () => {
  it('given nothing set, uses the local defaults', () => {
    const cfg = loadConfig({}, '/srv/gridcase');
    expect(cfg.http.port).toBe(3000);
    expect(cfg.database.url).toBeUndefined();
    expect(cfg.database.localPort).toBe(3307);
    expect(cfg.database.name).toBe('gridcase');
    expect(cfg.database.testName).toBe('gridcase_test');
    expect(cfg.temporal.address).toBeUndefined();
    expect(cfg.temporal.localPort).toBe(7233);
    expect(cfg.temporal.namespace).toBe('default');
    expect(cfg.dataDir).toBe('/srv/gridcase/.data');
    expect(cfg.temporal.tls).toBeUndefined();
    expect(cfg.worker.maxCachedWorkflows).toBeUndefined();
    expect(cfg.worker.stickyQueueScheduleToStartTimeoutMs).toBe(60_000);
    expect(cfg.worker.maxConcurrentWorkflowTaskPolls).toBe(20);
    expect(cfg.auth.allowDemoPasswords).toBe(false);
  });

  it('given GRIDCASE_ALLOW_DEMO_PASSWORDS=1 (or true), the production API may start with demo passwords; 0 or false keeps the refusal', () => {
    for (const v of ['1', 'true']) expect(loadConfig({ GRIDCASE_ALLOW_DEMO_PASSWORDS: v }, '/x').auth.allowDemoPasswords).toBe(true);
    for (const v of ['0', 'false', '']) expect(loadConfig({ GRIDCASE_ALLOW_DEMO_PASSWORDS: v }, '/x').auth.allowDemoPasswords).toBe(false);
  });

  it('given GRIDCASE_CALLER_CACHE_MS, the API reuses a caller that long (5 s unset, 0 reads it on every request)', () => {
    expect(loadConfig({}, '/x').auth.callerCacheMs).toBe(5000);
    expect(loadConfig({ GRIDCASE_CALLER_CACHE_MS: '250' }, '/x').auth.callerCacheMs).toBe(250);
    expect(loadConfig({ GRIDCASE_CALLER_CACHE_MS: '0' }, '/x').auth.callerCacheMs).toBe(0);
    expect(() => loadConfig({ GRIDCASE_CALLER_CACHE_MS: '-1' }, '/x')).toThrow(ConfigError);
  });

  it('given a worker cache size, keeps it (0 turns the cache off)', () => {
    expect(loadConfig({ GRIDCASE_WORKER_MAX_CACHED_WORKFLOWS: '20000' }, '/x').worker.maxCachedWorkflows).toBe(20000);
    expect(loadConfig({ GRIDCASE_WORKER_MAX_CACHED_WORKFLOWS: '0' }, '/x').worker.maxCachedWorkflows).toBe(0);
  });

  it('given the worker\'s sticky queue timeout and workflow-task polls, keeps them', () => {
    const cfg = loadConfig({ GRIDCASE_WORKER_STICKY_TIMEOUT_MS: '120000', GRIDCASE_WORKER_WORKFLOW_TASK_POLLS: '8' }, '/x');
    expect(cfg.worker).toMatchObject({ stickyQueueScheduleToStartTimeoutMs: 120_000, maxConcurrentWorkflowTaskPolls: 8 });
  });

  it('given external services, keeps their addresses', () => {
    const cfg = loadConfig({ DATABASE_URL: 'mysql://u:p@db:3306/gc', TEMPORAL_ADDRESS: 'temporal.prod:7233', TEMPORAL_NAMESPACE: 'gridcase-prod', TEMPORAL_API_KEY: 'k' }, '/x');
    expect(cfg.database.url).toBe('mysql://u:p@db:3306/gc');
    expect(cfg.temporal.address).toBe('temporal.prod:7233');
    expect(cfg.temporal.namespace).toBe('gridcase-prod');
    expect(cfg.temporal.tls).toBeDefined();
  });

  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['PORT', { PORT: '70000' }],
    ['GRIDCASE_DB_PORT', { GRIDCASE_DB_PORT: '0' }],
    ['DATABASE_URL', { DATABASE_URL: 'postgres://x@y/z' }],
    ['TEMPORAL_ADDRESS', { TEMPORAL_ADDRESS: 'no-port' }],
    ['TEMPORAL_TLS_KEY', { TEMPORAL_TLS_CERT: '/c.pem' }],
    ['GRIDCASE_DB_NAME', { GRIDCASE_DB_NAME: 'bad;name' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['GRIDCASE_WORKER_MAX_CACHED_WORKFLOWS', { GRIDCASE_WORKER_MAX_CACHED_WORKFLOWS: '-1' }],
    ['GRIDCASE_WORKER_MAX_CACHED_WORKFLOWS', { GRIDCASE_WORKER_MAX_CACHED_WORKFLOWS: 'many' }],
    ['GRIDCASE_ALLOW_DEMO_PASSWORDS', { GRIDCASE_ALLOW_DEMO_PASSWORDS: 'yes please' }],
    ['GRIDCASE_WORKER_STICKY_TIMEOUT_MS', { GRIDCASE_WORKER_STICKY_TIMEOUT_MS: '0' }],
    ['GRIDCASE_WORKER_WORKFLOW_TASK_POLLS', { GRIDCASE_WORKER_WORKFLOW_TASK_POLLS: '1' }],
    ['GRIDCASE_WORKER_WORKFLOW_TASK_POLLS', { GRIDCASE_WORKER_WORKFLOW_TASK_POLLS: '41' }],
  ])('rejects a bad %s and names the variable', (variable, env) => {
    let error: unknown;
    try {
      loadConfig(env as NodeJS.ProcessEnv, '/x');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as Error).message).toMatch(new RegExp(`^${variable}: `));
  });
});
