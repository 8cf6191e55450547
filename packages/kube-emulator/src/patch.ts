import { StatusError } from './errors';

function isObject(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** RFC 7386 JSON merge patch (also used for strategic merge patch: lists are replaced, not merged). */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, any> = isObject(target) ? structuredClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

interface Op {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function invalidPatch(message: string): StatusError {
  return new StatusError(422, 'Invalid', message);
}

function child(node: any, seg: string): any {
  if (Array.isArray(node)) return node[Number(seg)];
  return isObject(node) ? node[seg] : undefined;
}

function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw invalidPatch(`invalid JSON pointer: "${p}"`);
  return p.slice(1).split('/').map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: any, segs: string[], path: string): { parent: any; last: string } {
  let node = doc;
  for (const s of segs.slice(0, -1)) {
    node = child(node, s);
    if (node === undefined) throw invalidPatch(`doc is missing path: "${path}": missing value`);
  }
  return { parent: node, last: segs[segs.length - 1] };
}

function get(doc: any, path: string): unknown {
  let node = doc;
  for (const s of parsePointer(path)) {
    node = child(node, s);
    if (node === undefined) throw invalidPatch(`doc is missing path: "${path}": missing value`);
  }
  return node;
}

function add(doc: any, path: string, value: unknown): any {
  const segs = parsePointer(path);
  if (!segs.length) return structuredClone(value);
  const { parent, last } = parentOf(doc, segs, path);
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(i) || i < 0 || i > parent.length) throw invalidPatch(`add operation does not apply: index out of bounds: ${path}`);
    parent.splice(i, 0, structuredClone(value));
  } else if (isObject(parent)) {
    parent[last] = structuredClone(value);
  } else throw invalidPatch(`doc is missing path: "${path}"`);
  return doc;
}

function remove(doc: any, path: string): any {
  const segs = parsePointer(path);
  const { parent, last } = parentOf(doc, segs, path);
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!(i >= 0 && i < parent.length)) throw invalidPatch(`remove operation does not apply: doc is missing path: "${path}"`);
    parent.splice(i, 1);
  } else if (isObject(parent) && last in parent) {
    delete parent[last];
  } else throw invalidPatch(`remove operation does not apply: doc is missing path: "${path}": missing value`);
  return doc;
}

/** RFC 6902 JSON patch. A failed `test` or a missing path is a 422, as on the API server. */
export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new StatusError(400, 'BadRequest', 'json patch must be an array of operations');
  let doc: any = structuredClone(target);
  for (const o of ops as Op[]) {
    switch (o.op) {
      case 'add':
        doc = add(doc, o.path, o.value);
        break;
      case 'remove':
        doc = remove(doc, o.path);
        break;
      case 'replace':
        get(doc, o.path);
        doc = add(remove(doc, o.path), o.path, o.value);
        break;
      case 'move': {
        const v = get(doc, o.from ?? '');
        doc = add(remove(doc, o.from ?? ''), o.path, v);
        break;
      }
      case 'copy':
        doc = add(doc, o.path, get(doc, o.from ?? ''));
        break;
      case 'test':
        if (JSON.stringify(get(doc, o.path)) !== JSON.stringify(o.value)) {
          throw invalidPatch(`testing value ${o.path} failed: test failed`);
        }
        break;
      default:
        throw new StatusError(400, 'BadRequest', `Unexpected kind: ${o.op}`);
    }
  }
  return doc;
}
