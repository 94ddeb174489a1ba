/**
 * Field-level decisions (OWASP API3, broken object property level authorization): which properties of a resource
 * a subject may read or write, from the fields of every matching rule.
 */
import type { CompiledRule, RuleBucket } from './compile.js';

/**
 * A full deny refuses every field; otherwise the union of what matching allow rules grant (all of `universe` for
 * a rule without `fields`), minus what matching field-scoped deny rules withhold. Order follows `universe`, then
 * the rules.
 */
export function collectFields(
  buckets: readonly RuleBucket[],
  universe: readonly string[],
  matches: (rule: CompiledRule) => boolean,
): string[] {
  for (const b of buckets) for (const rule of b.deny) if (matches(rule)) return [];
  let all = false;
  const granted = new Set<string>();
  for (const b of buckets) {
    for (const rule of b.allow) {
      if (all && rule.fields !== undefined) continue;
      if (!matches(rule)) continue;
      if (rule.fields === undefined) all = true;
      else for (const f of rule.fields) granted.add(f);
    }
  }
  const withheld = new Set<string>();
  for (const b of buckets)
    for (const rule of b.fieldDeny) if (matches(rule)) for (const f of rule.fields!) withheld.add(f);
  const candidates = all ? [...universe, ...granted] : [...granted];
  return [...new Set(candidates)].filter((f) => !withheld.has(f));
}
