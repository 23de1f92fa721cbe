/**
 * GridCase's bpmnlint plugin ("gridcase"): the rules of GridCase's own checks, and the
 * `recommended` config that turns them all on as errors. Loaded by the one lint configuration
 * (process/lint-config.ts) that both the server's compiler and the designer's live lint
 * (bpmn-js-bpmnlint) use, so both run the same code on the same tree.
 *
 * Shaped like a bpmnlint plugin package (bpmnlint-plugin-gridcase): rules/<name> default-exports
 * a rule factory, `configs.recommended` is a config. Pure: no Node built-ins, bundles for the browser.
 */
import type { Config, RuleFactory } from 'bpmnlint/lib/types';
import { GRIDCASE_RULES, type GridcaseRule } from './findings';
import processRule from './rules/process';
import supported from './rules/supported';
import gridAttributes from './rules/grid-attributes';
import userTaskAssignee from './rules/user-task-assignee';
import userTaskDeadline from './rules/user-task-deadline';
import form from './rules/form';
import serviceTaskAction from './rules/service-task-action';
import condition from './rules/condition';
import timer from './rules/timer';
import message from './rules/message';
import flow from './rules/flow';
import boundary from './rules/boundary';
import gateway from './rules/gateway';
import start from './rules/start';
import reachable from './rules/reachable';
import reachesEnd from './rules/reaches-end';
import gatewayDefault from './rules/gateway-default';
import gatewayConditions from './rules/gateway-conditions';
import conditionalFlow from './rules/conditional-flow';
import modelSchema from './rules/model-schema';

export const rules: Record<GridcaseRule, RuleFactory> = {
  process: processRule,
  supported: supported,
  'grid-attributes': gridAttributes,
  'user-task-assignee': userTaskAssignee,
  'user-task-deadline': userTaskDeadline,
  form: form,
  'service-task-action': serviceTaskAction,
  condition: condition,
  timer: timer,
  message: message,
  flow: flow,
  boundary: boundary,
  gateway: gateway,
  start: start,
  reachable: reachable,
  'reaches-end': reachesEnd,
  'gateway-default': gatewayDefault,
  'gateway-conditions': gatewayConditions,
  'conditional-flow': conditionalFlow,
  'model-schema': modelSchema,
};

export const configs: Record<'recommended', Config> = {
  recommended: { rules: Object.fromEntries(GRIDCASE_RULES.map((rule) => [rule, 'error'])) },
};

export default { rules, configs };
