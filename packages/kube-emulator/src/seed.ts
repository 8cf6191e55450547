import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { StatusError } from './errors';
import type { ObjectApi } from './objects';
import { apiVersionOf } from './resources';

/** YAML/JSON files named by `paths` (files or directories, directories read non-recursively in name order). */
export function seedFiles(paths: string | string[]): string[] {
  const out: string[] = [];
  for (const p of Array.isArray(paths) ? paths : [paths]) {
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      out.push(...fs.readdirSync(p).filter(f => /\.(ya?ml|json)$/.test(f)).sort().map(f => path.join(p, f)));
    } else out.push(p);
  }
  return out;
}

/** Every object in the seed files; namespaces first so that namespaced objects can be created. */
export function readSeedObjects(paths: string | string[]): { file: string; object: any }[] {
  const objs: { file: string; object: any }[] = [];
  for (const file of seedFiles(paths)) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
      const o = doc.toJS();
      if (!o) continue;
      if (o.kind === 'List' && Array.isArray(o.items)) o.items.forEach((i: any) => objs.push({ file, object: i }));
      else objs.push({ file, object: o });
    }
  }
  return objs.sort((a, b) => Number(b.object.kind === 'Namespace') - Number(a.object.kind === 'Namespace'));
}

/**
 * Creates the seed objects that do not exist yet (so a persisted cluster keeps its changes), then
 * sets their `status` through the status subresource, as a controller would. Returns how many were created.
 */
export function applySeed(api: ObjectApi, paths: string | string[]): number {
  let created = 0;
  for (const { file, object } of readSeedObjects(paths)) {
    const where = `${file}: ${object.kind ?? '?'} ${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? '?'}`;
    const type = api.registry.forKind(object.apiVersion, object.kind);
    if (!type) throw new Error(`${where}: no served type for ${object.apiVersion} ${object.kind}`);
    const ns = type.namespaced ? object.metadata?.namespace ?? 'default' : undefined;
    if (api.store.get(type.storageKey, ns, object.metadata?.name)) continue;
    const owners = resolveOwnerReferences(api, object.metadata?.ownerReferences, ns, where);
    const involved = type.builtin && type.kind === 'Event' ? resolveInvolvedObject(api, object.involvedObject, ns, where) : undefined;
    try {
      const { status, ...rest } = object;
      if (owners) rest.metadata = { ...rest.metadata, ownerReferences: owners };
      if (involved) rest.involvedObject = involved;
      const stored = api.create(type, ns, { ...rest, status: type.builtin ? status : undefined }, { fieldManager: 'kube-emulator-seed', fieldValidation: 'Strict' });
      if (status && type.hasStatus && !type.builtin) {
        api.update(type, ns, stored.metadata.name, { ...stored, apiVersion: apiVersionOf(type), status }, { fieldManager: 'kube-emulator-seed', fieldValidation: 'Strict' }, 'status');
      }
      created++;
    } catch (e) {
      const detail = e instanceof StatusError ? `${e.message}` : String(e);
      throw new Error(`${where}: ${detail}`);
    }
  }
  return created;
}

/**
 * Seed files cannot know the uids the emulator will assign, so an ownerReference there may leave out
 * `uid`: it is filled in from the owner (same namespace, apiVersion, kind and name), which must come
 * earlier in the seed (missing seed objects are always created again) or already exist.
 */
function resolveOwnerReferences(api: ObjectApi, refs: unknown, namespace: string | undefined, where: string): any[] | undefined {
  if (refs === undefined) return undefined;
  if (!Array.isArray(refs)) throw new Error(`${where}: metadata.ownerReferences must be a list`);
  return refs.map(ref => {
    if (ref?.uid) return ref;
    const ownerType = api.registry.forKind(ref?.apiVersion, ref?.kind);
    if (!ownerType) throw new Error(`${where}: ownerReference to unserved ${ref?.apiVersion} ${ref?.kind}`);
    const owner = api.store.get(ownerType.storageKey, ownerType.namespaced ? namespace : undefined, ref.name);
    if (!owner) throw new Error(`${where}: owner ${ref.kind} ${ref.name} is neither in the cluster nor earlier in the seed`);
    return { ...ref, uid: owner.metadata.uid };
  });
}

/**
 * Likewise an Event's `involvedObject` may leave out `uid` (and `resourceVersion`): they are filled in from
 * the object it names (its namespace defaults to the Event's), which must be earlier in the seed or exist.
 */
function resolveInvolvedObject(api: ObjectApi, ref: any, namespace: string | undefined, where: string): any {
  if (!ref || typeof ref !== 'object' || ref.uid) return undefined;
  const objType = api.registry.forKind(ref.apiVersion, ref.kind);
  if (!objType) throw new Error(`${where}: involvedObject is an unserved ${ref.apiVersion} ${ref.kind}`);
  const ns = objType.namespaced ? ref.namespace ?? namespace : undefined;
  const obj = api.store.get(objType.storageKey, ns, ref.name);
  if (!obj) throw new Error(`${where}: involved ${ref.kind} ${ref.name} is neither in the cluster nor earlier in the seed`);
  return { ...ref, ...(ns ? { namespace: ns } : {}), uid: obj.metadata.uid, resourceVersion: ref.resourceVersion ?? obj.metadata.resourceVersion };
}

/** The repository's demo cluster seed (`examples/cluster`), resolved from this package's location. */
export function exampleSeedDir(): string {
  // This package runs from source inside the repository (main: src/index.ts).
  // eslint-disable-next-line no-restricted-syntax
  return path.resolve(__dirname, '..', '..', '..', 'examples', 'cluster');
}
