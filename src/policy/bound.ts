/**
 * Subject-bound checks: the equivalent of a cached CASL ability. For each (type, action) the subject's rules are
 * merged once, and every condition is specialised with the subject's attributes already substituted, so a check
 * reads only the resource and the context. Decisions (and explanations) equal `policy.check` for the same subject.
 */

import { isOwn } from './attributes.js';
import type { CompiledRule, RuleBucket } from './compile.js';
import { type CompileEnvironment, type ConditionTest, compileCondition } from './condition-compile.js';
import { specialize } from './filter.js';
import { createLookupTable } from './lookup-table.js';
import type { PolicyDecision, PolicyResource } from './types.js';

interface BoundRule {
  test: ConditionTest | undefined;
  decision: PolicyDecision;
}

interface BoundEntry {
  fixed: PolicyDecision | undefined;
  /** The test when the entry is one conditional allow and nothing else (an ownership rule): no loops to run. */
  only: ConditionTest | undefined;
  deny: BoundRule[];
  allow: BoundRule[];
}

const MAX_UNKNOWN_ENTRIES = 256;

export interface BoundInputs {
  subject: unknown;
  env: CompileEnvironment;
  typeKey: string;
  noMatch: PolicyDecision;
  bucketsFor: (subject: unknown, action: string, type: unknown) => RuleBucket[] | PolicyDecision;
}

function bind(rules: CompiledRule[], type: string, inputs: BoundInputs): BoundRule[] {
  const out: BoundRule[] = [];
  for (const rule of rules) {
    const condition =
      rule.condition === undefined
        ? true
        : specialize(rule.condition, {
            subject: inputs.subject,
            context: undefined,
            env: inputs.env,
            typeKey: undefined,
            resourceType: type,
            keepContext: true,
          });
    if (condition === false) continue;
    out.push({
      test: condition === true ? undefined : compileCondition(condition, inputs.env),
      decision: rule.decision,
    });
  }
  return out;
}

function buildEntry(buckets: RuleBucket[], type: string, inputs: BoundInputs): BoundEntry {
  // Same order as an unbound check: every role's denies, then every role's allows, first occurrence kept.
  const seen = new Set<number>();
  const unique = (list: CompiledRule[]) => list.filter((r) => !seen.has(r.index) && seen.add(r.index) !== undefined);
  const deny = bind(unique(buckets.flatMap((b) => b.deny)), type, inputs);
  const allow = bind(unique(buckets.flatMap((b) => b.allow)), type, inputs);
  let fixed: PolicyDecision | undefined;
  // Lengths, never `list[0] !== undefined`: an empty list's index 0 reads through to a polluted prototype.
  if (deny.length > 0 && deny[0]!.test === undefined) fixed = deny[0]!.decision;
  else if (deny.length === 0)
    fixed = allow.length === 0 ? inputs.noMatch : allow[0]!.test === undefined ? allow[0]!.decision : undefined;
  const only = deny.length === 0 && allow.length === 1 ? allow[0]!.test : undefined;
  return { fixed, only, deny, allow };
}

function decideEntry(entry: BoundEntry, inputs: BoundInputs, attributes: unknown, context: unknown): PolicyDecision {
  const subject = inputs.subject;
  for (const rule of entry.deny)
    if (rule.test === undefined || rule.test(subject, attributes, context)) return rule.decision;
  for (const rule of entry.allow)
    if (rule.test === undefined || rule.test(subject, attributes, context)) return rule.decision;
  return inputs.noMatch;
}

/** Returns `decide(action, resource, context)` for one subject, filling its per-(type, action) cache lazily. */
export function createBoundDecide(inputs: BoundInputs) {
  // Bounded by the policy's (type, action) pairs plus MAX_UNKNOWN_ENTRIES, whatever callers pass.
  const cache = createLookupTable<{ [action: string]: BoundEntry | undefined }>();
  let unknownEntries = 0;
  const { typeKey } = inputs;
  return (action: string, resource: PolicyResource, context: unknown): PolicyDecision => {
    let type: unknown = resource;
    let attributes: object | undefined;
    if (typeof resource !== 'string') {
      attributes = resource;
      type = undefined;
      if (typeof resource === 'object' && resource !== null) {
        const found = (resource as Record<string, unknown>)[typeKey];
        if (found !== undefined && isOwn(resource, typeKey)) type = found;
      }
    }
    // Both checked as strings: a table key of another kind would be converted with its own toString.
    const named = typeof type === 'string' && typeof action === 'string';
    let entry = named ? cache[type as string]?.[action] : undefined;
    if (entry === undefined) {
      const buckets = inputs.bucketsFor(inputs.subject, action, type);
      if (Array.isArray(buckets)) entry = buildEntry(buckets, type as string, inputs);
      else if (buckets.reason === 'no-matching-rule' || buckets.reason === 'no-known-role') {
        entry = { fixed: buckets, only: undefined, deny: [], allow: [] };
      } else if (named && unknownEntries < MAX_UNKNOWN_ENTRIES) {
        // Unknown types and actions come from callers: cache a bounded number, so the cache cannot grow unbounded.
        unknownEntries++;
        entry = { fixed: buckets, only: undefined, deny: [], allow: [] };
      } else return buckets;

      if (!named) return entry.fixed ?? decideEntry(entry, inputs, attributes, context);
      let byAction = cache[type as string];
      if (byAction === undefined) cache[type as string] = byAction = createLookupTable();
      byAction[action] = entry;
    }
    if (entry.fixed !== undefined) return entry.fixed;
    const only = entry.only;
    if (only !== undefined)
      return only(inputs.subject, attributes, context) ? entry.allow[0]!.decision : inputs.noMatch;
    return decideEntry(entry, inputs, attributes, context);
  };
}
