/**
 * The one lint configuration of GridCase diagrams: bpmnlint's recommended rules with GridCase's
 * overrides, plus GridCase's own rules (the gridcase plugin, process/lint-plugin). The server's
 * compiler (process/compiler.ts) and the designer's live lint use exactly this, so the browser
 * and the server run the same rule code with the same settings and cannot disagree:
 *
 *   server:   new Linter({ config, resolver }).lint(definitions)
 *   designer: new BpmnModeler({ linting: { bpmnlint: { config, resolver } }, additionalModules: [lintModule], moddleExtensions: { grid } })
 *
 * The resolver is static: every rule and config is imported here (no NodeResolver, no require by
 * name), so a bundler ships the same code the server runs. Pure: no Node built-ins.
 */
// The declarations of bpmnlint's modules travel with this module, for the designer's type checks too.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./lint-plugin/bpmnlint.d.ts" />
import StaticResolver from 'bpmnlint/lib/resolver/static-resolver';
import bpmnlintRecommended from 'bpmnlint/config/recommended';
import type { Config, RuleFactory } from 'bpmnlint/lib/types';
import adHocSubProcess from 'bpmnlint/rules/ad-hoc-sub-process';
import conditionalFlows from 'bpmnlint/rules/conditional-flows';
import endEventRequired from 'bpmnlint/rules/end-event-required';
import eventBasedGateway from 'bpmnlint/rules/event-based-gateway';
import eventSubProcessTypedStartEvent from 'bpmnlint/rules/event-sub-process-typed-start-event';
import fakeJoin from 'bpmnlint/rules/fake-join';
import globalRule from 'bpmnlint/rules/global';
import labelRequired from 'bpmnlint/rules/label-required';
import linkEvent from 'bpmnlint/rules/link-event';
import noBpmndi from 'bpmnlint/rules/no-bpmndi';
import noComplexGateway from 'bpmnlint/rules/no-complex-gateway';
import noDisconnected from 'bpmnlint/rules/no-disconnected';
import noDuplicateSequenceFlows from 'bpmnlint/rules/no-duplicate-sequence-flows';
import noGatewayJoinFork from 'bpmnlint/rules/no-gateway-join-fork';
import noImplicitSplit from 'bpmnlint/rules/no-implicit-split';
import noImplicitEnd from 'bpmnlint/rules/no-implicit-end';
import noImplicitStart from 'bpmnlint/rules/no-implicit-start';
import noInclusiveGateway from 'bpmnlint/rules/no-inclusive-gateway';
import noOverlappingElements from 'bpmnlint/rules/no-overlapping-elements';
import singleBlankStartEvent from 'bpmnlint/rules/single-blank-start-event';
import singleEventDefinition from 'bpmnlint/rules/single-event-definition';
import startEventRequired from 'bpmnlint/rules/start-event-required';
import subProcessBlankStartEvent from 'bpmnlint/rules/sub-process-blank-start-event';
import superfluousGateway from 'bpmnlint/rules/superfluous-gateway';
import superfluousLabel from 'bpmnlint/rules/superfluous-label';
import superfluousTermination from 'bpmnlint/rules/superfluous-termination';
import gridcase from './lint-plugin';
import { PLUGIN } from './lint-plugin/findings';

/** bpmnlint's rules that its recommended config names (every one of them must be here). */
export const BPMNLINT_RULES: Record<string, RuleFactory> = {
  'ad-hoc-sub-process': adHocSubProcess,
  'conditional-flows': conditionalFlows,
  'end-event-required': endEventRequired,
  'event-based-gateway': eventBasedGateway,
  'event-sub-process-typed-start-event': eventSubProcessTypedStartEvent,
  'fake-join': fakeJoin,
  global: globalRule,
  'label-required': labelRequired,
  'link-event': linkEvent,
  'no-bpmndi': noBpmndi,
  'no-complex-gateway': noComplexGateway,
  'no-disconnected': noDisconnected,
  'no-duplicate-sequence-flows': noDuplicateSequenceFlows,
  'no-gateway-join-fork': noGatewayJoinFork,
  'no-implicit-split': noImplicitSplit,
  'no-implicit-end': noImplicitEnd,
  'no-implicit-start': noImplicitStart,
  'no-inclusive-gateway': noInclusiveGateway,
  'no-overlapping-elements': noOverlappingElements,
  'single-blank-start-event': singleBlankStartEvent,
  'single-event-definition': singleEventDefinition,
  'start-event-required': startEventRequired,
  'sub-process-blank-start-event': subProcessBlankStartEvent,
  'superfluous-gateway': superfluousGateway,
  'superfluous-label': superfluousLabel,
  'superfluous-termination': superfluousTermination,
};

/** The bpmnlint package name of the plugin, as bpmnlint's resolvers look it up. */
const PLUGIN_PACKAGE = `bpmnlint-plugin-${PLUGIN}`;

export const config = {
  extends: ['bpmnlint:recommended', `plugin:${PLUGIN}/recommended`],
  rules: {
    // GridCase supports inclusive gateways.
    'no-inclusive-gateway': 'off',
    // An unnamed element is a readability problem, not a reason to refuse a deployable model.
    'label-required': 'warn',
  },
} satisfies Config;

export const resolver = new StaticResolver({
  'config:bpmnlint/recommended': bpmnlintRecommended,
  [`config:${PLUGIN_PACKAGE}/recommended`]: gridcase.configs.recommended,
  ...Object.fromEntries(Object.entries(BPMNLINT_RULES).map(([name, rule]) => [`rule:bpmnlint/${name}`, rule])),
  ...Object.fromEntries(Object.entries(gridcase.rules).map(([name, rule]) => [`rule:${PLUGIN_PACKAGE}/${name}`, rule])),
});

/** `{ config, resolver }`, as bpmn-js-bpmnlint's `linting.bpmnlint` takes it. */
export default { config, resolver };
