import type { PublishConfig } from '@model-publishing/plugin-model-publishing-common';
import type { TenantSettings } from '../config';

const LIMIT_FIELDS = [
  ['requestsPerMinute', 'maxRequestsPerMinute'],
  ['requestsPerHour', 'maxRequestsPerHour'],
  ['requestsPerDay', 'maxRequestsPerDay'],
  ['tokensPerMinute', 'maxTokensPerMinute'],
  ['tokensPerHour', 'maxTokensPerHour'],
  ['tokensPerDay', 'maxTokensPerDay'],
  ['requestsPerMonth', 'maxRequestsPerMonth'],
  ['tokensPerMonth', 'maxTokensPerMonth'],
] as const;

export interface TenantCheckInput {
  tenants: TenantSettings[];
  /** Owning group of the model's entity. */
  owner?: string;
  namespace: string;
  config: PublishConfig;
  /** Live publications of this owner, not counting the one being checked. */
  livePublications: number;
  /** True for a new publication (counts against maxPublications). */
  creating: boolean;
}

/**
 * Tenant rules (docs/design.md §5), pure: returns the violations (each naming the field), empty when allowed.
 * A namespace bound to tenants belongs to them only; an owner with no tenant entry is unrestricted
 * elsewhere.
 */
export function checkTenantRules(input: TenantCheckInput): string[] {
  const { tenants, owner, namespace, config } = input;
  const violations: string[] = [];
  const tenant = owner ? tenants.find(t => t.group === owner) : undefined;
  const namespaceOwners = tenants
    .filter(t => t.namespaces?.includes(namespace))
    .map(t => t.group);

  if (tenant?.namespaces && !tenant.namespaces.includes(namespace)) {
    violations.push(
      `namespace: tenant ${
        tenant.group
      } may publish from ${tenant.namespaces.join(
        ', ',
      )} only, not ${namespace}`,
    );
  } else if (
    namespaceOwners.length &&
    (!owner || !namespaceOwners.includes(owner))
  ) {
    violations.push(
      `namespace: ${namespace} belongs to ${namespaceOwners.join(', ')}; ${
        owner ?? 'an entity without owner'
      } may not publish from it`,
    );
  }
  if (!tenant) return violations;

  if (
    input.creating &&
    tenant.maxPublications !== undefined &&
    input.livePublications >= tenant.maxPublications
  ) {
    violations.push(
      quotaViolation(
        tenant.group,
        input.livePublications,
        tenant.maxPublications,
      ),
    );
  }
  for (const [field, maxField] of LIMIT_FIELDS) {
    const max = tenant[maxField];
    const value = config.rateLimits?.[field];
    if (max === undefined) continue;
    if (value === undefined) {
      violations.push(
        `rateLimits.${field}: tenant ${tenant.group} requires a limit of at most ${max}`,
      );
    } else if (value > max) {
      violations.push(
        `rateLimits.${field}: ${value} exceeds tenant ${tenant.group}'s maximum of ${max}`,
      );
    }
    // A plan's keys get the plan's limits where it sets them (the publication's elsewhere, checked above).
    (config.plans ?? []).forEach((plan, i) => {
      const planValue = plan.rateLimits?.[field];
      if (planValue !== undefined && planValue > max) {
        violations.push(
          `plans[${i}].rateLimits.${field}: ${planValue} exceeds tenant ${tenant.group}'s maximum of ${max}`,
        );
      }
    });
  }
  return violations;
}

export function quotaViolation(
  group: string,
  live: number,
  max: number,
): string {
  return `maxPublications: tenant ${group} already has ${live} of ${max} publications`;
}

/** The owner's cap on live publications, if its tenant has one (enforced again, atomically, at insert). */
export function publicationQuota(
  tenants: TenantSettings[],
  owner: string | undefined,
): { group: string; max: number } | undefined {
  const tenant = owner ? tenants.find(t => t.group === owner) : undefined;
  return tenant?.maxPublications === undefined
    ? undefined
    : { group: tenant.group, max: tenant.maxPublications };
}
