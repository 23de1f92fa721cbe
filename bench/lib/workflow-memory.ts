/**
 * Heap taken by one case workflow's own copies of the workflow bundle's modules. With
 * reuseV8Context (the SDK default) all workflows share one V8 context, but every workflow gets its
 * own webpack module cache (@temporalio/worker lib/workflow/reusable-vm.js routes
 * `__webpack_module_cache__` to the current workflow's), so each cached workflow instantiates every
 * module it imports once more. Measured here the same way, in this process: the bundle is
 * evaluated once in a fresh context and its workflows imported `runs` times with a fresh module
 * cache each time; with `ignoreModules` a dependency is replaced by the bundler's stub.
 */
import vm from 'node:vm';
import v8 from 'node:v8';
import { bundleWorkflowCode } from '@temporalio/worker';

const quiet = { info() {}, warn() {}, error() {}, debug() {}, trace() {}, log() {} };

export async function moduleHeapPerWorkflow(workflowsPath: string, opts: { ignoreModules?: string[]; runs?: number } = {}): Promise<{ bundleBytes: number; perWorkflowBytes: number }> {
  const { code } = await bundleWorkflowCode({ workflowsPath, ignoreModules: opts.ignoreModules ?? [], logger: quiet as never });
  let current: Map<string | symbol, unknown> | null = null;
  const shared = new Map<string | symbol, unknown>();
  const context: Record<string, unknown> = {};
  Object.defineProperty(context, '__webpack_module_cache__', {
    value: new Proxy(
      {},
      {
        get: (_, p) => shared.get(p) ?? current?.get(p),
        set: (_, p, v) => {
          (current ?? shared).set(p, v);
          return true;
        },
      },
    ),
  });
  vm.createContext(context);
  new vm.Script(code).runInContext(context);
  const api = context.__TEMPORAL__ as { importWorkflows(): unknown };
  const kept: unknown[] = [];
  const load = () => {
    current = new Map();
    kept.push(api.importWorkflows(), current);
    current = null;
  };
  load();
  const used = () => {
    // settle the heap as far as this process can without --expose-gc
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
  const runs = opts.runs ?? 50;
  const before = used();
  for (let i = 0; i < runs; i++) load();
  const after = used();
  kept.length = 0;
  return { bundleBytes: code.length, perWorkflowBytes: (after - before) / runs };
}
