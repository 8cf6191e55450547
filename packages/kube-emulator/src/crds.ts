import fs from 'node:fs';
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';

/** An OpenAPI v3 structural schema node as found in a CRD (loosely typed on purpose). */
export type JsonSchema = { [key: string]: any };

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema?: JsonSchema;
  subresources?: { status?: object; scale?: object };
}

export interface CrdDefinition {
  group: string;
  scope: 'Namespaced' | 'Cluster';
  names: {
    kind: string;
    plural: string;
    singular?: string;
    listKind?: string;
    shortNames?: string[];
    categories?: string[];
  };
  versions: CrdVersion[];
  /** The full CustomResourceDefinition object, as parsed. */
  raw: any;
  /** Where it was loaded from, if from a file. */
  source?: string;
}

const cache = new Map<string, CrdDefinition[]>();

/** The directory of CRDs shipped with this package. */
export function defaultCrdDir(): string {
  // This package runs from source (main: src/index.ts), so crds/ is always next to src/.
  // eslint-disable-next-line no-restricted-syntax
  return path.resolve(__dirname, '..', 'crds');
}

/** Turns a parsed CustomResourceDefinition object into a CrdDefinition. */
export function crdFromObject(obj: any, source?: string): CrdDefinition {
  if (obj?.kind !== 'CustomResourceDefinition' || !obj.spec) {
    throw new Error(`${source ?? 'object'} is not a CustomResourceDefinition`);
  }
  const spec = obj.spec;
  return {
    group: spec.group,
    scope: spec.scope === 'Cluster' ? 'Cluster' : 'Namespaced',
    names: {
      ...spec.names,
      listKind: spec.names.listKind ?? `${spec.names.kind}List`,
      singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
    },
    versions: (spec.versions ?? []).map((v: any) => ({
      name: v.name,
      served: v.served !== false,
      storage: !!v.storage,
      schema: v.schema?.openAPIV3Schema,
      subresources: v.subresources,
    })),
    raw: obj,
    source,
  };
}

/**
 * Loads every CustomResourceDefinition from the YAML files in `dir` (default: the CRDs shipped in
 * this package). Multi-document files are supported; non-CRD documents are ignored.
 */
export function loadCrds(dir: string = defaultCrdDir()): CrdDefinition[] {
  // Parsing ~6 MB of YAML takes over a second; the shipped set is read once per process.
  const cached = cache.get(dir);
  if (cached) return cached;
  const crds = readCrdDir(dir);
  cache.set(dir, crds);
  return crds;
}

/** The CRDs of the YAML files directly in `dir` (not its subdirectories), uncached. */
export function readCrdDir(dir: string): CrdDefinition[] {
  const files = fs
    .readdirSync(dir)
    .filter(f => /\.ya?ml$/.test(f))
    .sort();
  const crds: CrdDefinition[] = [];
  for (const file of files) {
    const full = path.join(dir, file);
    for (const obj of parseYamlCached(full)) {
      if (obj?.kind === 'CustomResourceDefinition') {
        crds.push(crdFromObject(obj, full));
      }
    }
  }
  return crds;
}

/**
 * Parses a multi-document YAML file, caching the result as JSON in the OS temp directory keyed by the
 * file's content hash: the CRDs are ~6 MB of YAML, which takes seconds to parse but milliseconds as JSON.
 */
function parseYamlCached(file: string): any[] {
  const text = fs.readFileSync(file, 'utf8');
  const hash = crypto.createHash('sha256').update(text).digest('hex').slice(0, 32);
  const cacheFile = path.join(os.tmpdir(), 'kube-emulator-crd-cache', `${hash}.json`);
  try {
    return JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
  } catch {
    // Not cached yet (or unreadable): parse and try to cache.
  }
  const docs = YAML.parseAllDocuments(text).map(d => d.toJS({ maxAliasCount: -1 }));
  try {
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(docs));
    fs.renameSync(tmp, cacheFile);
  } catch {
    // A read-only temp dir only costs speed.
  }
  return docs;
}
