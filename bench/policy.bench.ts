/**
 * Policy decisions against casbin, @casl/ability and accesscontrol, in one process, on one workload: a 3-level
 * role hierarchy (viewer < editor < admin), 20 permissions over 5 resource types, and an ownership-and-tenant
 * condition (editors update invoices they own, in their tenant). Every library gets its fastest honest setup:
 * CASL a cached ability per user, casbin its synchronous enforcer, accesscontrol its grants plus the app-side
 * ownership check it leaves to the caller. test/interop/policy.test.ts checks that all four decide alike.
 */
import { AbilityBuilder, createMongoAbility, type MongoAbility } from '@casl/ability';
import { AccessControl } from 'accesscontrol';
import { definePolicy, type PolicyData, type PolicyRule } from 'bulwark/policy';
import { newEnforcer, newModelFromString, StringAdapter } from 'casbin';
import { type Case, compare, compareInterleaved } from './support.js';

const BATCH = 64;

export const ROLE_PARENTS = { viewer: [], editor: ['viewer'], admin: ['editor'] } as const;
export type Role = keyof typeof ROLE_PARENTS;
/** [role, action, type]: 19 RBAC grants; the 20th permission is the conditional invoice update below. */
export const GRANTS: readonly [Role, string, string][] = [
  ['viewer', 'read', 'article'],
  ['viewer', 'read', 'comment'],
  ['viewer', 'read', 'project'],
  ['viewer', 'create', 'comment'],
  ['editor', 'create', 'article'],
  ['editor', 'update', 'article'],
  ['editor', 'update', 'comment'],
  ['editor', 'delete', 'comment'],
  ['editor', 'create', 'project'],
  ['editor', 'update', 'project'],
  ['editor', 'read', 'invoice'],
  ['admin', 'delete', 'article'],
  ['admin', 'delete', 'project'],
  ['admin', 'create', 'user'],
  ['admin', 'read', 'user'],
  ['admin', 'update', 'user'],
  ['admin', 'delete', 'user'],
  ['admin', 'create', 'invoice'],
  ['admin', 'delete', 'invoice'],
];

export function policyData(extraRules: PolicyRule[] = []): PolicyData {
  return {
    roles: { viewer: {}, editor: { inherits: ['viewer'] }, admin: { inherits: ['editor'] } },
    rules: [
      ...GRANTS.map(([role, action, type]) => ({
        effect: 'allow' as const,
        roles: [role],
        actions: [action],
        resources: [type],
      })),
      {
        id: 'own-invoice',
        effect: 'allow',
        roles: ['editor'],
        actions: ['update'],
        resources: ['invoice'],
        when: {
          and: [
            { eq: [{ ref: 'resource.tenantId' }, { ref: 'subject.tenantId' }] },
            { eq: [{ ref: 'resource.ownerId' }, { ref: 'subject.id' }] },
          ],
        },
      },
      ...extraRules,
    ],
  };
}

/** 10,000 extra rules over other roles, actions and types: the index must keep them out of every check above. */
export function largeRules(count: number): PolicyRule[] {
  return Array.from({ length: count }, (_, i) => ({
    effect: i % 7 === 0 ? ('deny' as const) : ('allow' as const),
    roles: [['viewer', 'editor', 'admin'][i % 3]!],
    actions: [`action${i % 40}`],
    resources: [`type${i % 250}`],
    ...(i % 2 === 0 ? { when: { eq: [{ ref: 'resource.ownerId' }, { ref: 'subject.id' }] } } : {}),
  }));
}

export interface User {
  id: string;
  tenantId: string;
  role: Role;
  roles: Role[];
}
export const USERS: User[] = (['viewer', 'editor', 'admin'] as const).map((role, i) => ({
  id: `u${i}`,
  tenantId: 't1',
  role,
  roles: [role],
}));

export const RBAC_QUERIES: [User, string, string][] = [
  [USERS[0]!, 'read', 'article'],
  [USERS[0]!, 'update', 'article'],
  [USERS[1]!, 'update', 'article'],
  [USERS[1]!, 'delete', 'comment'],
  [USERS[1]!, 'delete', 'user'],
  [USERS[2]!, 'delete', 'user'],
  [USERS[2]!, 'read', 'comment'],
  [USERS[0]!, 'publish', 'article'],
];

export interface Invoice {
  type: 'invoice';
  id: number;
  ownerId: string;
  tenantId: string;
}
const editor = USERS[1]!;
export const ABAC_QUERIES: [User, Invoice][] = [
  [editor, { type: 'invoice', id: 1, ownerId: editor.id, tenantId: 't1' }],
  [editor, { type: 'invoice', id: 2, ownerId: 'someone', tenantId: 't1' }],
  [editor, { type: 'invoice', id: 3, ownerId: editor.id, tenantId: 't2' }],
  [USERS[0]!, { type: 'invoice', id: 4, ownerId: USERS[0]!.id, tenantId: 't1' }],
];

function ancestors(role: Role): Role[] {
  return [role, ...ROLE_PARENTS[role].flatMap((p) => ancestors(p as Role))];
}

export function caslAbility(user: User): MongoAbility {
  const { can, build } = new AbilityBuilder(createMongoAbility);
  const held = new Set(ancestors(user.role));
  for (const [role, action, type] of GRANTS) if (held.has(role)) can(action, type);
  if (held.has('editor')) can('update', 'invoice', { ownerId: user.id, tenantId: user.tenantId });
  return build({ detectSubjectType: (o: any) => o.type });
}

const CASBIN_MODEL = `
[request_definition]
r = sub, obj, act
[policy_definition]
p = sub, obj, act
[role_definition]
g = _, _
[policy_effect]
e = some(where (p.eft == allow))
[matchers]
m = g(r.sub, p.sub) && r.obj == p.obj && r.act == p.act
`;
const CASBIN_ABAC_MODEL = `
[request_definition]
r = sub, obj, act
[policy_definition]
p = sub, obj, act
[role_definition]
g = _, _
[policy_effect]
e = some(where (p.eft == allow))
[matchers]
m = g(r.sub.role, p.sub) && r.obj.type == p.obj && r.act == p.act && r.sub.tenantId == r.obj.tenantId && r.sub.id == r.obj.ownerId
`;

export async function casbinEnforcers() {
  const roleLines = ['g, editor, viewer', 'g, admin, editor', ...USERS.map((u) => `g, ${u.id}, ${u.role}`)];
  const rbacLines = [...GRANTS.map(([r, a, t]) => `p, ${r}, ${t}, ${a}`), ...roleLines];
  const rbac = await newEnforcer(newModelFromString(CASBIN_MODEL), new StringAdapter(rbacLines.join('\n')));
  const abacLines = ['p, editor, invoice, update', 'g, editor, viewer', 'g, admin, editor'];
  const abac = await newEnforcer(newModelFromString(CASBIN_ABAC_MODEL), new StringAdapter(abacLines.join('\n')));
  return { rbac, abac };
}

export function accessControl(): AccessControl {
  const ac = new AccessControl();
  const verbs: Record<string, string> = {
    read: 'readAny',
    create: 'createAny',
    update: 'updateAny',
    delete: 'deleteAny',
  };
  for (const role of ['viewer', 'editor', 'admin'] as const) {
    const grant = ac.grant(role) as any;
    for (const [r, action, type] of GRANTS) if (r === role) grant[verbs[action]!](type);
    if (role === 'editor') grant.updateOwn('invoice');
  }
  ac.extendRole('editor', 'viewer');
  ac.extendRole('admin', 'editor');
  return ac;
}

/** accesscontrol has no conditions: the caller checks ownership and tenant itself. */
export function accessControlCan(ac: AccessControl, user: User, action: string, type: string): boolean {
  const query = ac.can(user.role) as any;
  const any = { read: 'readAny', create: 'createAny', update: 'updateAny', delete: 'deleteAny' }[action];
  return any === undefined ? false : query[any](type).granted;
}

export async function run(): Promise<void> {
  const policy = definePolicy(policyData());
  const abilities = new Map(USERS.map((u) => [u.id, caslAbility(u)]));
  // Our equivalent of CASL's cached ability: one bound checker per user, built once.
  const bound = new Map(USERS.map((u) => [u.id, policy.forSubject(u)]));
  const { rbac, abac } = await casbinEnforcers();
  const ac = accessControl();
  let sink = 0;
  // tinybench times every call, which costs more than one decision: each call makes the same batch of decisions
  // for every library, so ops/s × batch is decisions/s and the ratios are the libraries' own. The batch is large
  // enough that tinybench's own ~0.5 µs per call is under a tenth of our ABAC batch (at 16 rounds it was a quarter
  // of it, while still a rounding error for the slower libraries, so it understated only ours). Each case has its
  // own loop (not a shared helper) so that V8 inlines each library's call site separately. Results are counted
  // with `if (x) sink++`: the former `sink ^= +x` made a ToNumber builtin call per decision (perf: 3-5 % of ours).
  const R = RBAC_QUERIES;
  const A = ABAC_QUERIES;
  // Cached per-user objects are looked up once, as an app holding them per request would.
  const boundR = R.map(([u, a, t]) => [bound.get(u.id)!, a, t] as const);
  const caslR = R.map(([u, a, t]) => [abilities.get(u.id)!, a, t] as const);
  const boundA = A.map(([u, inv]) => [bound.get(u.id)!, inv] as const);
  const caslA = A.map(([u, inv]) => [abilities.get(u.id)!, inv] as const);
  const rbacCases: Case[] = [
    {
      name: 'bulwark can()',
      ours: true,
      fn: () => {
        for (let k = 0; k < BATCH; k++) for (const [u, a, t] of R) if (policy.can(u, a, t)) sink++;
      },
    },
    {
      name: 'bulwark forSubject().can() (cached)',
      fn: () => {
        for (let k = 0; k < BATCH; k++) for (const [b, a, t] of boundR) if (b.can(a, t)) sink++;
      },
    },
    {
      name: '@casl/ability (cached ability)',
      fn: () => {
        for (let k = 0; k < BATCH; k++) for (const [ability, a, t] of caslR) if (ability.can(a, t)) sink++;
      },
    },
    {
      name: 'accesscontrol',
      fn: () => {
        for (let k = 0; k < BATCH; k++) for (const [u, a, t] of R) if (accessControlCan(ac, u, a, t)) sink++;
      },
    },
    {
      name: 'casbin enforceSync',
      fn: () => {
        for (let k = 0; k < BATCH; k++) for (const [u, a, t] of R) if (rbac.enforceSync(u.id, t, a)) sink++;
      },
    },
  ];
  const abacCases: Case[] = [
    {
      name: 'bulwark can()',
      ours: true,
      fn: () => {
        for (let k = 0; k < BATCH; k++) for (const [u, inv] of A) if (policy.can(u, 'update', inv)) sink++;
      },
    },
    {
      name: 'bulwark forSubject().can() (cached)',
      fn: () => {
        for (let k = 0; k < BATCH; k++) for (const [b, inv] of boundA) if (b.can('update', inv)) sink++;
      },
    },
    {
      name: '@casl/ability (cached ability)',
      fn: () => {
        for (let k = 0; k < BATCH; k++) for (const [ability, inv] of caslA) if (ability.can('update', inv)) sink++;
      },
    },
    {
      name: 'accesscontrol + app ownership check',
      fn: () => {
        for (let k = 0; k < BATCH; k++) {
          for (const [u, inv] of A)
            if (ac.can(u.role).updateOwn('invoice').granted && inv.ownerId === u.id && inv.tenantId === u.tenantId)
              sink++;
        }
      },
    },
    {
      name: 'casbin enforceSync (ABAC matcher)',
      fn: () => {
        for (let k = 0; k < BATCH; k++) for (const [u, inv] of A) if (abac.enforceSync(u, inv, 'update')) sink++;
      },
    },
  ];
  await compare(
    `policy: RBAC check, 3-level hierarchy, 20 permissions, 5 types (${BATCH * R.length} decisions per op)`,
    rbacCases,
  );
  await compare(
    `policy: ABAC ownership + tenant, editor updates an invoice (${BATCH * A.length} decisions per op)`,
    abacCases,
  );
  // The same cases in alternating rounds: the ratios to trust when the machine has slow spells.
  const interleaved = (c: Case) => !c.name.startsWith('accesscontrol');
  compareInterleaved(`policy: RBAC, ${BATCH * R.length} decisions per op`, rbacCases.filter(interleaved));
  compareInterleaved(`policy: ABAC, ${BATCH * A.length} decisions per op`, abacCases.filter(interleaved));

  await compare(`policy: check() with explanation, and filter() (${BATCH * A.length} per op)`, [
    {
      name: 'bulwark check()',
      ours: true,
      fn: () => {
        for (let k = 0; k < BATCH; k++) for (const [u, inv] of A) if (policy.check(u, 'update', inv).allowed) sink++;
      },
    },
    {
      name: 'bulwark filter() (invoice update)',
      fn: () => {
        for (let k = 0; k < BATCH; k++)
          for (const [u] of A) if (typeof policy.filter(u, 'update', 'invoice') === 'object') sink++;
      },
    },
  ]);

  // Defined only now: an app holds one policy, and so does the process until here. V8 specialises a function to its
  // closure's constants while only one closure of it exists, so a second policy in the process makes every check
  // of the first slower (measured: ~5 ns for defining one, ~8 ns more for using it), which is what these rows show.
  const tenantPolicy = definePolicy(
    {
      ...policyData(),
      rules: policyData().rules.map((r) =>
        r.id === 'own-invoice' ? { ...r, when: { eq: [{ ref: 'resource.ownerId' }, { ref: 'subject.id' }] } } : r,
      ),
    },
    { tenant: 'tenantId' },
  );
  const large = definePolicy(policyData(largeRules(10_000)));
  await compare(`policy: 20 rules against 10,000 rules, three policies in the process (${BATCH * R.length} per op)`, [
    {
      name: 'bulwark can(), RBAC, 20 rules',
      ours: true,
      fn: () => {
        for (let k = 0; k < BATCH; k++) for (const [u, a, t] of R) if (policy.can(u, a, t)) sink++;
      },
    },
    {
      name: 'bulwark can(), RBAC, 10,000 rules',
      fn: () => {
        for (let k = 0; k < BATCH; k++) for (const [u, a, t] of R) if (large.can(u, a, t)) sink++;
      },
    },
  ]);
  await compare(`policy: ABAC, 20 rules against 10,000 rules and the tenant option (${BATCH * A.length} per op)`, [
    {
      name: 'bulwark can(), ABAC, 20 rules',
      ours: true,
      fn: () => {
        for (let k = 0; k < BATCH; k++) for (const [u, inv] of A) if (policy.can(u, 'update', inv)) sink++;
      },
    },
    {
      name: 'bulwark can(), ABAC, 10,000 rules',
      fn: () => {
        for (let k = 0; k < BATCH; k++) for (const [u, inv] of A) if (large.can(u, 'update', inv)) sink++;
      },
    },
    {
      name: 'bulwark can(), ABAC, tenant option',
      fn: () => {
        for (let k = 0; k < BATCH; k++) for (const [u, inv] of A) if (tenantPolicy.can(u, 'update', inv)) sink++;
      },
    },
  ]);
  if (sink === 42) console.log('');
}
