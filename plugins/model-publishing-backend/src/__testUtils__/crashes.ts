import {
  LABEL_MANAGED_BY,
  LABEL_PUBLICATION,
  MANAGED_BY_VALUE,
} from '@model-publishing/plugin-model-publishing-common';
import { MANAGED_KINDS } from '../publishing/objects';
import type { startServices } from './services';

/** A write that never completes: the process was "killed" before it. */
export const never = () => new Promise<void>(() => {});

/** Waits (polling) until `done()` holds: the "killed" operation reaches its kill point at its own pace. */
export async function until(
  done: () => boolean | Promise<boolean>,
  what: string,
) {
  const deadline = Date.now() + 20_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`not reached in 20 s: ${what}`);
    await new Promise(r => setTimeout(r, 50));
  }
}

/** The labelled objects in the emulator (of one publication, or every one we manage), as kind/name. */
export function labelledIn(
  s: Awaited<ReturnType<typeof startServices>>,
  publicationId?: string,
) {
  const out: string[] = [];
  for (const { apiVersion, kind } of MANAGED_KINDS) {
    const type = (s.emulator.api as any).registry.forKind(apiVersion, kind);
    const selector = publicationId
      ? `${LABEL_PUBLICATION}=${publicationId}`
      : `${LABEL_MANAGED_BY}=${MANAGED_BY_VALUE}`;
    for (const o of s.emulator.api.list(type, undefined, {
      labelSelector: selector,
    }).items)
      out.push(`${kind}/${o.metadata.name}`);
  }
  return out.sort();
}
