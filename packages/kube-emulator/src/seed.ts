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
    try {
      const { status, ...rest } = object;
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

/** The repository's demo cluster seed (`examples/cluster`), resolved from this package's location. */
export function exampleSeedDir(): string {
  // This package runs from source inside the repository (main: src/index.ts).
  // eslint-disable-next-line no-restricted-syntax
  return path.resolve(__dirname, '..', '..', '..', 'examples', 'cluster');
}
