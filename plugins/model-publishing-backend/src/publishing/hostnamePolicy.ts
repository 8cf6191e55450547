import type { PublishConfig } from '@model-publishing/plugin-model-publishing-common';
import type { TenantSettings } from '../config';

/** What decides a publication's hostname: the configured LLM template and the owner's tenant. */
export interface HostnameRules {
  /** `modelPublishing.gateway.llmHostnameTemplate` ({name}, {namespace}). */
  llmHostnameTemplate: string;
  tenants: TenantSettings[];
}

/** A model already holding a hostname (a live publication). */
export interface HostnameHolder {
  cluster: string;
  namespace: string;
  name: string;
  modelKind: string;
  config: Pick<PublishConfig, 'hostname'>;
}

/** The hostname the template gives a model. */
export function templateHostname(
  template: string,
  namespace: string,
  name: string,
): string {
  return template
    .replace(/\{name\}/g, name)
    .replace(/\{namespace\}/g, namespace)
    .toLowerCase();
}

/**
 * The hostname a publication occupies: LLMs always have one (theirs or the template's); other models only
 * when they set one (else they share the public host under their own path prefix).
 */
export function occupiedHostname(
  rules: Pick<HostnameRules, 'llmHostnameTemplate'>,
  holder: Pick<HostnameHolder, 'namespace' | 'name' | 'modelKind' | 'config'>,
): string | undefined {
  if (holder.config.hostname) return holder.config.hostname;
  return holder.modelKind === 'openai'
    ? templateHostname(rules.llmHostnameTemplate, holder.namespace, holder.name)
    : undefined;
}

/** Whether `hostname` is one of a tenant's allowed entries: exact, or below a `.suffix` entry. */
export function inAllowedList(
  hostname: string,
  allowed: readonly string[],
): boolean {
  return allowed.some(entry =>
    entry.startsWith('.') ? hostname.endsWith(entry) : hostname === entry,
  );
}

/**
 * Why an explicit hostname may not be used, pure (undefined when it may): no wildcards, and it is either
 * the hostname the template gives this very model or on the owner's tenant's `hostnames` list. Anything
 * else is another team's name or a foreign domain.
 */
export function hostnameViolation(
  rules: HostnameRules,
  model: { namespace: string; name: string; owner?: string },
  hostname: string | undefined,
): string | undefined {
  if (hostname === undefined) return undefined;
  if (hostname.includes('*')) {
    return `hostname: wildcards are not allowed ('${hostname}' would capture other publications' hostnames)`;
  }
  const own = templateHostname(
    rules.llmHostnameTemplate,
    model.namespace,
    model.name,
  );
  if (hostname === own) return undefined;
  const tenant = model.owner
    ? rules.tenants.find(t => t.group === model.owner)
    : undefined;
  if (tenant?.hostnames && inAllowedList(hostname, tenant.hostnames))
    return undefined;
  const allowed = tenant?.hostnames?.length
    ? ` or one of tenant ${tenant.group}'s hostnames (${tenant.hostnames.join(
        ', ',
      )})`
    : '';
  return `hostname: '${hostname}' is not allowed for ${model.namespace}/${model.name}: use the hostname the template gives it ('${own}')${allowed}`;
}

/** The live publication of another model that already holds `hostname`, if any. */
export function hostnameHolder(
  rules: Pick<HostnameRules, 'llmHostnameTemplate'>,
  model: { cluster: string; namespace: string; name: string },
  hostname: string | undefined,
  live: readonly HostnameHolder[],
): HostnameHolder | undefined {
  if (!hostname) return undefined;
  return live.find(
    p =>
      !(
        p.cluster === model.cluster &&
        p.namespace === model.namespace &&
        p.name === model.name
      ) && occupiedHostname(rules, p) === hostname,
  );
}

/** A tenant's `hostnames` entry as config accepts it: a lower-case DNS name, or `.suffix`; no wildcards. */
export const HOSTNAME_ENTRY =
  /^\.?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
