/** Kubernetes-style field paths: `spec.rules[0].matches[0].path.type`. */
export function childPath(parent: string, key: string): string {
  return parent ? `${parent}.${key}` : key;
}

export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

/**
 * Converts a JSON pointer into a Kubernetes field path, using the data to tell list indexes from
 * map keys that happen to look numeric.
 */
export function pointerToFieldPath(pointer: string, data: unknown): string {
  if (!pointer) return '';
  let path = '';
  let node: any = data;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      path = indexPath(path, Number(seg));
    } else {
      path = childPath(path, seg);
    }
    node = node !== null && typeof node === 'object' ? node[seg] : undefined;
  }
  return path;
}

/** Field error, shaped like a metav1.StatusCause (`reason`, `message`, `field`). */
export interface FieldError {
  field: string;
  message: string;
  reason: string;
}
