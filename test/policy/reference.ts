/**
 * An obviously-correct reference evaluator for the policy language, written independently of src/policy: it walks
 * every rule and interprets conditions directly, with no index, no compilation and no shared operator code.
 * Properties check that the compiled policy agrees with it.
 */

const own = (o: unknown, k: string): unknown =>
  typeof o === 'object' && o !== null && Object.hasOwn(o, k) ? (o as Record<string, unknown>)[k] : undefined;

function lookup(path: string, subject: unknown, resource: unknown, context: unknown, now: number): unknown {
  const [root, ...rest] = path.split('.');
  let value: unknown = root === 'subject' ? subject : root === 'resource' ? resource : context;
  for (const key of rest) {
    value = own(value, key);
    if (value === null) value = undefined;
  }
  if (value === undefined && path === 'context.now') return now;
  return value;
}

const scalarTypes = ['string', 'number', 'boolean'];
const isScalar = (v: unknown) => scalarTypes.includes(typeof v);
const sameScalar = (a: unknown, b: unknown) => isScalar(a) && typeof a === typeof b && a === b;
const bothNumbers = (a: unknown, b: unknown): [number, number] | null =>
  typeof a === 'number' && typeof b === 'number' ? [a, b] : null;

function ipToBits(ip: unknown): string | null {
  if (typeof ip !== 'string') return null;
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (v4) {
    const parts = v4.slice(1).map((p) => (p.length > 1 && p.startsWith('0') ? Number.NaN : Number(p)));
    if (parts.some((p) => !(p >= 0 && p <= 255))) return null;
    return parts.map((p) => p.toString(2).padStart(8, '0')).join('');
  }
  if (!ip.includes(':')) return null;
  let head = ip;
  let tailV4: string | null = null;
  const lastColon = ip.lastIndexOf(':');
  if (ip.slice(lastColon + 1).includes('.')) {
    tailV4 = ipToBits(ip.slice(lastColon + 1));
    if (tailV4 === null) return null;
    head = `${ip.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  const fill = 8 - left.length - right.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return null;
  const all = [...left, ...Array(fill).fill('0'), ...right];
  if (all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return null;
  let bits = all.map((g) => Number.parseInt(g, 16).toString(2).padStart(16, '0')).join('');
  if (tailV4 !== null) bits = bits.slice(0, 96) + tailV4;
  // IPv4-mapped IPv6 is treated as its IPv4 address.
  if (bits.startsWith(`${'0'.repeat(80)}${'1'.repeat(16)}`)) return bits.slice(96);
  return bits;
}

function inRange(ip: unknown, range: string): boolean {
  const [addr, prefix] = range.split('/');
  const a = ipToBits(ip);
  const r = ipToBits(addr);
  if (a === null || r === null || a.length !== r.length) return false;
  const n = prefix === undefined ? r.length : Number(prefix);
  return a.slice(0, n) === r.slice(0, n);
}

function inWindow(t: unknown, w: any): boolean {
  if (typeof t !== 'number' || !Number.isFinite(t) || Math.abs(t) > 8.64e15) return false;
  if (w.timeZone !== undefined && w.timeZone !== 'UTC') throw new Error('reference supports UTC windows only');
  const d = new Date(t);
  const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
  const minute = d.getUTCHours() * 60 + d.getUTCMinutes();
  const toMin = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));
  const from = toMin(w.from);
  const to = toMin(w.to);
  const allowedDay = (i: number) => (w.days ?? days).includes(days[(i + 7) % 7]);
  if (from < to) return allowedDay(d.getUTCDay()) && minute >= from && minute < to;
  return (allowedDay(d.getUTCDay()) && minute >= from) || (allowedDay(d.getUTCDay() - 1) && minute < to);
}

export function evaluateReference(cond: any, s: unknown, r: unknown, c: unknown, now: number): boolean {
  if (cond === true || cond === false) return cond;
  const op = Object.keys(cond)[0]!;
  const arg = cond[op];
  const val = (x: any) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? lookup(x.ref, s, r, c, now) : x);
  if (op === 'and') return arg.every((x: any) => evaluateReference(x, s, r, c, now));
  if (op === 'or') return arg.some((x: any) => evaluateReference(x, s, r, c, now));
  if (op === 'not') return !evaluateReference(arg, s, r, c, now);
  if (op === 'exists') return val(arg) !== undefined;
  const a = val(arg[0]);
  const b = op === 'inCidr' || op === 'timeWindow' ? arg[1] : val(arg[1]);
  switch (op) {
    case 'eq':
      return sameScalar(a, b);
    case 'ne':
      return !sameScalar(a, b);
    case 'in':
      return Array.isArray(b) && b.some((x) => sameScalar(a, x));
    case 'nin':
      return !(Array.isArray(b) && b.some((x) => sameScalar(a, x)));
    case 'lt':
      return bothNumbers(a, b) !== null && (a as number) < (b as number);
    case 'lte':
      return bothNumbers(a, b) !== null && (a as number) <= (b as number);
    case 'gt':
      return bothNumbers(a, b) !== null && (a as number) > (b as number);
    case 'gte':
      return bothNumbers(a, b) !== null && (a as number) >= (b as number);
    case 'contains':
      if (Array.isArray(a)) return a.some((x) => sameScalar(x, b));
      return typeof a === 'string' && typeof b === 'string' && a.indexOf(b) >= 0;
    case 'startsWith':
      return typeof a === 'string' && typeof b === 'string' && a.slice(0, b.length) === b;
    case 'inCidr':
      return (Array.isArray(b) ? b : [b]).some((range: string) => inRange(a, range));
    case 'timeWindow':
      return inWindow(a, b);
  }
  throw new Error(`reference: unknown operator ${op}`);
}

export interface ReferenceOptions {
  tenant?: string | undefined;
  now: number;
}

/** Decides by scanning every rule: deny (without fields) overrides allow, default deny. */
export function decideReference(
  policy: any,
  subject: any,
  action: string,
  resource: any,
  context: unknown,
  options: ReferenceOptions,
): boolean {
  const type = typeof resource === 'string' ? resource : own(resource, 'type');
  const attributes = typeof resource === 'string' ? undefined : resource;
  const held = own(subject, 'roles');
  const effective = new Set<string>();
  const visit = (role: string) => {
    if (effective.has(role) || !Object.hasOwn(policy.roles, role)) return;
    effective.add(role);
    for (const parent of policy.roles[role].inherits ?? []) visit(parent);
  };
  if (Array.isArray(held)) for (const role of held) if (typeof role === 'string') visit(role);
  let allowed = false;
  for (const rule of policy.rules) {
    if (!rule.roles.some((r: string) => effective.has(r))) continue;
    if (!rule.actions.includes(action) || !rule.resources.includes(type)) continue;
    if (rule.when !== undefined && !evaluateReference(rule.when, subject, attributes, context, options.now)) continue;
    if (rule.effect === 'deny') {
      if (rule.fields === undefined) return false;
      continue;
    }
    if (options.tenant !== undefined && rule.crossTenant !== true) {
      const mine = own(subject, options.tenant);
      const theirs = own(attributes, options.tenant);
      if (!sameScalar(mine, theirs)) continue;
    }
    allowed = true;
  }
  return allowed;
}
