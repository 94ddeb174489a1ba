/**
 * `bulwark/policy`: RBAC with role inheritance, serializable ABAC conditions, object-, field- and tenant-level
 * checks with explanations, and query filters that translate to parameterised SQL.
 */
export { definePolicy } from './define.js';
export { matchesFilter } from './filter.js';
export { ownerCondition } from './helpers.js';
export { toSqlWhere } from './sql.js';
export type { SqlWhereColumn, SqlWhereColumnType, SqlWhereOptions, SqlWhereResult } from './sql-columns.js';
export type {
  Policy,
  PolicyCondition,
  PolicyData,
  PolicyDecision,
  PolicyDecisionEvent,
  PolicyDecisionReason,
  PolicyFilter,
  PolicyLimits,
  PolicyLiteral,
  PolicyOperand,
  PolicyOptions,
  PolicyProblem,
  PolicyReference,
  PolicyResource,
  PolicyResourceDefinition,
  PolicyRoleDefinition,
  PolicyRule,
  PolicyRuleReference,
  PolicyTenantOption,
  PolicyTimeWindow,
  SubjectPolicy,
} from './types.js';
export { DEFAULT_POLICY_LIMITS } from './validate.js';
