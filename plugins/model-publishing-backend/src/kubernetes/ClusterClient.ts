import {
  createConfiguration,
  CustomObjectsApi,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  ServerConfiguration,
} from '@kubernetes/client-node';
import type { KubeObject } from './objects';
import { ConcurrencyLimiter } from './limiter';
import { isConflict, isNotFound, mapClusterError } from './errors';
import { applyConfiguration, movedToApply } from './fieldOwnership';

/** Items per list request (the API server's continue tokens page the rest). */
const PAGE_SIZE = 500;

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

export interface ClusterClientOptions {
  name: string;
  kubeConfig: KubeConfig;
  /** Per-request timeout (ms). */
  timeoutMs: number;
  /** Most requests in flight to this cluster at once. */
  maxConcurrent: number;
  /** Field manager recorded on writes. */
  fieldManager?: string;
}

export interface ApplyOptions {
  /** Take over fields another manager set (else they are a 409). Only for objects we own. */
  force?: boolean;
  /**
   * The object as just read, when the caller has it: fields that an earlier create or replace of ours
   * set then belong to this apply (fieldOwnership.ts).
   */
  current?: KubeObject;
}

export function refOf(obj: KubeObject | ObjectRef): ObjectRef {
  if ('metadata' in obj) {
    return {
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      namespace: obj.metadata.namespace ?? 'default',
      name: obj.metadata.name,
    };
  }
  return obj;
}

/**
 * The client's body type. Its V1ObjectMeta types timestamps as Date where ours (as read, JSON) are
 * strings; the client serializes whatever it is given as JSON, so the body goes out as is.
 */
const asBody = (obj: KubeObject) => obj as unknown as KubernetesObject;

export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace}/${ref.name}`;
}

/** KubernetesObjectApi with its (cached) API discovery lookup made available, to name a kind's plural. */
class DiscoveringObjectApi extends KubernetesObjectApi {
  resourceFor(apiVersion: string, kind: string) {
    return this.resource(apiVersion, kind);
  }
}

/**
 * Typed CRUD over @kubernetes/client-node's KubernetesObjectApi for one cluster. Every request has a
 * timeout (an AbortSignal set by middleware, so the socket is really released) and goes through a
 * bounded limiter; errors come out as @backstage/errors (see mapClusterError).
 */
export class ClusterClient {
  readonly name: string;
  private readonly api: DiscoveringObjectApi;
  private readonly custom: CustomObjectsApi;
  private readonly limiter: ConcurrencyLimiter;
  private readonly fieldManager: string;

  constructor(options: ClusterClientOptions) {
    this.name = options.name;
    this.limiter = new ConcurrencyLimiter(options.maxConcurrent);
    this.fieldManager = options.fieldManager ?? 'backstage-model-publishing';
    const cluster = options.kubeConfig.getCurrentCluster();
    if (!cluster)
      throw new Error(
        `cluster '${options.name}': kubeconfig has no current cluster`,
      );
    const timeoutMs = options.timeoutMs;
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: options.kubeConfig },
      promiseMiddleware: [
        {
          pre: async context => {
            context.setSignal(AbortSignal.timeout(timeoutMs));
            return context;
          },
          post: async response => response,
        },
      ],
    });
    this.api = new DiscoveringObjectApi(configuration);
    this.custom = new CustomObjectsApi(configuration);
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.limiter.run(fn);
    } catch (error) {
      throw mapClusterError(error, what, this.name);
    }
  }

  /** The object, or undefined when it does not exist. */
  async get<T extends KubeObject = KubeObject>(
    ref: ObjectRef,
  ): Promise<T | undefined> {
    try {
      return await this.call(
        `reading ${describeRef(ref)}`,
        () =>
          this.api.read({
            apiVersion: ref.apiVersion,
            kind: ref.kind,
            metadata: { name: ref.name, namespace: ref.namespace },
          }) as Promise<unknown> as Promise<T>,
      );
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** All objects of a kind (following `continue` pages), optionally in one namespace and by label. */
  async list<T extends KubeObject = KubeObject>(
    apiVersion: string,
    kind: string,
    options: { namespace?: string; labelSelector?: string } = {},
  ): Promise<T[]> {
    const items: T[] = [];
    let continueToken: string | undefined;
    do {
      const token = continueToken;
      const page = await this.call(`listing ${kind}`, () =>
        this.listPage(apiVersion, kind, options, token),
      );
      for (const item of page.items) {
        // Lists omit apiVersion/kind on items; put them back so objects are self-describing.
        items.push({ ...(item as T), apiVersion, kind });
      }
      continueToken = page.continueToken;
    } while (continueToken);
    return items;
  }

  /**
   * One page of a list. Core (`v1`) kinds go through KubernetesObjectApi, whose typed lists keep the
   * continue token (`_continue`). Any other group is read as plain JSON: KubernetesObjectApi
   * deserializes a custom resource list's metadata as ObjectMeta, which drops `continue`, so every list
   * of more than one page would silently end after the first.
   */
  private async listPage(
    apiVersion: string,
    kind: string,
    options: { namespace?: string; labelSelector?: string },
    token: string | undefined,
  ): Promise<{ items: unknown[]; continueToken?: string }> {
    const [group, version] = apiVersion.split('/');
    if (!version) {
      const page = await this.api.list(
        apiVersion,
        kind,
        options.namespace,
        undefined,
        undefined,
        undefined,
        undefined,
        options.labelSelector,
        PAGE_SIZE,
        token,
      );
      return {
        items: page.items,
        continueToken: page.metadata?._continue || undefined,
      };
    }
    const resource = await this.api.resourceFor(apiVersion, kind);
    if (!resource)
      throw mapClusterError(
        {
          code: 404,
          body: { message: `${kind} is not served in ${apiVersion}` },
        },
        `listing ${kind}`,
        this.name,
      );
    const query = {
      group,
      version,
      plural: resource.name,
      labelSelector: options.labelSelector,
      limit: PAGE_SIZE,
      _continue: token,
    };
    const page: { items?: unknown[]; metadata?: { continue?: string } } =
      options.namespace
        ? await this.custom.listNamespacedCustomObject({
            ...query,
            namespace: options.namespace,
          })
        : await this.custom.listClusterCustomObject(query);
    return {
      items: page.items ?? [],
      continueToken: page.metadata?.continue || undefined,
    };
  }

  create<T extends KubeObject>(obj: T): Promise<T> {
    return this.write('create', obj);
  }

  replace<T extends KubeObject>(obj: T): Promise<T> {
    return this.write('replace', obj);
  }

  /** A create or replace of `obj`, written as this client's field manager. */
  private write<T extends KubeObject>(
    method: 'create' | 'replace',
    obj: T,
  ): Promise<T> {
    const verb = method === 'create' ? 'creating' : 'replacing';
    return this.call(
      `${verb} ${describeRef(refOf(obj))}`,
      () =>
        this.api[method](
          asBody(obj),
          undefined,
          undefined,
          this.fieldManager,
        ) as Promise<unknown> as Promise<T>,
    );
  }

  /** JSON merge patch. */
  async patch<T extends KubeObject>(
    obj: Partial<T> & {
      apiVersion: string;
      kind: string;
      metadata: KubeObject['metadata'];
    },
  ): Promise<T> {
    return this.call(
      `patching ${describeRef(refOf(obj as KubeObject))}`,
      () =>
        this.api.patch(
          asBody(obj),
          undefined,
          undefined,
          this.fieldManager,
          undefined,
          PatchStrategy.MergePatch,
        ) as Promise<unknown> as Promise<T>,
    );
  }

  /** Deletes the object; false when it was already gone. */
  async delete(ref: ObjectRef): Promise<boolean> {
    try {
      await this.call(`deleting ${describeRef(ref)}`, () =>
        this.api.delete(
          {
            apiVersion: ref.apiVersion,
            kind: ref.kind,
            metadata: { name: ref.name, namespace: ref.namespace },
          },
          undefined,
          undefined,
          undefined,
          undefined,
          'Background',
        ),
      );
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /**
   * Server-side apply: a PATCH of content type application/apply-patch+yaml with this client's field
   * manager (https://kubernetes.io/docs/reference/using-api/server-side-apply/). The server creates
   * the object when it is absent, sets what `obj` states, and removes what this manager applied before
   * and no longer states. A field another manager set to a different value is a 409 (ConflictError)
   * unless `force`, which takes it over: only for objects we own.
   */
  async apply<T extends KubeObject>(
    obj: T,
    options: ApplyOptions = {},
  ): Promise<T> {
    const ref = refOf(obj);
    if (options.current) await this.moveOwnershipToApply(options.current);
    return this.call(
      `applying ${describeRef(ref)}`,
      () =>
        this.api.patch(
          asBody(applyConfiguration(obj)),
          undefined,
          undefined,
          this.fieldManager,
          options.force ?? false,
          PatchStrategy.ServerSideApply,
        ) as Promise<unknown> as Promise<T>,
    );
  }

  /**
   * Moves the fields our create or replace set into our apply's (fieldOwnership.ts), so the apply that
   * follows can remove them. At the version read: on a 409, re-read and move again.
   */
  private async moveOwnershipToApply(current: KubeObject): Promise<void> {
    let latest: KubeObject | undefined = current;
    await retryOnConflict(async () => {
      const managedFields = latest && movedToApply(latest, this.fieldManager);
      if (!latest || !managedFields) return;
      const { apiVersion, kind, metadata } = latest;
      try {
        await this.patch({
          apiVersion,
          kind,
          metadata: {
            name: metadata.name,
            namespace: metadata.namespace,
            resourceVersion: metadata.resourceVersion,
            managedFields,
          },
        });
      } catch (error) {
        if (isConflict(error)) latest = await this.get(refOf(latest));
        throw error;
      }
    });
  }
}

/** Retries `fn` when it fails with ConflictError (HTTP 409), with a short jittered backoff. */
export async function retryOnConflict<T>(
  fn: () => Promise<T>,
  attempts = 5,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isConflict(error) || attempt >= attempts) throw error;
      await new Promise(r => setTimeout(r, 10 * attempt + Math.random() * 10));
    }
  }
}
