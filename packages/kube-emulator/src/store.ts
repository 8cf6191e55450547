import { EventEmitter } from 'node:events';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  storageKey: string;
  /** The object after the change (for DELETED: the object as deleted, with the delete's resourceVersion). */
  object: any;
  /** The object before the change (MODIFIED/DELETED), so watches can tell selector transitions apart. */
  previous?: any;
  resourceVersion: number;
}

export interface StoreSnapshot {
  resourceVersion: number;
  objects: { storageKey: string; object: any }[];
}

const EVENT_HISTORY = 5000;

/** Plain code-unit order, the same order list continue tokens compare with. */
function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function key(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/**
 * The in-memory object store: objects by storage key (group/kind), one global monotonic
 * resourceVersion, and a bounded event history so watches can resume from a resourceVersion.
 * Stored objects are never handed out; callers get deep copies.
 */
export class Store {
  private rv = 0;
  private readonly data = new Map<string, Map<string, any>>();
  private readonly history: StoreEvent[] = [];
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  get resourceVersion(): number {
    return this.rv;
  }

  /** The oldest resourceVersion a watch can resume from. */
  get oldestResumable(): number {
    return this.history.length ? this.history[0].resourceVersion - 1 : this.rv;
  }

  private bucket(storageKey: string): Map<string, any> {
    let b = this.data.get(storageKey);
    if (!b) {
      b = new Map();
      this.data.set(storageKey, b);
    }
    return b;
  }

  get(storageKey: string, namespace: string | undefined, name: string): any | undefined {
    const o = this.data.get(storageKey)?.get(key(namespace, name));
    return o ? structuredClone(o) : undefined;
  }

  /** Objects sorted by namespace then name (the API server's list order). */
  list(storageKey: string, namespace?: string): any[] {
    const b = this.data.get(storageKey);
    if (!b) return [];
    const prefix = namespace !== undefined ? `${namespace}/` : undefined;
    return [...b.entries()]
      .filter(([k]) => !prefix || k.startsWith(prefix))
      .sort(([a], [c]) => compareKeys(a, c))
      .map(([, o]) => structuredClone(o));
  }

  /** Every stored object with its storage key (used by cascade deletion and namespace cleanup). */
  all(): { storageKey: string; object: any }[] {
    const out: { storageKey: string; object: any }[] = [];
    for (const [storageKey, b] of this.data) for (const o of b.values()) out.push({ storageKey, object: structuredClone(o) });
    return out;
  }

  /** Stores a new or changed object, assigning the next resourceVersion; returns the stored copy. */
  put(storageKey: string, object: any): any {
    const b = this.bucket(storageKey);
    const k = key(object.metadata.namespace, object.metadata.name);
    const previous = b.get(k);
    this.rv++;
    const stored = structuredClone(object);
    stored.metadata.resourceVersion = String(this.rv);
    b.set(k, stored);
    this.record({ type: previous ? 'MODIFIED' : 'ADDED', storageKey, object: stored, previous, resourceVersion: this.rv });
    return structuredClone(stored);
  }

  remove(storageKey: string, namespace: string | undefined, name: string): any | undefined {
    const b = this.data.get(storageKey);
    const k = key(namespace, name);
    const previous = b?.get(k);
    if (!b || !previous) return undefined;
    b.delete(k);
    this.rv++;
    const object = structuredClone(previous);
    object.metadata.resourceVersion = String(this.rv);
    this.record({ type: 'DELETED', storageKey, object, previous, resourceVersion: this.rv });
    return structuredClone(object);
  }

  private record(ev: StoreEvent) {
    this.history.push(ev);
    if (this.history.length > EVENT_HISTORY) this.history.shift();
    this.emitter.emit('event', ev);
  }

  /** Events after `resourceVersion`, or undefined if that point is older than the history kept. */
  eventsSince(resourceVersion: number): StoreEvent[] | undefined {
    if (resourceVersion < this.oldestResumable) return undefined;
    return this.history.filter(e => e.resourceVersion > resourceVersion);
  }

  subscribe(fn: (ev: StoreEvent) => void): () => void {
    this.emitter.on('event', fn);
    return () => this.emitter.off('event', fn);
  }

  snapshot(): StoreSnapshot {
    return { resourceVersion: this.rv, objects: this.all() };
  }

  /** Replaces the contents with a snapshot (no events are emitted). */
  restore(s: StoreSnapshot): void {
    this.data.clear();
    this.history.length = 0;
    for (const { storageKey, object } of s.objects) {
      this.bucket(storageKey).set(key(object.metadata.namespace, object.metadata.name), structuredClone(object));
    }
    this.rv = Math.max(s.resourceVersion, ...s.objects.map(o => Number(o.object.metadata.resourceVersion) || 0));
  }
}
