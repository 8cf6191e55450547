import type { KubernetesObject } from '../../api/types';

/** One line of a diff: kept, added or removed. */
export interface DiffLine {
  op: ' ' | '+' | '-';
  text: string;
}

/** One object of an update's preview and what the update does to it. */
export interface ObjectChange {
  kind: string;
  name: string;
  change: 'added' | 'removed' | 'changed' | 'unchanged';
  lines: DiffLine[];
  added: number;
  removed: number;
}

/** A line diff (longest common subsequence), the same lines in the same order as both inputs. Pure. */
export function lineDiff(before: string[], after: string[]): DiffLine[] {
  const n = before.length;
  const m = after.length;
  // lcs[i][j]: the longest common subsequence of before[i..] and after[j..].
  const lcs: number[][] = Array.from({ length: n + 1 }, () =>
    new Array<number>(m + 1).fill(0),
  );
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] =
        before[i] === after[j]
          ? lcs[i + 1][j + 1] + 1
          : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (before[i] === after[j]) {
      out.push({ op: ' ', text: before[i] });
      i++;
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
      out.push({ op: '-', text: before[i++] });
    } else {
      out.push({ op: '+', text: after[j++] });
    }
  }
  while (i < n) out.push({ op: '-', text: before[i++] });
  while (j < m) out.push({ op: '+', text: after[j++] });
  return out;
}

const keyOf = (o: KubernetesObject) =>
  `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ''}/${
    o.metadata?.name ?? ''
  }`;
const linesOf = (o: KubernetesObject | undefined) =>
  o ? JSON.stringify(o, null, 2).split('\n') : [];

/**
 * What an update does to each object (pure): the planned objects in their apply order, then those it
 * removes; each with its line diff against what the current settings build.
 */
export function diffObjects(
  current: KubernetesObject[],
  planned: KubernetesObject[],
): ObjectChange[] {
  const before = new Map(current.map(o => [keyOf(o), o]));
  const plannedKeys = new Set(planned.map(keyOf));
  const change = (
    was: KubernetesObject | undefined,
    now: KubernetesObject | undefined,
  ): ObjectChange => {
    const object = (now ?? was)!;
    const lines = lineDiff(linesOf(was), linesOf(now));
    const added = lines.filter(l => l.op === '+').length;
    const removed = lines.filter(l => l.op === '-').length;
    let kind: ObjectChange['change'] = 'changed';
    if (!was) kind = 'added';
    else if (!now) kind = 'removed';
    else if (!added && !removed) kind = 'unchanged';
    return {
      kind: object.kind,
      name: object.metadata?.name ?? '(unnamed)',
      change: kind,
      lines,
      added,
      removed,
    };
  };
  return [
    ...planned.map(o => change(before.get(keyOf(o)), o)),
    ...current
      .filter(o => !plannedKeys.has(keyOf(o)))
      .map(o => change(o, undefined)),
  ];
}
