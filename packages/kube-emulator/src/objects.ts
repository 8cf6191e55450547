import crypto from 'node:crypto';
import YAML from 'yaml';
import { managedFieldsAfterUpdate, serverSideApply } from './apply';
import {
  StatusError,
  alreadyExists,
  badRequest,
  conflict,
  invalid,
  notFound,
  unsupportedMediaType,
  type ResourceRef,
} from './errors';
import { jsonPatch, mergePatch } from './patch';
import {
  apiVersionOf,
  type ResourceRegistry,
  type ResourceType,
} from './resources';
import { parseFieldSelector, parseLabelSelector } from './selectors';
import type { Store } from './store';
import type { SchemaValidator } from './validation/validator';

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  /** `Strict` refuses unknown fields (400), `Warn`/`Ignore` prune them (Warn adds a warning). */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  force?: boolean;
  /** Collected `Warning` header values. */
  warnings?: string[];
}

export interface ListQuery {
  labelSelector?: string | null;
  fieldSelector?: string | null;
  limit?: number;
  continue?: string | null;
}

export interface DeleteOptions {
  dryRun?: boolean;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
}

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
const IMMUTABLE_META = [
  'name',
  'namespace',
  'uid',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'selfLink',
];

/**
 * managedFields a client set in an update body: used instead of the live ones when non-empty, entries
 * without a manager dropped (so `[{}]` clears them). k8s.io/apimachinery fieldmanager.go (Update:
 * "This is necessary to allow directly updating managed fields"); kubernetes.io/docs/reference/using-api/
 * server-side-apply/#clearing-managedfields.
 */
function clientManagedFields(body: any): any[] | undefined {
  const sent = body?.metadata?.managedFields;
  if (!Array.isArray(sent) || !sent.length) return undefined;
  return sent.filter(e => e && typeof e === 'object' && e.manager);
}

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

function ref(type: ResourceType, name?: string): ResourceRef {
  return { group: type.group, plural: type.plural, name };
}

function isObject(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** JSON with object keys sorted: typed clients (client-node) re-order fields without changing them. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    isObject(x)
      ? Object.fromEntries(
          Object.keys(x)
            .sort()
            .map(k => [k, x[k]]),
        )
      : x,
  );
}

function withoutVolatile(o: any): string {
  const c = structuredClone(o);
  delete c.metadata.resourceVersion;
  // A change of ownership is a change; only the time of an entry is not (a no-op apply stays a no-op).
  c.metadata.managedFields = (c.metadata.managedFields ?? []).map(
    ({ time: _t, ...e }: any) => e,
  );
  return canonical(c);
}

function specPart(o: any): string {
  const { metadata: _m, status: _s, ...rest } = o;
  return canonical(rest);
}

/**
 * The API server's object semantics on top of the store: create/read/update/patch/apply/delete with
 * resourceVersion preconditions, generation, schema validation (422), namespaces that must exist,
 * finalizers and ownerReference garbage collection.
 */
export class ObjectApi {
  private clusterIpCounter = 10;

  constructor(
    readonly store: Store,
    readonly registry: ResourceRegistry,
    readonly validator: SchemaValidator,
  ) {}

  present(type: ResourceType, obj: any): any {
    const { apiVersion: _a, kind: _k, ...rest } = obj;
    return { apiVersion: apiVersionOf(type), kind: type.kind, ...rest };
  }

  private namespaceType(): ResourceType {
    return this.registry.forPlural('', 'v1', 'namespaces')!;
  }

  private requireNamespace(type: ResourceType, namespace: string | undefined) {
    if (!type.namespaced) return;
    if (!namespace)
      throw badRequest(
        'the server could not find the requested resource (namespace is required)',
      );
    const ns = this.store.get(
      this.namespaceType().storageKey,
      undefined,
      namespace,
    );
    if (!ns)
      throw notFound({ group: '', plural: 'namespaces', name: namespace });
    if (ns.metadata.deletionTimestamp) {
      throw new StatusError(
        403,
        'Forbidden',
        `${
          type.plural
        } "${''}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        {
          group: type.group || undefined,
          kind: type.plural,
          causes: [
            {
              reason: 'NamespaceTerminating',
              message: `namespace ${namespace} is being terminated`,
              field: 'metadata.namespace',
            },
          ],
        },
      );
    }
  }

  get(type: ResourceType, namespace: string | undefined, name: string): any {
    const o = this.store.get(
      type.storageKey,
      type.namespaced ? namespace : undefined,
      name,
    );
    if (!o) throw notFound(ref(type, name));
    return this.present(type, o);
  }

  list(type: ResourceType, namespace: string | undefined, q: ListQuery): any {
    const labels = parseLabelSelector(q.labelSelector);
    const fields = parseFieldSelector(q.fieldSelector, type.kind);
    let items = this.store
      .list(type.storageKey, type.namespaced ? namespace : undefined)
      .filter(o => labels(o.metadata.labels) && fields(o));
    if (q.continue) {
      let after: string;
      try {
        after = JSON.parse(
          Buffer.from(q.continue, 'base64url').toString('utf8'),
        ).after;
      } catch {
        throw badRequest('continue key is not valid: invalid continue token');
      }
      items = items.filter(
        o => `${o.metadata.namespace ?? ''}/${o.metadata.name}` > after,
      );
    }
    const metadata: Record<string, unknown> = {
      resourceVersion: String(this.store.resourceVersion),
    };
    if (q.limit && q.limit > 0 && items.length > q.limit) {
      const last = items[q.limit - 1];
      metadata.continue = Buffer.from(
        JSON.stringify({
          after: `${last.metadata.namespace ?? ''}/${last.metadata.name}`,
          rv: this.store.resourceVersion,
        }),
      ).toString('base64url');
      metadata.remainingItemCount = items.length - q.limit;
      items = items.slice(0, q.limit);
    }
    return {
      apiVersion: apiVersionOf(type),
      kind: type.listKind,
      metadata,
      // Built-in lists omit per-item apiVersion/kind in JSON; custom resource lists include them.
      items: items.map(o =>
        type.builtin
          ? (({ apiVersion: _a, kind: _k, ...r }) => r)(o)
          : this.present(type, o),
      ),
    };
  }

  private checkEnvelope(
    type: ResourceType,
    body: any,
    namespace: string | undefined,
    name?: string,
  ) {
    if (!isObject(body))
      throw badRequest('the body of the request must be a JSON object');
    if (body.kind !== undefined && body.kind !== type.kind) {
      throw badRequest(
        `the API version in the data (${
          body.apiVersion
        }) does not match the expected API version (${apiVersionOf(
          type,
        )}) or kind ${body.kind} does not match ${type.kind}`,
      );
    }
    if (
      body.apiVersion !== undefined &&
      body.apiVersion !== apiVersionOf(type)
    ) {
      throw badRequest(
        `the API version in the data (${
          body.apiVersion
        }) does not match the expected API version (${apiVersionOf(type)})`,
      );
    }
    body.metadata ??= {};
    if (!isObject(body.metadata))
      throw badRequest('metadata must be an object');
    if (type.namespaced) {
      if (
        body.metadata.namespace &&
        namespace &&
        body.metadata.namespace !== namespace
      ) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      body.metadata.namespace = namespace ?? body.metadata.namespace;
    } else {
      delete body.metadata.namespace;
    }
    if (
      name !== undefined &&
      body.metadata.name &&
      body.metadata.name !== name
    ) {
      throw badRequest(
        `the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
  }

  /** Kind-specific normalisation the real API server does before validation. */
  private normalise(type: ResourceType, obj: any, previous?: any) {
    if (!type.builtin) return;
    if (type.kind === 'Secret') {
      if (isObject(obj.stringData)) {
        obj.data ??= {};
        for (const [k, v] of Object.entries(obj.stringData)) {
          obj.data[k] = Buffer.from(String(v), 'utf8').toString('base64');
        }
      }
      delete obj.stringData;
      obj.type ??= 'Opaque';
    }
    if (type.kind === 'Namespace') {
      obj.metadata.labels = {
        ...(obj.metadata.labels ?? {}),
        'kubernetes.io/metadata.name': obj.metadata.name,
      };
      obj.spec = { finalizers: ['kubernetes'], ...(obj.spec ?? {}) };
      obj.status = {
        phase: obj.metadata.deletionTimestamp ? 'Terminating' : 'Active',
      };
    }
    if (type.kind === 'Pod' && !previous && !isObject(obj.status)) {
      // Every Pod starts Pending; only the kubelet (here: whoever writes /status) moves it on.
      obj.status = { phase: 'Pending' };
    }
    if (type.kind === 'Service') {
      obj.spec ??= {};
      const prevIp = previous?.spec?.clusterIP;
      if (prevIp) obj.spec.clusterIP = prevIp;
      else if (!obj.spec.clusterIP && obj.spec.type !== 'ExternalName') {
        this.clusterIpCounter++;
        obj.spec.clusterIP = `10.96.${Math.floor(
          this.clusterIpCounter / 250,
        )}.${(this.clusterIpCounter % 250) + 1}`;
      }
      if (obj.spec.clusterIP && !obj.spec.clusterIPs)
        obj.spec.clusterIPs = [obj.spec.clusterIP];
      obj.status ??= { loadBalancer: {} };
    }
  }

  private validate(
    type: ResourceType,
    obj: any,
    opts: WriteOptions,
    previous?: any,
  ): any {
    const result = this.validator.validateAs(type, obj, {
      oldObject: previous,
      unknownFields: opts.fieldValidation === 'Strict' ? 'error' : 'prune',
    });
    const unknownErrors = result.errors.filter(
      e =>
        e.reason === 'FieldValueNotFound' &&
        e.message.startsWith('unknown field'),
    );
    // The API server finds unknown fields while decoding the body, before any validation runs: under
    // Strict they are the whole answer (400), even when the object has schema errors too.
    if (unknownErrors.length) {
      throw badRequest(
        `strict decoding error: ${unknownErrors
          .map(e => e.message)
          .join(', ')}`,
      );
    }
    const other = result.errors.filter(e => !unknownErrors.includes(e));
    if (other.length)
      throw invalid(type.kind, ref(type, obj.metadata?.name), other);
    if (opts.fieldValidation !== 'Ignore') {
      for (const f of result.unknownFields)
        opts.warnings?.push(`unknown field "${f}"`);
    }
    return result.object;
  }

  private manager(opts: WriteOptions): string {
    return opts.fieldManager || 'unknown';
  }

  create(
    type: ResourceType,
    namespace: string | undefined,
    body: any,
    opts: WriteOptions = {},
  ): any {
    this.checkEnvelope(type, body, namespace);
    const md = body.metadata;
    if (!md.name && md.generateName) {
      // Retry like the API server would on the (unlikely) collision of a generated name.
      for (let i = 0; i < 10; i++) {
        const suffix = Array.from(
          crypto.randomBytes(5),
          b => NAME_CHARS[b % NAME_CHARS.length],
        ).join('');
        md.name = `${md.generateName}${suffix}`;
        if (!this.store.get(type.storageKey, md.namespace, md.name)) break;
      }
    }
    if (!md.name) {
      throw invalid(type.kind, ref(type), [
        {
          field: 'metadata.name',
          reason: 'FieldValueRequired',
          message: 'Required value: name or generateName is required',
        },
      ]);
    }
    this.requireNamespace(type, md.namespace);
    if (this.store.get(type.storageKey, md.namespace, md.name))
      throw alreadyExists(ref(type, md.name));
    const obj = structuredClone(body);
    obj.apiVersion = apiVersionOf(type);
    obj.kind = type.kind;
    // Status is set by controllers through the status subresource, never on create.
    if (type.hasStatus && !type.builtin) delete obj.status;
    for (const k of [
      'uid',
      'resourceVersion',
      'creationTimestamp',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'generation',
      'managedFields',
      'selfLink',
    ]) {
      delete obj.metadata[k];
    }
    this.normalise(type, obj);
    const valid = this.validate(type, obj, opts);
    valid.metadata.uid = crypto.randomUUID();
    valid.metadata.creationTimestamp = now();
    if (type.tracksGeneration) valid.metadata.generation = 1;
    valid.metadata.managedFields = managedFieldsAfterUpdate(
      undefined,
      valid,
      this.manager(opts),
      apiVersionOf(type),
      { includeStatus: !type.hasStatus },
    );
    if (opts.dryRun) return this.present(type, valid);
    return this.present(type, this.store.put(type.storageKey, valid));
  }

  /** PUT of the whole object (or of its status, for the status subresource). */
  update(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: any,
    opts: WriteOptions = {},
    subresource?: string,
  ): any {
    this.checkEnvelope(type, body, namespace, name);
    const live = this.store.get(
      type.storageKey,
      type.namespaced ? namespace : undefined,
      name,
    );
    if (!live) throw notFound(ref(type, name));
    if (!body.metadata.resourceVersion && !type.builtin) {
      throw invalid(type.kind, ref(type, name), [
        {
          field: 'metadata.resourceVersion',
          reason: 'FieldValueInvalid',
          message: 'Invalid value: 0x0: must be specified for an update',
        },
      ]);
    }
    body.metadata.name = name;
    return this.commit(type, live, body, opts, subresource);
  }

  patch(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    contentType: string,
    raw: string,
    opts: WriteOptions = {},
    subresource?: string,
  ): { object: any; created: boolean } {
    const ct = contentType.split(';')[0].trim().toLowerCase();
    const live = this.store.get(
      type.storageKey,
      type.namespaced ? namespace : undefined,
      name,
    );
    if (
      ct === 'application/apply-patch+yaml' ||
      ct === 'application/apply-patch+json'
    ) {
      if (!opts.fieldManager)
        throw badRequest(
          'PATCH /: fieldManager is required for apply requests',
        );
      let applied: any;
      try {
        applied = YAML.parse(raw);
      } catch (e) {
        throw badRequest(`error decoding YAML: ${(e as Error).message}`);
      }
      this.checkEnvelope(type, applied, namespace, name);
      if (!applied.apiVersion || !applied.kind)
        throw badRequest(
          'apiVersion and kind must be set in an apply configuration',
        );
      applied.metadata.name = name;
      if (!live) {
        if (subresource) throw notFound(ref(type, name));
        const merged = serverSideApply(undefined, applied, opts.fieldManager, {
          force: true,
          apiVersion: apiVersionOf(type),
          includeStatus: !type.hasStatus,
        });
        const created = this.createApplied(type, merged, opts);
        return { object: created, created: true };
      }
      const merged = serverSideApply(live, applied, opts.fieldManager, {
        force: !!opts.force,
        apiVersion: apiVersionOf(type),
        includeStatus: !type.hasStatus,
        subresource,
      });
      return {
        object: this.commit(type, live, merged, opts, subresource, true),
        created: false,
      };
    }
    if (!live) throw notFound(ref(type, name));
    let patch: unknown;
    try {
      patch = JSON.parse(raw);
    } catch (e) {
      throw badRequest(`error decoding patch: ${(e as Error).message}`);
    }
    const base = this.present(type, live);
    let next: any;
    if (
      ct === 'application/merge-patch+json' ||
      ct === 'application/strategic-merge-patch+json'
    ) {
      next = mergePatch(base, patch);
    } else if (ct === 'application/json-patch+json') {
      next = jsonPatch(base, patch);
    } else {
      throw unsupportedMediaType(ct);
    }
    this.checkEnvelope(type, next, namespace, name);
    return {
      object: this.commit(type, live, next, opts, subresource),
      created: false,
    };
  }

  private createApplied(
    type: ResourceType,
    merged: any,
    opts: WriteOptions,
  ): any {
    const managed = merged.metadata.managedFields;
    this.requireNamespace(type, merged.metadata.namespace);
    const obj = structuredClone(merged);
    obj.apiVersion = apiVersionOf(type);
    obj.kind = type.kind;
    if (type.hasStatus && !type.builtin) delete obj.status;
    this.normalise(type, obj);
    const valid = this.validate(type, obj, opts);
    valid.metadata.uid = crypto.randomUUID();
    valid.metadata.creationTimestamp = now();
    if (type.tracksGeneration) valid.metadata.generation = 1;
    valid.metadata.managedFields = managed;
    if (opts.dryRun) return this.present(type, valid);
    return this.present(type, this.store.put(type.storageKey, valid));
  }

  /** Shared tail of every update: preconditions, subresource rules, validation, generation, managedFields. */
  private commit(
    type: ResourceType,
    live: any,
    body: any,
    opts: WriteOptions,
    subresource?: string,
    managedSet = false,
  ): any {
    const rv = body.metadata?.resourceVersion;
    if (rv && rv !== live.metadata.resourceVersion)
      throw conflict(ref(type, live.metadata.name));
    let next: any;
    if (subresource === 'status') {
      next = structuredClone(live);
      next.status = body.status;
      if (managedSet) next.metadata.managedFields = body.metadata.managedFields;
    } else {
      next = structuredClone(body);
      if (type.hasStatus) next.status = live.status;
      if (next.status === undefined) delete next.status;
      for (const k of IMMUTABLE_META) {
        if (live.metadata[k] === undefined) delete next.metadata[k];
        else next.metadata[k] = live.metadata[k];
      }
      // The API server keeps managedFields a client sends in an update or patch (how ownership is moved
      // or cleared; `[{}]` clears them) and keeps the live ones when the body has none.
      if (!managedSet)
        next.metadata.managedFields =
          clientManagedFields(body) ?? live.metadata.managedFields;
    }
    next.apiVersion = apiVersionOf(type);
    next.kind = type.kind;
    this.normalise(type, next, live);
    const valid = this.validate(type, next, opts, live);
    if (type.tracksGeneration) {
      valid.metadata.generation =
        (live.metadata.generation ?? 1) +
        (specPart(valid) !== specPart(live) ? 1 : 0);
    }
    if (!managedSet) {
      const before = {
        ...live,
        metadata: {
          ...live.metadata,
          managedFields: next.metadata.managedFields,
        },
      };
      valid.metadata.managedFields = managedFieldsAfterUpdate(
        before,
        valid,
        this.manager(opts),
        apiVersionOf(type),
        {
          includeStatus: !type.hasStatus,
          subresource,
        },
      );
    }
    if (!valid.metadata.managedFields?.length)
      delete valid.metadata.managedFields;
    valid.metadata.resourceVersion = live.metadata.resourceVersion;
    // A write that changes nothing does not bump resourceVersion or notify watchers.
    if (withoutVolatile(valid) === withoutVolatile(live))
      return this.present(type, live);
    if (opts.dryRun) return this.present(type, valid);
    // The last finalizer removed from an object being deleted completes the deletion.
    if (
      valid.metadata.deletionTimestamp &&
      !(valid.metadata.finalizers ?? []).length
    ) {
      this.store.put(type.storageKey, valid);
      return this.present(type, this.finishDelete(type, valid, 'Background'));
    }
    return this.present(type, this.store.put(type.storageKey, valid));
  }

  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions = {},
  ): any {
    const live = this.store.get(
      type.storageKey,
      type.namespaced ? namespace : undefined,
      name,
    );
    if (!live) throw notFound(ref(type, name));
    const pre = opts.preconditions ?? {};
    if (pre.uid && pre.uid !== live.metadata.uid) {
      throw conflict(
        ref(type, name),
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${live.metadata.uid}`,
      );
    }
    if (
      pre.resourceVersion &&
      pre.resourceVersion !== live.metadata.resourceVersion
    ) {
      throw conflict(
        ref(type, name),
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${live.metadata.resourceVersion}`,
      );
    }
    if (opts.dryRun) return this.present(type, live);
    if (type.builtin && type.kind === 'Namespace')
      return this.present(type, this.terminateNamespace(live));
    if ((live.metadata.finalizers ?? []).length) {
      if (live.metadata.deletionTimestamp) return this.present(type, live);
      live.metadata.deletionTimestamp = now();
      live.metadata.deletionGracePeriodSeconds = 0;
      return this.present(type, this.store.put(type.storageKey, live));
    }
    return this.present(
      type,
      this.finishDelete(type, live, opts.propagationPolicy ?? 'Background'),
    );
  }

  deleteCollection(
    type: ResourceType,
    namespace: string | undefined,
    q: ListQuery,
    opts: DeleteOptions = {},
  ): any {
    const list = this.list(type, namespace, {
      labelSelector: q.labelSelector,
      fieldSelector: q.fieldSelector,
    });
    const items = list.items.map((o: any) =>
      this.delete(type, o.metadata.namespace, o.metadata.name, {
        ...opts,
        preconditions: undefined,
      }),
    );
    return { ...list, items };
  }

  private finishDelete(type: ResourceType, live: any, policy: string): any {
    const removed = this.store.remove(
      type.storageKey,
      live.metadata.namespace,
      live.metadata.name,
    );
    const uid = live.metadata.uid;
    if (policy === 'Orphan') this.orphanDependents(uid);
    // Background garbage collection: dependents go shortly after the owner, as the GC controller does it.
    else setImmediate(() => this.collectDependents(uid));
    return removed;
  }

  private dependentsOf(uid: string) {
    return this.store
      .all()
      .filter(({ object }) =>
        (object.metadata.ownerReferences ?? []).some((r: any) => r.uid === uid),
      );
  }

  private typeForStorage(storageKey: string): ResourceType | undefined {
    return this.registry.types.find(t => t.storageKey === storageKey);
  }

  private orphanDependents(uid: string) {
    for (const { storageKey, object } of this.dependentsOf(uid)) {
      object.metadata.ownerReferences = object.metadata.ownerReferences.filter(
        (r: any) => r.uid !== uid,
      );
      if (!object.metadata.ownerReferences.length)
        delete object.metadata.ownerReferences;
      this.store.put(storageKey, object);
    }
  }

  private collectDependents(uid: string) {
    for (const { storageKey, object } of this.dependentsOf(uid)) {
      const type = this.typeForStorage(storageKey);
      if (!type) continue;
      const remaining = object.metadata.ownerReferences.filter(
        (r: any) => r.uid !== uid && this.ownerExists(r.uid),
      );
      try {
        if (remaining.length) {
          object.metadata.ownerReferences = remaining;
          this.store.put(storageKey, object);
        } else {
          this.delete(type, object.metadata.namespace, object.metadata.name, {
            propagationPolicy: 'Background',
          });
        }
      } catch {
        // Already gone: nothing to collect.
      }
    }
  }

  private ownerExists(uid: string): boolean {
    return this.store.all().some(({ object }) => object.metadata.uid === uid);
  }

  private terminateNamespace(live: any): any {
    let ns = live;
    if (!ns.metadata.deletionTimestamp) {
      ns.metadata.deletionTimestamp = now();
      ns.status = { phase: 'Terminating' };
      ns = this.store.put(this.namespaceType().storageKey, ns);
    }
    const name = ns.metadata.name;
    setImmediate(() => {
      for (const { storageKey, object } of this.store.all()) {
        if (object.metadata.namespace === name)
          this.store.remove(storageKey, name, object.metadata.name);
      }
      this.store.remove(this.namespaceType().storageKey, undefined, name);
    });
    return ns;
  }
}
