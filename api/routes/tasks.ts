/** /api/tasks (the inbox) and /api/approvals. */
import { Router } from 'express';
import type { ApiDeps } from '../deps';
import { allow, authenticate, callerOf } from '../auth/middleware';
import { idempotencyKey, idempotent } from '../http/idempotency';
import { input, validate } from '../http/validate';
import { decideApproval, listApprovals, type ApprovalListQuery } from '../services/approvals';
import { actOnTask, getTask, listTasks, type ActionInput, type TaskAction, type TaskListQuery } from '../services/tasks';

const ACTIONS: Record<TaskAction, string> = {
  claim: 'EmptyBody',
  unclaim: 'EmptyBody',
  complete: 'CompleteBody',
  escalate: 'ReasonBody',
  return: 'ReasonBody',
  extend: 'DurationBody',
  defer: 'DurationBody',
  void: 'ReasonBody',
  comment: 'CommentBody',
};

const ACTING = ['HANDLER', 'DISPATCHER', 'GRID_WORKER', 'SUPERVISOR'] as const;

export function taskRoutes(deps: ApiDeps): Router {
  const r = Router();
  const auth = authenticate(deps.prisma, deps.tokens);
  const once = idempotent(deps.prisma);

  r.get('/api/tasks', auth, validate({ query: 'TaskListQuery' }), async (req, res) => {
    res.json(await listTasks(deps, callerOf(req), input<unknown, TaskListQuery>(req).query));
  });

  r.get('/api/tasks/:id', auth, validate({ params: 'TaskIdParams' }), async (req, res) => {
    res.json(await getTask(deps, callerOf(req), input<unknown, unknown, { id: string }>(req).params.id));
  });

  for (const [action, schema] of Object.entries(ACTIONS) as [TaskAction, string][]) {
    r.post(`/api/tasks/:id/${action}`, auth, allow(...ACTING), validate({ params: 'TaskIdParams', body: schema }), once, async (req, res) => {
      const { params, body } = input<ActionInput, unknown, { id: string }>(req);
      res.json(await actOnTask(deps, callerOf(req), params.id, action, body, idempotencyKey(req)));
    });
  }

  r.get('/api/approvals', auth, validate({ query: 'ApprovalListQuery' }), async (req, res) => {
    res.json(await listApprovals(deps, callerOf(req), input<unknown, ApprovalListQuery>(req).query));
  });

  for (const decision of ['approve', 'reject'] as const) {
    r.post(`/api/approvals/:id/${decision}`, auth, allow('SUPERVISOR'), validate({ params: 'ApprovalIdParams', body: 'DecisionBody' }), once, async (req, res) => {
      const { params, body } = input<{ note?: string }, unknown, { id: string }>(req);
      res.json(await decideApproval(deps, callerOf(req), params.id, decision === 'approve', body.note, idempotencyKey(req)));
    });
  }
  return r;
}
