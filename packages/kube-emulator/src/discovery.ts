import { apiVersionOf, type ResourceRegistry, type ResourceType } from './resources';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function resourcesFor(types: ResourceType[]) {
  const out: any[] = [];
  for (const t of types) {
    out.push({
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: VERBS,
      ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
      ...(t.categories.length ? { categories: t.categories } : {}),
      storageVersionHash: Buffer.from(t.storageKey).toString('base64').slice(0, 11),
    });
    if (t.hasStatus) {
      out.push({ name: `${t.plural}/status`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: ['get', 'patch', 'update'] });
    }
    if (t.builtin && t.kind === 'Pod') out.push({ name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] });
  }
  return out;
}

/** Legacy (non-aggregated) discovery documents, which every client understands. */
export class Discovery {
  constructor(private readonly registry: ResourceRegistry) {}

  coreVersions(serverAddress: string) {
    return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
  }

  resourceList(group: string, version: string) {
    const types = this.registry.types.filter(t => t.group === group && t.version === version);
    if (!types.length) return undefined;
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources: resourcesFor(types) };
  }

  private group(name: string, versions: string[]) {
    const vs = versions.map(v => ({ groupVersion: `${name}/${v}`, version: v }));
    return { name, versions: vs, preferredVersion: vs[0] };
  }

  groupList() {
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [...this.registry.groups()].map(([name, versions]) => this.group(name, versions)),
    };
  }

  apiGroup(name: string) {
    const versions = this.registry.groups().get(name);
    return versions ? { kind: 'APIGroup', apiVersion: 'v1', ...this.group(name, versions) } : undefined;
  }
}
