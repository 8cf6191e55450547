import {
  CoreV1Api,
  CustomObjectsApi,
  Informer,
  KubeConfig,
  KubernetesListObject,
  KubernetesObject,
  makeInformer,
} from '@kubernetes/client-node';
import {
  ClusterSnapshot,
  KubeObject,
  WatchedKind,
  emptySnapshot,
  objectKey,
} from '../types';

interface WatchedResource {
  kind: WatchedKind;
  group: string;
  version: string;
  plural: string;
}

/** What the gateway controllers read: the Gateway API and Envoy (AI) Gateway objects, Secrets and ConfigMaps (Lua sources). */
export const WATCHED_RESOURCES: WatchedResource[] = [
  {
    kind: 'HTTPRoute',
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    plural: 'httproutes',
  },
  {
    kind: 'SecurityPolicy',
    group: 'gateway.envoyproxy.io',
    version: 'v1alpha1',
    plural: 'securitypolicies',
  },
  {
    kind: 'BackendTrafficPolicy',
    group: 'gateway.envoyproxy.io',
    version: 'v1alpha1',
    plural: 'backendtrafficpolicies',
  },
  {
    kind: 'Backend',
    group: 'gateway.envoyproxy.io',
    version: 'v1alpha1',
    plural: 'backends',
  },
  {
    kind: 'AIGatewayRoute',
    group: 'aigateway.envoyproxy.io',
    version: 'v1beta1',
    plural: 'aigatewayroutes',
  },
  {
    kind: 'AIServiceBackend',
    group: 'aigateway.envoyproxy.io',
    version: 'v1beta1',
    plural: 'aiservicebackends',
  },
  {
    kind: 'EnvoyExtensionPolicy',
    group: 'gateway.envoyproxy.io',
    version: 'v1alpha1',
    plural: 'envoyextensionpolicies',
  },
  { kind: 'Secret', group: '', version: 'v1', plural: 'secrets' },
  { kind: 'ConfigMap', group: '', version: 'v1', plural: 'configmaps' },
];

export interface ClusterWatchOptions {
  kubeConfig: KubeConfig;
  /** Called after every change, with the whole current snapshot. */
  onChange(snapshot: ClusterSnapshot): void;
  onError?(kind: WatchedKind, error: unknown): void;
  retryMs?: number;
}

/**
 * List + watch of every watched kind through @kubernetes/client-node informers, kept as one snapshot.
 * A failed watch is restarted after `retryMs`; its objects stay as last seen meanwhile (as Envoy keeps
 * serving its last good configuration when the controller loses the API server).
 */
export class ClusterWatch {
  readonly snapshot: ClusterSnapshot = emptySnapshot();
  private readonly informers: Informer<KubernetesObject>[] = [];
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly o: ClusterWatchOptions) {}

  async start(): Promise<void> {
    await Promise.all(WATCHED_RESOURCES.map(r => this.watch(r)));
  }

  private async watch(r: WatchedResource): Promise<void> {
    const kc = this.o.kubeConfig;
    type List = Promise<KubernetesListObject<KubernetesObject>>;
    const core = () => kc.makeApiClient(CoreV1Api);
    let list: () => List;
    if (r.kind === 'Secret')
      list = () => core().listSecretForAllNamespaces() as List;
    else if (r.kind === 'ConfigMap')
      list = () => core().listConfigMapForAllNamespaces() as List;
    else
      list = () =>
        kc.makeApiClient(CustomObjectsApi).listClusterCustomObject({
          group: r.group,
          version: r.version,
          plural: r.plural,
        }) as List;
    const path = r.group
      ? `/apis/${r.group}/${r.version}/${r.plural}`
      : `/api/v1/${r.plural}`;
    const informer = makeInformer<KubernetesObject>(kc, path, list);
    const store = this.snapshot[r.kind];
    const put = (obj: KubernetesObject) => {
      store.set(objectKey(obj as KubeObject), obj as KubeObject);
      this.o.onChange(this.snapshot);
    };
    informer.on('add', put);
    informer.on('update', put);
    informer.on('delete', obj => {
      store.delete(objectKey(obj as KubeObject));
      this.o.onChange(this.snapshot);
    });
    informer.on('error', error => {
      if (this.stopped) return;
      this.o.onError?.(r.kind, error);
      const t = setTimeout(() => {
        this.timers.delete(t);
        if (!this.stopped) informer.start().catch(() => undefined);
      }, this.o.retryMs ?? 2000);
      t.unref?.();
      this.timers.add(t);
    });
    this.informers.push(informer);
    await informer.start().catch(error => this.o.onError?.(r.kind, error));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    await Promise.all(this.informers.map(i => i.stop()));
  }
}
