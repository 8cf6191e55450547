import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /**
       * Model-publishing entity providers, one per cluster: InferenceServices and LLMInferenceServices
       * become Components (`spec.type: inference-service`), live publications become API entities.
       * Without this block, one provider is created per cluster of the backend (`modelPublishing.clusters`,
       * and the Kubernetes plugin's with `modelPublishing.clustersFrom: kubernetes`).
       */
      modelPublishing?: {
        [providerId: string]: {
          /**
           * Cluster name written to the `model-publishing/cluster` annotation and used to match
           * publications and `modelPublishing.clusters` entries. Defaults to the provider id.
           */
          cluster?: string;
          /**
           * The connection, in the vocabulary of `modelPublishing.clusters` (the backend's config.d.ts):
           * exactly one of `kubeconfig` / `kubeconfigPath`, `inCluster` or `url`. Usually left out: a
           * provider without connection keys uses the backend's cluster named `cluster` (from
           * `modelPublishing.clusters`, or the Kubernetes plugin's with `modelPublishing.clustersFrom:
           * kubernetes`), else the process's default kubeconfig (with `context` if set). Clusters that
           * backend modules give the model-publishing backend in code are not in config: give their
           * connection here.
           *
           * Path of a kubeconfig file, read when the provider first reads the cluster (a file written
           * after start-up is picked up).
           */
          kubeconfigPath?: string;
          /** Same as `kubeconfigPath` (the name `modelPublishing.clusters` uses). */
          kubeconfig?: string;
          /** Use the pod's service account. */
          inCluster?: boolean;
          /** Context of the kubeconfig to use; its current context by default. */
          context?: string;
          /** API server URL (with `token`, `caData`, `skipTLSVerify`) instead of a kubeconfig. */
          url?: string;
          /**
           * Bearer token for `url`.
           * @visibility secret
           */
          token?: string;
          /**
           * The Kubernetes plugin's name for the bearer token of `url`.
           * @visibility secret
           */
          serviceAccountToken?: string;
          /** The Kubernetes plugin's auth provider for `url`: `serviceAccount` or `anonymous`. */
          authProvider?: 'serviceAccount' | 'anonymous';
          /** Base64 PEM CA bundle for `url`. */
          caData?: string;
          /** Path of a PEM CA bundle for `url`. */
          caFile?: string;
          /** Skip TLS verification for `url` (test clusters only; plain http is allowed on loopback without it). */
          skipTLSVerify?: boolean;
          /** Only these namespaces; all namespaces when absent. */
          namespaces?: string[];
          /** How often to read the cluster and the publications. Default: every 30 s, timeout 3 min. */
          schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
          /**
           * The cluster is read by informers (a list, then a watch) and changes reach the catalog within
           * about a second. This is how often they list again anyway, to correct anything a watch
           * missed. Default: every 10 minutes.
           */
          resync?:
            | string
            | { hours?: number; minutes?: number; seconds?: number };
          /** Used when neither the InferenceService nor its Namespace names them. */
          defaults?: {
            /** Default `group:default/unknown`. */
            owner?: string;
            /** Default `production`. */
            lifecycle?: string;
            /** Default: no system. */
            system?: string;
          };
          /** Prepended to every entity name, e.g. `prod-` when several clusters feed one catalog. */
          namePrefix?: string;
          /** Emit API entities for live publications (needs the model-publishing backend). Default true. */
          publications?: boolean;
          /**
           * Put `backstage.io/techdocs-ref: dir:.` and `backstage.io/techdocs-builder: external` on Components
           * of published models, so their Docs tab shows the guide the backend publishes to TechDocs.
           * Default: `modelPublishing.techdocs.enabled`, which defaults to whether `techdocs` is configured.
           */
          techdocs?: boolean;
        };
      };
    };
  };
}
