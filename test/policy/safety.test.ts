/**
 * Prototype pollution and type confusion: attributes resolve through own properties only, comparisons never
 * coerce, and nothing a subject, resource or context carries can change the policy or Object.prototype.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { definePolicy, matchesFilter, toSqlWhere } from '../../src/policy/index.js';
import { LINEAR_MAX } from '../../src/policy/lookup-table.js';

const policy = definePolicy({
  roles: { user: {}, admin: {} },
  rules: [
    { effect: 'allow', roles: ['admin'], actions: ['delete'], resources: ['doc'] },
    {
      effect: 'allow',
      roles: ['user'],
      actions: ['read'],
      resources: ['doc'],
      when: { eq: [{ ref: 'resource.ownerId' }, { ref: 'subject.id' }] },
    },
    {
      effect: 'allow',
      roles: ['user'],
      actions: ['share'],
      resources: ['doc'],
      when: { eq: [{ ref: 'subject.role' }, 'admin'] },
    },
    {
      effect: 'allow',
      roles: ['user'],
      actions: ['tag'],
      resources: ['doc'],
      when: { in: [{ ref: 'resource.group' }, { ref: 'subject.groups' }] },
    },
    {
      effect: 'allow',
      roles: ['user'],
      actions: ['level'],
      resources: ['doc'],
      when: { gte: [{ ref: 'subject.level' }, 5] },
    },
  ],
});

afterEach(() => {
  // If anything had polluted Object.prototype the next assertions would be meaningless; fail loudly instead.
  expect(({} as Record<string, unknown>).role).toBeUndefined();
  expect(({} as Record<string, unknown>).roles).toBeUndefined();
});

describe('prototype pollution', () => {
  it('{"__proto__": {"role": "admin"}} from JSON.parse grants nothing', () => {
    const subject = JSON.parse('{"roles": ["user"], "__proto__": {"role": "admin"}}');
    expect(policy.can(subject, 'share', { type: 'doc' })).toBe(false);
    const roles = JSON.parse('{"__proto__": {"roles": ["admin"]}}');
    expect(policy.can(roles, 'delete', { type: 'doc' })).toBe(false);
  });

  it('an inherited attribute (Object.assign from a parsed payload, Object.create) never resolves', () => {
    const merged = Object.assign({}, JSON.parse('{"__proto__": {"role": "admin", "roles": ["admin"]}}'), {
      roles: ['user'],
    });
    expect(merged.role).toBe('admin'); // the pollution is real on this object...
    expect(policy.can(merged, 'share', { type: 'doc' })).toBe(false); // ...and ignored by the policy
    const child = Object.create({ roles: ['admin'] });
    expect(policy.can(child, 'delete', { type: 'doc' })).toBe(false);
    const resource = Object.create({ ownerId: 'u1' });
    resource.type = 'doc';
    expect(policy.can({ id: 'u1', roles: ['user'] }, 'read', resource)).toBe(false);
    const shadowed = Object.create({ roles: ['admin'] });
    shadowed.roles = ['user'];
    expect(policy.can(shadowed, 'delete', 'doc')).toBe(false);
    expect(policy.can(Object.assign(Object.create({ roles: ['user'] }), { roles: ['admin'] }), 'delete', 'doc')).toBe(
      true,
    );
    expect(policy.can(Object.assign(Object.create(null), { roles: ['admin'] }), 'delete', 'doc')).toBe(true);
    const typed = Object.create({ type: 'doc' });
    expect(policy.check({ roles: ['admin'] }, 'delete', typed).reason).toBe('unknown-resource-type');
  });

  it('prototype-reaching refs cannot be written, so constructor.prototype never resolves', () => {
    for (const ref of [
      'subject.constructor.prototype',
      'resource.__proto__',
      'context.a.prototype',
      'subject.constructor',
    ]) {
      expect(() =>
        definePolicy({
          roles: { u: {} },
          rules: [{ effect: 'allow', roles: ['u'], actions: ['a'], resources: ['r'], when: { exists: { ref } } }],
        }),
      ).toThrow(/forbidden/);
    }
  });

  it("holes in a subject's arrays never read through to a polluted prototype (roles, list attributes, filters)", () => {
    const proto = Object.prototype as Record<string, unknown>;
    const holeyRoles: string[] = new Array(1);
    const twoRolesOneHole = ['user'];
    twoRolesOneHole.length = 2;
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point
    const holeyGroups = ['bob', , 'carol'];
    const doc = { type: 'doc', group: 'eve' };
    try {
      proto[0] = 'admin';
      proto[1] = 'eve';
      expect(policy.check({ roles: holeyRoles }, 'delete', 'doc').reason).toBe('no-known-role');
      expect(policy.can({ roles: twoRolesOneHole }, 'delete', 'doc')).toBe(false);
      expect(policy.forSubject({ roles: holeyRoles }).can('delete', 'doc')).toBe(false);
      const member = { roles: ['user'], groups: holeyGroups };
      expect(policy.can(member, 'tag', doc)).toBe(false);
      expect(policy.forSubject(member).can('tag', doc)).toBe(false);
      expect(matchesFilter(policy.filter(member, 'tag', 'doc'), doc)).toBe(false);
    } finally {
      delete proto[0];
      delete proto[1];
    }
    // The same arrays with own items still work.
    expect(policy.can({ roles: ['admin'] }, 'delete', 'doc')).toBe(true);
    expect(policy.can({ roles: ['user'], groups: ['bob', 'eve'] }, 'tag', doc)).toBe(true);
  });

  it('a policy parsed from JSON with __proto__ keys stays data and pollutes nothing', () => {
    const text =
      '{"roles": {"__proto__": {"inherits": []}, "user": {}}, "rules": [{"effect": "allow", "roles": ["user"], "actions": ["read"], "resources": ["doc"], "__proto__": {"effect": "deny"}}]}';
    expect(() => definePolicy(JSON.parse(text))).toThrow(/unknown rule field/);
    const onlyRoles =
      '{"roles": {"__proto__": {}, "user": {}}, "rules": [{"effect": "allow", "roles": ["__proto__"], "actions": ["read"], "resources": ["doc"]}]}';
    const p = definePolicy(JSON.parse(onlyRoles));
    expect(p.can({ roles: ['__proto__'] }, 'read', 'doc')).toBe(true);
    expect(p.can({ roles: ['user'] }, 'read', 'doc')).toBe(false);
    expect(p.can({ roles: ['toString'] }, 'read', 'doc')).toBe(false);
  });

  it('a condition node with an own __proto__ operator is refused, not followed', () => {
    const when = JSON.parse('{"__proto__": {"eq": [1, 1]}}');
    expect(() =>
      definePolicy({
        roles: { u: {} },
        rules: [{ effect: 'allow', roles: ['u'], actions: ['a'], resources: ['r'], when }],
      }),
    ).toThrow(/unknown operator "__proto__"/);
  });

  it('pickPermitted copies a __proto__ field as data', () => {
    const p = definePolicy({
      roles: { u: {} },
      rules: [{ effect: 'allow', roles: ['u'], actions: ['read'], resources: ['doc'] }],
    });
    const out = p.pickPermitted(
      { roles: ['u'] },
      'read',
      JSON.parse('{"type": "doc", "__proto__": {"roles": ["admin"]}}'),
    ) as any;
    expect(out.roles).toBeUndefined();
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it('filters and SQL only ever read own columns', () => {
    expect(matchesFilter({ exists: { ref: 'resource.toString' } }, {})).toBe(false);
    expect(() => toSqlWhere({ exists: { ref: 'resource.toString' } }, { columns: {} })).toThrow(/allow-list/);
  });
});

describe('type confusion', () => {
  const user = { id: 'u1', roles: ['user'] };

  it("no '1' == 1, no true == 1, no [x] == x", () => {
    expect(policy.can({ id: 1, roles: ['user'] }, 'read', { type: 'doc', ownerId: '1' })).toBe(false);
    expect(policy.can({ id: true, roles: ['user'] }, 'read', { type: 'doc', ownerId: 1 })).toBe(false);
    expect(policy.can({ id: ['u1'], roles: ['user'] }, 'read', { type: 'doc', ownerId: 'u1' })).toBe(false);
    expect(policy.can({ id: 'u1', roles: ['user'] }, 'read', { type: 'doc', ownerId: ['u1'] })).toBe(false);
    expect(policy.can({ id: { toString: () => 'u1' }, roles: ['user'] }, 'read', { type: 'doc', ownerId: 'u1' })).toBe(
      false,
    );
  });

  it('both sides missing or null never match each other', () => {
    expect(policy.can({ roles: ['user'] }, 'read', { type: 'doc' })).toBe(false);
    expect(policy.can({ id: null, roles: ['user'] }, 'read', { type: 'doc', ownerId: null })).toBe(false);
    expect(policy.can({ id: undefined, roles: ['user'] }, 'read', { type: 'doc', ownerId: undefined })).toBe(false);
  });

  it('arrays versus strings: a string is never a list, a roles string is never a role list', () => {
    expect(policy.can({ ...user, groups: 'staff,admins' }, 'tag', { type: 'doc', group: 'staff' })).toBe(false);
    expect(policy.can({ ...user, groups: ['staff'] }, 'tag', { type: 'doc', group: 'staff' })).toBe(true);
    expect(policy.can({ roles: 'admin' }, 'delete', 'doc')).toBe(false);
    expect(policy.can({ roles: [['admin']] }, 'delete', 'doc')).toBe(false);
    expect(policy.can({ roles: [{ toString: () => 'admin' }] }, 'delete', 'doc')).toBe(false);
    expect(policy.can({ roles: ['admin'] }, 'delete', ['doc'] as any)).toBe(false);
  });

  it('numeric strings and numeric-looking values do not compare as numbers', () => {
    expect(policy.can({ ...user, level: '10' }, 'level', 'doc')).toBe(false);
    expect(policy.can({ ...user, level: 10 }, 'level', 'doc')).toBe(true);
    expect(policy.can({ ...user, level: 10n }, 'level', 'doc')).toBe(false);
    expect(policy.can({ ...user, level: new Number(10) }, 'level', 'doc')).toBe(false);
  });

  it('getters on the prototype (class accessors) are not attributes; own data is', () => {
    class Account {
      roles = ['user'];
      get id() {
        return 'u1';
      }
    }
    expect(policy.can(new Account(), 'read', { type: 'doc', ownerId: 'u1' })).toBe(false);
  });

  it('odd subjects, resources and contexts deny instead of throwing', () => {
    for (const subject of [null, undefined, 0, 'admin', [], Symbol('s')]) {
      expect(policy.can(subject, 'delete', 'doc')).toBe(false);
    }
    for (const resource of [null, undefined, 0, {}, [], { type: 5 }, { type: ['doc'] }]) {
      expect(policy.can({ roles: ['admin'] }, 'delete', resource as any)).toBe(false);
    }
    expect(policy.can({ roles: ['admin'] }, 'delete', 'doc', 'context')).toBe(true);
    expect(policy.can({ roles: ['admin'] }, 5 as any, 'doc')).toBe(false);
  });

  // With padding every index level holds more than LINEAR_MAX keys, so the dictionary tables answer, not the arrays.
  it.each([0, LINEAR_MAX])(
    'type, action and role names that reach prototypes elsewhere are plain names in the index (%i padding names)',
    (padding) => {
      const names = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '0'];
      const pads = Array.from({ length: padding }, (_, i) => `pad${i}`);
      const odd = definePolicy({
        roles: Object.fromEntries([...names, ...pads].map((n) => [n, {}])),
        rules: names.map((n) => ({
          effect: 'allow' as const,
          roles: [n],
          actions: [n, ...pads],
          resources: [n, ...pads],
        })),
      });
      for (const n of names) {
        expect(odd.can({ roles: [n] }, n, n)).toBe(true);
        expect(odd.can({ roles: [n] }, n, { type: n })).toBe(true);
        const bound = odd.forSubject({ roles: [n] });
        expect(bound.can(n, n)).toBe(true);
        for (const m of names) if (m !== n) expect(bound.can(m, m) || bound.can(n, m) || bound.can(m, n)).toBe(false);
        expect(bound.can(5 as any, n)).toBe(false);
        for (const m of names) if (m !== n) expect(odd.can({ roles: [m] }, n, n)).toBe(false);
        expect(odd.can({ roles: [n] }, 'read', n)).toBe(false);
        expect(odd.check({ roles: ['valueOf'] }, n, n).reason).toBe('no-known-role');
      }
      // Names the policy does not declare, including Object.prototype's own, find nothing.
      for (const n of ['valueOf', '__defineGetter__', 'isPrototypeOf']) {
        expect(policy.check({ roles: ['admin'] }, 'delete', n).reason).toBe('unknown-resource-type');
        expect(policy.check({ roles: ['admin'] }, n, 'doc').reason).toBe('unknown-action');
        expect(policy.check({ roles: [n] }, 'delete', 'doc').reason).toBe('no-known-role');
        expect(policy.forSubject({ roles: ['admin'] }).check('delete', n).reason).toBe('unknown-resource-type');
        expect(policy.forSubject({ roles: ['admin'] }).check(n, 'doc').reason).toBe('unknown-action');
        // The same through `odd`, whose levels are dictionaries when padded.
        const known = names[0]!;
        expect(odd.check({ roles: [known] }, known, n).reason).toBe('unknown-resource-type');
        expect(odd.check({ roles: [known] }, n, known).reason).toBe('unknown-action');
        expect(odd.check({ roles: [n] }, known, known).reason).toBe('no-known-role');
      }
      // A polluted Object.prototype key never becomes a type, an action or a role.
      const proto = Object.prototype as Record<string, unknown>;
      try {
        proto.ghost = new Map([['admin', { fixed: { allowed: true } }]]);
        expect(policy.can({ roles: ['admin'] }, 'delete', 'ghost')).toBe(false);
        expect(policy.can({ roles: ['admin'] }, 'ghost', 'doc')).toBe(false);
        expect(policy.can({ roles: ['ghost'] }, 'delete', 'doc')).toBe(false);
        expect(policy.forSubject({ roles: ['admin'] }).can('delete', 'ghost')).toBe(false);
        const known = names[0]!;
        expect(odd.can({ roles: [known] }, known, 'ghost')).toBe(false);
        expect(odd.can({ roles: [known] }, 'ghost', known)).toBe(false);
        expect(odd.can({ roles: ['ghost'] }, known, known)).toBe(false);
        expect(odd.forSubject({ roles: [known] }).can(known, 'ghost')).toBe(false);
      } finally {
        delete proto.ghost;
      }
    },
  );

  // An empty rule list's index 0 reads through to the prototypes: compiling and binding must ask the length.
  it.each([
    ['Array.prototype', Array.prototype],
    ['Object.prototype', Object.prototype],
  ])('a polluted index 0 on %s grants nothing, during definition or binding, then or later', (_, target) => {
    const proto = target as unknown as Record<number, unknown>;
    const granted = {
      test: undefined,
      decision: { allowed: true, reason: 'allowed-by-rule', rule: null, explanation: 'polluted' },
    };
    const user = { id: 'u1', roles: ['user'] };
    const doc = { type: 'doc', ownerId: 'someone-else' };
    let fieldsOnly: ReturnType<typeof definePolicy>;
    let owned: ReturnType<typeof definePolicy>;
    try {
      proto[0] = granted;
      // A bucket with only a field-scoped deny has no allow rule at all.
      fieldsOnly = definePolicy({
        roles: { user: {} },
        rules: [{ effect: 'deny', roles: ['user'], actions: ['read'], resources: ['doc'], fields: ['salary'] }],
      });
      // An owner-only allow: the bound entry for a non-owner has no deny rule.
      owned = definePolicy({
        roles: { user: {} },
        rules: [
          {
            effect: 'allow',
            roles: ['user'],
            actions: ['read'],
            resources: ['doc'],
            when: { eq: [{ ref: 'resource.ownerId' }, { ref: 'subject.id' }] },
          },
        ],
      });
      for (const value of [granted, null]) {
        proto[0] = value;
        expect(fieldsOnly.check(user, 'read', 'doc').reason).toBe('no-matching-rule');
        expect(fieldsOnly.forSubject(user).check('read', 'doc').reason).toBe('no-matching-rule');
        expect(owned.check(user, 'read', doc).reason).toBe('no-matching-rule');
        expect(owned.forSubject(user).check('read', doc).reason).toBe('no-matching-rule');
        expect(owned.forSubject(user).can('read', doc)).toBe(false);
      }
    } finally {
      delete proto[0];
    }
    expect(fieldsOnly.can(user, 'read', 'doc')).toBe(false);
    expect(fieldsOnly.forSubject(user).can('read', 'doc')).toBe(false);
    expect(owned.forSubject(user).can('read', doc)).toBe(false);
    expect(owned.can(user, 'read', { ...doc, ownerId: 'u1' })).toBe(true);
  });

  it("keeps a private frozen copy of the policy: changing the caller's data afterwards changes nothing", () => {
    const data = {
      roles: { user: {} as { inherits?: string[] }, admin: {} },
      rules: [{ effect: 'allow' as const, roles: ['admin'], actions: ['delete'], resources: ['doc'] }],
    };
    const p = definePolicy(data);
    data.rules[0]!.roles.push('user');
    data.roles.user.inherits = ['admin'];
    expect(p.can({ roles: ['user'] }, 'delete', 'doc')).toBe(false);
    expect(p.can({ roles: ['admin'] }, 'delete', 'doc')).toBe(true);
    expect(p.data).not.toBe(data);
    expect(p.data.rules[0]?.roles).toEqual(['admin']);
    expect(Object.isFrozen(p.data.rules[0]?.roles)).toBe(true);
    expect(() => (p.data.rules[0]!.roles as string[]).push('user')).toThrow(TypeError);
  });
});

describe('getters, proxies and reads that throw', () => {
  const user = { id: 'u1', roles: ['user'] };
  const admin = { roles: ['admin'] };
  const tenanted = definePolicy(
    {
      roles: { user: {} },
      rules: [
        {
          effect: 'allow',
          roles: ['user'],
          actions: ['read'],
          resources: ['doc'],
          when: { eq: [{ ref: 'resource.ownerId' }, { ref: 'subject.id' }] },
        },
        {
          effect: 'allow',
          roles: ['user'],
          actions: ['ping'],
          resources: ['doc'],
          when: { eq: [{ ref: 'context.ip' }, '10.0.0.1'] },
        },
      ],
    },
    { tenant: 'tenantId' },
  );

  /** Every way to ask the same question; all must agree. */
  function answers(p: typeof policy, subject: unknown, action: string, resource: any, context?: unknown) {
    const { type, ...row } = typeof resource === 'object' && resource !== null ? resource : { type: resource };
    return [
      p.can(subject, action, resource, context),
      p.check(subject, action, resource, context).allowed,
      p.forSubject(subject).can(action, resource, context),
      p.forSubject(subject).check(action, resource, context).allowed,
      ...(typeof resource === 'string' || Object.getPrototypeOf(resource) === Object.prototype
        ? [matchesFilter(p.filter(subject, action, type, context), row)]
        : []),
    ];
  }

  it('a class getter over instance state never supplies an attribute: can, check, forSubject and filter agree', () => {
    class Subject {
      _id = 'u1';
      roles = ['user'];
      tenantId = 't1';
      get id() {
        return this._id;
      }
    }
    expect(answers(policy, new Subject(), 'read', { type: 'doc', ownerId: 'u1' })).toEqual(Array(5).fill(false));
    expect(answers(policy, { ...new Subject(), id: 'u1' }, 'read', { type: 'doc', ownerId: 'u1' })).toEqual(
      Array(5).fill(true),
    );
    // The ownership-and-tenant conjunction (one closure with four reads).
    const row = { type: 'doc', ownerId: 'u1', tenantId: 't1' };
    expect(answers(tenanted, new Subject(), 'read', row)).toEqual(Array(5).fill(false));
    class Doc {
      _owner = 'u1';
      type = 'doc';
      tenantId = 't1';
      get ownerId() {
        return this._owner;
      }
    }
    expect(answers(tenanted, { ...user, tenantId: 't1' }, 'read', new Doc())).toEqual(Array(4).fill(false));
    expect(answers(policy, user, 'read', new Doc())).toEqual(Array(4).fill(false));
    class Typed {
      _type = 'doc';
      get type() {
        return this._type;
      }
    }
    expect(answers(policy, admin, 'delete', new Typed())).toEqual(Array(4).fill(false));
    expect(policy.check(admin, 'delete', new Typed()).reason).toBe('unknown-resource-type');
    expect(policy.forSubject(admin).check('delete', new Typed()).reason).toBe('unknown-resource-type');
    class Roles {
      _roles = ['admin'];
      get roles() {
        return this._roles;
      }
    }
    expect(answers(policy, new Roles(), 'delete', 'doc')).toEqual(Array(5).fill(false));
    expect(policy.check(new Roles(), 'delete', 'doc').reason).toBe('no-known-role');
  });

  it('a getter over a private field neither throws nor supplies an attribute', () => {
    class Roles {
      #roles = ['admin'];
      get roles() {
        return this.#roles;
      }
    }
    class Subject {
      #id = 'u1';
      roles = ['user'];
      get id() {
        return this.#id;
      }
    }
    expect(answers(policy, new Roles(), 'delete', 'doc')).toEqual(Array(5).fill(false));
    expect(policy.check(new Roles(), 'delete', 'doc').reason).toBe('no-known-role');
    expect(answers(policy, new Subject(), 'read', { type: 'doc', ownerId: 'u1' })).toEqual(Array(5).fill(false));
  });

  it('an own accessor is called like an own data property', () => {
    const subject = {
      roles: ['user'],
      get id() {
        return 'u1';
      },
    };
    expect(answers(policy, subject, 'read', { type: 'doc', ownerId: 'u1' })).toEqual(Array(5).fill(true));
  });

  const throwing = () =>
    new Proxy(
      {},
      {
        get: () => {
          throw new Error('get');
        },
        has: () => {
          throw new Error('has');
        },
        getOwnPropertyDescriptor: () => {
          throw new Error('getOwnPropertyDescriptor');
        },
        getPrototypeOf: () => {
          throw new Error('getPrototypeOf');
        },
        ownKeys: () => {
          throw new Error('ownKeys');
        },
      },
    );
  const revoked = () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  };
  const ownThrowing = () => ({
    roles: ['user'],
    type: 'doc',
    get id(): string {
      throw new Error('id');
    },
    get ownerId(): string {
      throw new Error('ownerId');
    },
    get ip(): string {
      throw new Error('ip');
    },
  });

  it('a Proxy, a revoked Proxy or a throwing own getter as subject, resource or context denies, never throws', () => {
    const member = { ...user, tenantId: 't1' };
    const own = { type: 'doc', tenantId: 't1' };
    for (const make of [throwing, revoked, ownThrowing]) {
      const bad = make();
      const row = { type: 'doc', ownerId: 'u1', tenantId: 't1' };
      const cases: [unknown, string, any, unknown][] = [
        [bad, 'read', row, undefined],
        [bad, 'delete', 'doc', undefined],
        [member, 'read', bad, undefined],
        [member, 'ping', own, bad],
      ];
      for (const [subject, action, resource, context] of cases) {
        const p = tenanted;
        expect(p.can(subject, action, resource, context)).toBe(false);
        const decision = p.check(subject, action, resource, context);
        expect(decision.allowed).toBe(false);
        expect(Object.isFrozen(decision)).toBe(true);
        expect(p.permittedFields(subject, action, resource, context)).toEqual([]);
        expect(p.pickPermitted(subject, action, resource, context)).toEqual({});
        // A filter never reads a resource.
        if (resource !== bad) expect(p.filter(subject, action, 'doc', context)).toBe(false);
        expect(p.forSubject(subject).can(action, resource, context)).toBe(false);
        expect(p.forSubject(subject).check(action, resource, context).allowed).toBe(false);
        expect(policy.can(subject, action, resource, context)).toBe(false);
      }
    }
    expect(tenanted.check(throwing(), 'read', 'doc').reason).toBe('invalid-input');
    expect(tenanted.check(user, 'read', revoked()).reason).toBe('invalid-input');
    expect(tenanted.check(member, 'ping', own, revoked()).reason).toBe('invalid-input');
    expect(tenanted.forSubject(member).check('ping', own, throwing()).reason).toBe('invalid-input');
    expect(tenanted.check(member, 'ping', own, ownThrowing()).explanation).toMatch(/reading .* threw/);
    // The same calls with well-behaved inputs allow: the denials above come from the reads that threw.
    expect(tenanted.check(member, 'ping', own, { ip: '10.0.0.1' }).allowed).toBe(true);
    expect(tenanted.check(member, 'read', { ...own, ownerId: 'u1' }).allowed).toBe(true);
  });

  it('an onDecision hook that throws still makes the check throw, also for an input that threw', () => {
    const events: string[] = [];
    const audited = definePolicy(
      { roles: { user: {} }, rules: [{ effect: 'allow', roles: ['user'], actions: ['read'], resources: ['doc'] }] },
      {
        onDecision: (event) => {
          events.push(`${event.reason}:${event.resourceType}`);
          throw new Error('audit down');
        },
      },
    );
    expect(() => audited.can(user, 'read', 'doc')).toThrow('audit down');
    expect(() => audited.can(revoked(), 'read', 'doc')).toThrow('audit down');
    expect(() => audited.check(user, 'read', revoked())).toThrow('audit down');
    expect(() => audited.forSubject(throwing()).can('read', 'doc')).toThrow('audit down');
    expect(() => audited.forSubject(user).check('read', throwing())).toThrow('audit down');
    expect(events).toEqual([
      'allowed-by-rule:doc',
      'invalid-input:doc',
      'invalid-input:',
      'invalid-input:doc',
      'invalid-input:',
    ]);
  });
});
