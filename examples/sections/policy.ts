import { definePolicy, ownerCondition, toSqlWhere } from 'bulwark/policy';

export async function policySection(): Promise<void> {
  // A policy is plain JSON: it can live in a file or a database and be reviewed in a diff.
  const policy = definePolicy(
    {
      roles: { viewer: {}, editor: { inherits: ['viewer'] } },
      rules: [
        { id: 'read-invoices', effect: 'allow', roles: ['viewer'], actions: ['read'], resources: ['invoice'] },
        {
          id: 'edit-own',
          effect: 'allow',
          roles: ['editor'],
          actions: ['update'],
          resources: ['invoice'],
          when: ownerCondition(),
        },
        {
          id: 'paid-is-final',
          effect: 'deny',
          roles: ['viewer'],
          actions: ['update'],
          resources: ['invoice'],
          when: { eq: [{ ref: 'resource.status' }, 'paid'] },
        },
      ],
    },
    { tenant: 'tenantId' }, // no rule ever matches across tenants
  );

  const ann = { id: 'ann', roles: ['editor'], tenantId: 'acme' };
  const show = (label: string, resource: object) => {
    const d = policy.check(ann, 'update', resource);
    console.log(`${label.padEnd(40)} ${d.allowed ? 'ALLOW' : 'DENY '}  ${d.explanation}`);
  };
  show('ann edits her own draft invoice', { type: 'invoice', ownerId: 'ann', tenantId: 'acme', status: 'draft' });
  show("ann edits bob's invoice", { type: 'invoice', ownerId: 'bob', tenantId: 'acme', status: 'draft' });
  show('ann edits her paid invoice', { type: 'invoice', ownerId: 'ann', tenantId: 'acme', status: 'paid' });
  show('ann edits an invoice of another tenant', {
    type: 'invoice',
    ownerId: 'ann',
    tenantId: 'globex',
    status: 'draft',
  });

  // List endpoints: the same policy becomes a parameterised WHERE clause, so the database returns only rows
  // ann may update (values are $n parameters, columns come from an allow-list).
  const where = toSqlWhere(policy.filter(ann, 'update', 'invoice'), {
    columns: {
      ownerId: { name: 'owner_id', type: 'text' },
      tenantId: { name: 'tenant_id', type: 'text' },
      status: { name: 'status', type: 'text' },
    },
  });
  console.log('SQL for "invoices ann may update":');
  console.log(`  SELECT * FROM invoices WHERE ${where.text}`);
  console.log('  values:', JSON.stringify(where.values));
}
