/**
 * Gateway API `RequestHeaderModifier` / `ResponseHeaderModifier` (HTTPRoute filters), as Envoy Gateway
 * programs them: `remove` first, then `set` (overwrite or add) and `add` (append to an existing value,
 * comma-joined as HTTP/1.1 folds repeated fields). Header names are case-insensitive, and among entries
 * of one list with equivalent names the first counts (the spec's MUST). Pure.
 */
export interface HeaderModifier {
  set: { name: string; value: string }[];
  add: { name: string; value: string }[];
  remove: string[];
}

function firstOfEachName(list: unknown): { name: string; value: string }[] {
  const seen = new Set<string>();
  const out: { name: string; value: string }[] = [];
  for (const entry of Array.isArray(list) ? list : []) {
    const name = String(
      (entry as { name?: unknown })?.name ?? '',
    ).toLowerCase();
    if (!name || seen.has(name)) continue;
    seen.add(name);
    out.push({
      name,
      value: String((entry as { value?: unknown }).value ?? ''),
    });
  }
  return out;
}

/** The modifier of one filter type among a rule's filters (the spec allows each type once per rule). */
export function compileHeaderModifier(
  filters: unknown[] | undefined,
  type: 'RequestHeaderModifier' | 'ResponseHeaderModifier',
): HeaderModifier | undefined {
  const field =
    type === 'RequestHeaderModifier'
      ? 'requestHeaderModifier'
      : 'responseHeaderModifier';
  const f = (filters ?? []).find(
    x => (x as { type?: unknown })?.type === type,
  ) as Record<string, any> | undefined;
  const spec = f?.[field];
  if (!spec) return undefined;
  return {
    set: firstOfEachName(spec.set),
    add: firstOfEachName(spec.add),
    remove: [
      ...new Set<string>(
        (Array.isArray(spec.remove) ? spec.remove : []).map((n: unknown) =>
          String(n).toLowerCase(),
        ),
      ),
    ],
  };
}

/** Applies a modifier to a header map (names lower-cased in the result). */
export function applyHeaderModifier(
  headers: Record<string, string>,
  modifier: HeaderModifier | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    out[name.toLowerCase()] = value;
  if (!modifier) return out;
  for (const name of modifier.remove) delete out[name];
  for (const { name, value } of modifier.set) out[name] = value;
  for (const { name, value } of modifier.add)
    out[name] = out[name] !== undefined ? `${out[name]},${value}` : value;
  return out;
}
