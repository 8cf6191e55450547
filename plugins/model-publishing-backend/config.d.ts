export interface Config {
  /** Model Publishing: publish KServe InferenceServices through Envoy Gateway / Envoy AI Gateway. */
  modelPublishing?: {
    /**
     * Clusters that hold InferenceServices (read by `readModelPublishingClusters` of
     * @model-publishing/plugin-model-publishing-node; the catalog module reads the same entries). Each
     * entry uses exactly one connection: `kubeconfig` (a file path), `inCluster` (the pod's service
     * account) or `url`. A `url` entry takes model publishing's keys (`token`) or the Kubernetes plugin's
     * (`authProvider: serviceAccount`, `serviceAccountToken`, `authMetadata`), so a
     * `kubernetes.clusterLocatorMethods` cluster can be copied as it is. Backend modules may add more
     * clusters in code (`modelPublishingClustersExtensionPoint`).
     */
    clusters?: Array<{
      /** Name used in model addresses and the `model-publishing/cluster` annotation. */
      name: string;
      /** Path of a kubeconfig file; its current context is used unless `context` is set. */
      kubeconfig?: string;
      /** Same as `kubeconfig` (the catalog provider's name for it). */
      kubeconfigPath?: string;
      /** Context to use from `kubeconfig`. */
      context?: string;
      /** Use the in-cluster service account. */
      inCluster?: boolean;
      /** API server URL. */
      url?: string;
      /**
       * Bearer token for `url` (the same as `serviceAccountToken`).
       * @visibility secret
       */
      token?: string;
      /**
       * The Kubernetes plugin's name for the bearer token of `url`.
       * @visibility secret
       */
      serviceAccountToken?: string;
      /**
       * The Kubernetes plugin's auth provider for `url`: `serviceAccount` (the token, else the pod's own
       * service account token) or `anonymous`. Default: `serviceAccount` with a token, else `anonymous`.
       */
      authProvider?: 'serviceAccount' | 'anonymous';
      /**
       * The Kubernetes plugin's auth metadata block (`kubernetes.io/auth-provider`,
       * `serviceAccountToken`); wins over the flat keys.
       * @visibility secret
       */
      authMetadata?: { [key: string]: string };
      /** Skip TLS verification for `url` (development only; plain http is allowed on loopback without it). */
      skipTLSVerify?: boolean;
      /** Base64 PEM CA bundle for `url`. */
      caData?: string;
      /** Path of a PEM CA bundle for `url`. */
      caFile?: string;
    }>;
    /**
     * `kubernetes`: also use the clusters of the Kubernetes plugin's `kubernetes.clusterLocatorMethods`
     * entries of `type: config` (after `clusters`; a name may appear once), so each cluster is written
     * once. Their auth provider must be `serviceAccount` or `anonymous`. Default: only `clusters`.
     */
    clustersFrom?: 'kubernetes';
    /** Name of the cluster that `default` (and entities without a cluster annotation) resolve to. Default: the first. */
    defaultCluster?: string;
    /** KServe's installation. */
    kserve?: {
      /**
       * Namespace of KServe's controller, holding its `inferenceservice-config` ConfigMap (default deployment
       * mode, LLMInferenceService TLS), read to decide how a model is reached. Default `kserve`.
       */
      namespace?: string;
    };
    /** The Gateway that published models attach to. */
    gateway?: {
      /** Gateway name. Default `envoy-gateway`. */
      name?: string;
      /** Gateway namespace. Default `envoy-gateway-system`. */
      namespace?: string;
      /** Listener (sectionName) to attach routes to. */
      sectionName?: string;
      /** Public base URL of traditional models, e.g. https://models.example.com. */
      publicBaseUrl?: string;
      /** Hostname template for LLMs; `{name}` and `{namespace}` are replaced. */
      llmHostnameTemplate?: string;
      /**
       * The URL clients use to reach an LLM's hostname, when it is not `<publicBaseUrl scheme>://<hostname>[:port]`;
       * `{hostname}` is replaced. The embedded portal's local gateway: `http://localhost:8080/_host/{hostname}`.
       */
      llmBaseUrlTemplate?: string;
      /** `global` (Redis; per-key buckets and token limits) or `local`. Default `global`. */
      rateLimitMode?: 'global' | 'local';
    };
    /** Tenants (owning groups) bound to namespaces, with quotas. Unlisted owners are unrestricted. */
    tenants?: Array<{
      /** Group entity ref, e.g. group:default/fraud-team. */
      group: string;
      /** Namespaces this tenant may publish from; a listed namespace belongs to its tenants only. */
      namespaces?: string[];
      /**
       * Hostnames this tenant's publications may use besides the one the LLM template gives each model:
       * exact names, or `.suffix` for any name below it. No wildcards; a hostname held by another live
       * publication is refused (409).
       */
      hostnames?: string[];
      /** Most live publications this tenant may have. */
      maxPublications?: number;
      maxRequestsPerMinute?: number;
      maxRequestsPerHour?: number;
      maxRequestsPerDay?: number;
      maxTokensPerMinute?: number;
      maxTokensPerHour?: number;
      maxTokensPerDay?: number;
      /** Month: Envoy Gateway's RateLimitUnit Month (the rate-limit service's 30-day window). */
      maxRequestsPerMonth?: number;
      maxTokensPerMonth?: number;
    }>;
    keys?: {
      /** How long a rotated key stays valid. Default 24. */
      rotationGraceHours?: number;
      /** Live keys a publication may hold at once; creating one more is a 409. Default 50. */
      maxLivePerPublication?: number;
    };
    /**
     * Leaked keys revoke themselves (docs/leaked-keys.md): POST /api/model-publishing/secret-scanning/github
     * speaks GitHub's secret scanning partner protocol (no Backstage token: the request's ECDSA signature is
     * its authentication). Admins can also report a key by hand (POST /keys/leaked).
     */
    secretScanning?: {
      /** Accept GitHub's reports. Default false (the route answers 404). */
      enabled?: boolean;
      /** What a leaked key gets: `revoke` (taken out of the gateway) or `suspend` (kept, every call 429). Default revoke. */
      action?: 'revoke' | 'suspend';
      /** The signer's public keys document ({ public_keys: [{ key_identifier, key }] }). Default GitHub's. */
      publicKeysUrl?: string;
      /** Fetch keys from publicKeysUrl. Default true; false = only `publicKeys` are trusted. */
      fetchPublicKeys?: boolean;
      /** Public keys trusted without a fetch (PEM, P-256). */
      publicKeys?: Array<{ keyIdentifier: string; key: string }>;
      /** How long fetched public keys are kept before they are fetched again, in minutes. Default 60. */
      refreshMinutes?: number;
    };
    reconciler?: {
      /** How often the reconciler runs: an ISO 8601 duration, '2m', or { minutes: 2 }. Default 2 minutes. */
      frequency?:
        | string
        | { hours?: number; minutes?: number; seconds?: number };
      /** Re-apply objects changed or removed out of band. Default false: the publication is marked degraded. */
      repair?: boolean;
      /**
       * How long (ms) a running publish, update or unpublish holds its record without a heartbeat (renewed
       * every third of it). When it runs out the process is taken as dead: the next reconcile pass or the
       * next request on the model takes the operation over. Default 30000.
       */
      leaseMs?: number;
      /** Whether the reconciler runs at all. Default true. */
      enabled?: boolean;
    };
    /**
     * Each publication's guide as a TechDocs site of the model's entity (its Docs tab), generated with the
     * portal's `techdocs.generator` (e.g. `runIn: local`: mkdocs + mkdocs-material on the backend host) and
     * published with `techdocs.publisher`, on publish and update; replaced by a "not published" page on
     * unpublish. The catalog module annotates published models' Components to match.
     */
    techdocs?: {
      /** Default: true when the portal has `techdocs` config. */
      enabled?: boolean;
    };
    /**
     * This backend instance, stable across its restarts (e.g. a StatefulSet pod's name): after a crash it
     * resumes at start-up the operations it left in flight. Give each instance on one host its own.
     * Default: the host name.
     */
    instanceId?: string;
    /** Timeout of each cluster request in ms. Default 10000. */
    clusterRequestTimeoutMs?: number;
    /** Most concurrent cluster requests per cluster. Default 8. */
    maxConcurrentClusterRequests?: number;
    /**
     * Watch each cluster's InferenceServices, LLMInferenceServices, ServingRuntimes and ClusterServingRuntimes (list+watch,
     * cluster-wide). Publishing then creates the objects while it re-reads the model, one round trip
     * sooner, and looks runtimes up without a request; the route still waits for the live read. Needs
     * list/watch on those resources; without it the backend logs a warning and reads them live.
     * Default true.
     */
    watchModels?: boolean;
    /** Usage tracking (src/usage, docs/usage.md). */
    usage?: {
      /** Days hourly rollups are kept; at least 30. Default 30. */
      retentionDays?: number;
      /** Days daily rollups are kept; at least retentionDays. Default 400. */
      dailyRetentionDays?: number;
      /** How often the collector asks pull sources for new hours, in minutes. Default 5. */
      collectEveryMinutes?: number;
      /** ISO 4217 code of prices, costs and budgets. Default USD. */
      currency?: string;
      /** Prices of publications that set none in their publish config (chargeback, budgets). */
      prices?: {
        /** Per 1,000,000 input tokens. */
        inputTokensPerMillion?: number;
        /** Per 1,000,000 output tokens. */
        outputTokensPerMillion?: number;
        /** Per 1,000 requests served (401, 403 and 429 refusals are not billed). */
        requestsPerThousand?: number;
      };
      /** A quota on each publication's total, for quota alerts only (the gateway enforces per-key limits). */
      publicationQuota?: {
        requestsPerHour?: number;
        requestsPerDay?: number;
        tokensPerHour?: number;
        tokensPerDay?: number;
      };
      /** Pull usage from Prometheus (Envoy AI Gateway and Envoy metrics). */
      prometheus?: {
        /** Base URL of the Prometheus HTTP API, e.g. http://prometheus.monitoring.svc:9090. */
        url: string;
        /** PromQL evaluated at each hour's end; see docs/usage.md for the defaults. */
        queries?: {
          tokens?: string;
          requests?: string;
          routes?: string;
          /** Histogram bucket increases per client and le: request duration, TTFT, time per output token. */
          requestDuration?: string;
          timeToFirstToken?: string;
          timePerOutputToken?: string;
        };
        /** Per-query timeout in ms. Default 15000. */
        timeoutMs?: number;
        /**
         * Extra request headers, e.g. Authorization.
         * @visibility secret
         */
        headers?: { [name: string]: string };
        /** Query Envoy per-route counters for traditional models. Default true. */
        routes?: boolean;
      };
      /** POST /usage/ingest (Envoy JSON access logs). */
      ingest?: {
        /**
         * Service principals allowed to ingest, as their subject: a static token's `subject`
         * exactly as configured in backend.auth.externalAccess (e.g. `usage-shipper`), or `plugin:<id>`.
         * Empty or unset = nobody may ingest (required in production; docs/security.md).
         */
        allowedSubjects?: string[];
        /** Records older than this many hours are not counted (their re-delivery could not be recognised). Default 72. */
        dedupeHours?: number;
        /** Largest batch accepted. Default 10000. */
        maxRecordsPerBatch?: number;
        /** Cluster the records come from when the request does not say (?cluster=). */
        cluster?: string;
      };
    };
  };
}
