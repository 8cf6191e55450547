import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /**
       * Model-publishing entity providers, one per cluster: InferenceServices and LLMInferenceServices
       * become Components (`spec.type: inference-service`), live publications become API entities.
       * Without this block, one provider is created per entry of `modelPublishing.clusters`.
       */
      modelPublishing?: {
        [providerId: string]: {
          /**
           * Cluster name written to the `model-publishing/cluster` annotation and used to match
           * publications and `modelPublishing.clusters` entries. Defaults to the provider id.
           */
          cluster?: string;
          /**
           * Path of a kubeconfig file, re-read on every run. When no connection key is set here, the
           * `modelPublishing.clusters` entry of the same name is used (its `kubeconfig`, `inCluster`,
           * `url`/`token`), else the process's default kubeconfig. Clusters that backend modules give the
           * model-publishing backend in code are not in config: give their connection here.
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
          /** Base64 PEM CA bundle for `url`. */
          caData?: string;
          /** Skip TLS verification for `url` (test clusters only). */
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
