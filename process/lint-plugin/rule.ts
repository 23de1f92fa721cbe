/**
 * A GridCase lint rule: bpmnlint calls check() on every node from the root down; on the root
 * bpmn:Definitions it reports the issues of its family (one shared compile of the tree, see
 * cache.ts) by element id, and returns false so the tree below is not walked for nothing.
 * Each report also carries the element's BPMN type (`elementType`), which the server's issues name.
 */
import type { Reporter, RuleDefinition } from 'bpmnlint/lib/types';
import { compiledFor } from './cache';
import { PLUGIN, type GridcaseRule } from './findings';

export function gridcaseRule(rule: GridcaseRule): RuleDefinition {
  const name = `${PLUGIN}/${rule}`;
  return {
    check(node: { $type?: string }, reporter: Reporter) {
      if (node?.$type !== 'bpmn:Definitions') return;
      for (const issue of compiledFor(node).issues) if (issue.rule === name) reporter.report(issue.element, issue.message, { elementType: issue.type });
      return false;
    },
  };
}
