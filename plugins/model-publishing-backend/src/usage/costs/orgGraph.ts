/**
 * The catalog's org graph, as chargeback rolls costs up it: user → group → parent group, and
 * component → system → domain. Pure: built from entities the caller read from the catalog.
 */
export interface OrgEntity {
  ref: string;
  kind: string;
  title?: string;
  /** Relations as the catalog stores them (targetRef normalised). */
  relations?: { type: string; targetRef: string }[];
}

export interface OrgGraph {
  /** Parent of each ref that has one. */
  parent: Map<string, string>;
  titles: Map<string, string>;
  kinds: Map<string, string>;
  /** Every group each user is a member of (the groups whose costs its members may see). */
  memberships: Map<string, string[]>;
}

/** The relation that leads from an entity of a kind to its parent in the roll-up. */
const PARENT_RELATION: Record<string, string> = {
  user: 'memberOf',
  group: 'childOf',
  component: 'partOf',
  system: 'partOf',
};

/** Only these parents count (a component's `partOf` may also name another component). */
const PARENT_KIND: Record<string, string> = {
  user: 'group',
  group: 'group',
  component: 'system',
  system: 'domain',
};

/**
 * Builds the graph. A user in several groups rolls up to the first of them in ref order (costs must add up,
 * so each user has one parent); the same rule for any entity with several parents.
 */
export function buildOrgGraph(entities: OrgEntity[]): OrgGraph {
  const parent = new Map<string, string>();
  const titles = new Map<string, string>();
  const kinds = new Map<string, string>();
  const memberships = new Map<string, string[]>();
  for (const e of entities) {
    const kind = e.kind.toLocaleLowerCase('en-US');
    kinds.set(e.ref, kind);
    if (e.title) titles.set(e.ref, e.title);
    const relation = PARENT_RELATION[kind];
    if (!relation) continue;
    const candidates = (e.relations ?? [])
      .filter(
        r =>
          r.type === relation &&
          r.targetRef.startsWith(`${PARENT_KIND[kind]}:`) &&
          r.targetRef !== e.ref,
      )
      .map(r => r.targetRef)
      .sort();
    if (candidates.length) parent.set(e.ref, candidates[0]);
    if (kind === 'user') memberships.set(e.ref, candidates);
  }
  return { parent, titles, kinds, memberships };
}

/** The chain from a ref up to its root (the ref first); stops at a cycle. */
export function ancestry(graph: OrgGraph, ref: string): string[] {
  const chain = [ref];
  const seen = new Set(chain);
  let at = graph.parent.get(ref);
  while (at && !seen.has(at)) {
    chain.push(at);
    seen.add(at);
    at = graph.parent.get(at);
  }
  return chain;
}
