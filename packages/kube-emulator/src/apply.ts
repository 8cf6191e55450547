import { StatusError } from './errors';

/**
 * managedFields bookkeeping and server-side apply. Ownership is tracked per leaf field: objects are
 * descended, lists and scalars are owned whole (atomic), and labels/annotations per key. This is
 * coarser than the API server (which merges `x-kubernetes-list-type: map` lists per key) but gives the
 * behaviour callers rely on: create-or-update, removal of fields a manager stops applying, and 409
 * conflicts when another manager owns a field with a different value.
 */

const SEP = '\u0000';
type PathSet = Set<string>;

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, any>;
  subresource?: string;
}

function isObject(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Leaf paths of the parts of an object a manager can own. */
export function ownedPaths(obj: any, opts: { includeStatus: boolean; onlyStatus?: boolean }): PathSet {
  const out: PathSet = new Set();
  const walk = (v: unknown, prefix: string[]) => {
    if (isObject(v) && Object.keys(v).length) {
      for (const [k, c] of Object.entries(v)) walk(c, [...prefix, k]);
    } else out.add(prefix.join(SEP));
  };
  for (const [k, v] of Object.entries<any>(obj ?? {})) {
    if (k === 'apiVersion' || k === 'kind') continue;
    if (k === 'status' && !opts.includeStatus && !opts.onlyStatus) continue;
    if (opts.onlyStatus && k !== 'status') continue;
    if (k === 'metadata') {
      for (const mk of ['labels', 'annotations']) {
        for (const lk of Object.keys(v?.[mk] ?? {})) out.add(['metadata', mk, lk].join(SEP));
      }
      for (const mk of ['ownerReferences', 'finalizers']) if (v?.[mk] !== undefined) out.add(['metadata', mk].join(SEP));
      continue;
    }
    walk(v, [k]);
  }
  return out;
}

export function toFieldsV1(paths: PathSet): Record<string, any> {
  const root: Record<string, any> = {};
  for (const p of [...paths].sort()) {
    let node = root;
    for (const seg of p.split(SEP)) {
      node[`f:${seg}`] ??= {};
      node = node[`f:${seg}`];
    }
  }
  return root;
}

export function fromFieldsV1(f: Record<string, any> | undefined): PathSet {
  const out: PathSet = new Set();
  const walk = (node: Record<string, any>, prefix: string[]) => {
    const children = Object.keys(node).filter(k => k.startsWith('f:'));
    if (!children.length && prefix.length) out.add(prefix.join(SEP));
    for (const k of children) walk(node[k], [...prefix, k.slice(2)]);
  };
  walk(f ?? {}, []);
  return out;
}

function getAt(obj: any, path: string): unknown {
  let node = obj;
  for (const s of path.split(SEP)) {
    if (!isObject(node)) return undefined;
    node = node[s];
  }
  return node;
}

function deleteAt(obj: any, path: string): void {
  const segs = path.split(SEP);
  const parents: any[] = [];
  let node = obj;
  for (const s of segs.slice(0, -1)) {
    if (!isObject(node[s])) return;
    parents.push(node);
    node = node[s];
  }
  delete node[segs[segs.length - 1]];
  // Drop maps the removal left empty, as the API server does for fields nobody sets any more.
  for (let i = segs.length - 2; i >= 0; i--) {
    const parent = parents[i];
    const k = segs[i];
    if (isObject(parent[k]) && !Object.keys(parent[k]).length) delete parent[k];
    else break;
  }
}

function prefixOverlap(a: string, b: string): boolean {
  return a === b || a.startsWith(b + SEP) || b.startsWith(a + SEP);
}

function deepMerge(base: any, overlay: any): any {
  if (!isObject(base) || !isObject(overlay)) return structuredClone(overlay);
  const out = structuredClone(base);
  for (const [k, v] of Object.entries(overlay)) out[k] = deepMerge(out[k], v);
  return out;
}

function entryPaths(e: ManagedFieldsEntry): PathSet {
  return fromFieldsV1(e.fieldsV1);
}

function setEntry(
  entries: ManagedFieldsEntry[],
  manager: string,
  operation: 'Apply' | 'Update',
  apiVersion: string,
  paths: PathSet,
  subresource?: string,
): ManagedFieldsEntry[] {
  const rest = entries.filter(e => !(e.manager === manager && e.operation === operation && (e.subresource ?? '') === (subresource ?? '')));
  if (!paths.size) return rest;
  return [
    ...rest,
    { manager, operation, apiVersion, time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(paths), ...(subresource ? { subresource } : {}) },
  ];
}

function without(entries: ManagedFieldsEntry[], except: (e: ManagedFieldsEntry) => boolean, paths: PathSet): ManagedFieldsEntry[] {
  return entries
    .map(e => {
      if (except(e)) return e;
      const own = entryPaths(e);
      let changed = false;
      for (const p of [...own]) {
        if ([...paths].some(q => prefixOverlap(p, q))) {
          own.delete(p);
          changed = true;
        }
      }
      return changed ? { ...e, fieldsV1: toFieldsV1(own) } : e;
    })
    .filter(e => Object.keys(e.fieldsV1).length);
}

/**
 * managedFields after a non-apply write (create, update, patch): `manager` owns the fields it changed
 * and other managers lose them.
 */
export function managedFieldsAfterUpdate(
  previous: any | undefined,
  next: any,
  manager: string,
  apiVersion: string,
  opts: { includeStatus: boolean; subresource?: string },
): ManagedFieldsEntry[] {
  const entries: ManagedFieldsEntry[] = previous?.metadata?.managedFields ?? [];
  const pathOpts = { includeStatus: opts.includeStatus, onlyStatus: opts.subresource === 'status' };
  const before = previous ? ownedPaths(previous, pathOpts) : new Set<string>();
  const after = ownedPaths(next, pathOpts);
  const changed = new Set([...after].filter(p => !before.has(p) || JSON.stringify(getAt(previous, p)) !== JSON.stringify(getAt(next, p))));
  if (!changed.size) return entries;
  const isMine = (e: ManagedFieldsEntry) => e.manager === manager && e.operation === 'Update' && (e.subresource ?? '') === (opts.subresource ?? '');
  const others = without(entries, isMine, changed);
  const mine = entries.find(isMine);
  const owned = new Set([...(mine ? entryPaths(mine) : []), ...changed].filter(p => after.has(p)));
  return setEntry(others, manager, 'Update', apiVersion, owned, opts.subresource);
}

/**
 * Server-side apply of `applied` (the caller's full intent) onto `live` (undefined on create).
 * Returns the merged object (managedFields set) or throws a 409 listing the conflicting fields.
 */
export function serverSideApply(
  live: any | undefined,
  applied: any,
  manager: string,
  opts: { force: boolean; apiVersion: string; includeStatus: boolean; subresource?: string },
): any {
  const pathOpts = { includeStatus: opts.includeStatus, onlyStatus: opts.subresource === 'status' };
  const appliedPaths = ownedPaths(applied, pathOpts);
  const entries: ManagedFieldsEntry[] = live?.metadata?.managedFields ?? [];
  const isMine = (e: ManagedFieldsEntry) => e.manager === manager && e.operation === 'Apply' && (e.subresource ?? '') === (opts.subresource ?? '');

  if (live && !opts.force) {
    const conflicts: { manager: string; apiVersion: string; path: string }[] = [];
    for (const e of entries) {
      if (isMine(e)) continue;
      for (const owned of entryPaths(e)) {
        for (const p of appliedPaths) {
          if (prefixOverlap(owned, p) && JSON.stringify(getAt(live, p)) !== JSON.stringify(getAt(applied, p))) {
            conflicts.push({ manager: e.manager, apiVersion: e.apiVersion, path: p });
          }
        }
      }
    }
    if (conflicts.length) {
      const causes = conflicts.map(c => ({ reason: 'FieldManagerConflict', message: `conflict with "${c.manager}" using ${c.apiVersion}`, field: `.${c.path.split(SEP).join('.')}` }));
      throw new StatusError(409, 'Conflict', `Apply failed with ${conflicts.length} conflict${conflicts.length > 1 ? 's' : ''}: ${causes.map(c => `${c.message}: ${c.field}`).join('\n')}`, {
        name: live.metadata?.name,
        causes,
      });
    }
  }

  let merged: any = live ? structuredClone(live) : {};
  // Fields this manager applied before but no longer applies are removed, unless someone else owns them.
  const mine = entries.find(isMine);
  if (mine) {
    const stillOwnedByOthers = new Set<string>();
    for (const e of entries) if (!isMine(e)) for (const p of entryPaths(e)) stillOwnedByOthers.add(p);
    for (const p of entryPaths(mine)) {
      if (!appliedPaths.has(p) && !stillOwnedByOthers.has(p)) deleteAt(merged, p);
    }
  }
  const body = structuredClone(applied);
  const md = body.metadata ?? {};
  body.metadata = Object.fromEntries(
    Object.entries(md).filter(([k]) => ['name', 'namespace', 'generateName', 'labels', 'annotations', 'ownerReferences', 'finalizers'].includes(k)),
  );
  if (!opts.includeStatus && !opts.subresource) delete body.status;
  if (opts.subresource === 'status') {
    merged.status = deepMerge(merged.status ?? {}, body.status ?? {});
  } else {
    merged = deepMerge(merged, body);
  }
  // With force, the applier takes conflicting fields from other managers; otherwise equal values are
  // co-owned (there was no conflict).
  const others = opts.force ? without(entries, isMine, appliedPaths) : entries.filter(e => !isMine(e));
  merged.metadata.managedFields = setEntry(others, manager, 'Apply', opts.apiVersion, appliedPaths, opts.subresource);
  return merged;
}
