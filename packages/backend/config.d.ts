export interface Config {
  permission?: {
    /** The portal's permission policy (src/modules/permissionPolicy.ts). */
    modelPublishing?: {
      /** Groups whose members may do everything. Default `[group:default/admins]`. */
      adminGroups?: string[];
      /**
       * Who may use the Kubernetes backend's proxy (the Kubernetes tab's pod logs; it forwards any
       * request, writes too, with the backend's cluster credentials). Default `admins`.
       */
      kubernetesProxy?: 'admins' | 'everyone';
    };
  };
  /**
   * The embedded portal's Kubernetes cluster (packages/kube-emulator), started in-process on loopback by
   * src/modules/kubeEmulator.ts and given to model-publishing as a cluster. Absent in production, where
   * `modelPublishing.clusters` names real clusters.
   */
  kubeEmulator?: {
    /** Default true when the section exists. */
    enabled?: boolean;
    /** Cluster name in model addresses and annotations. Default `local`. */
    cluster?: string;
    /** Loopback port. Default 6443 (where the Kubernetes backend's and the catalog's `local` point). */
    port?: number;
    /** Directory (or file) of YAML objects to load at start, e.g. examples/cluster. */
    seed?: string;
    /** File the emulator keeps its objects in across restarts. */
    persistFile?: string;
  };
  /**
   * The embedded portal's local gateway (packages/gateway-emulator), a stand-in for Envoy Gateway + AI Gateway.
   * Absent in production, where the real gateways serve published models.
   */
  gatewayEmulator?: {
    /** Default true when the section exists. */
    enabled?: boolean;
    /** Loopback port. Default 8080. */
    port?: number;
    /** 1 = the model servers' realistic latencies, 0 = none. Default 1. */
    latencyScale?: number;
    accessLog?: {
      /** Ship access logs to model-publishing's /usage/ingest. Default true. */
      ingest?: boolean;
      /** Default 2. */
      shipEverySeconds?: number;
    };
    /** Demo traffic: one call per published model every intervalSeconds, with its keys. */
    traffic?: {
      /** Default true. */
      enabled?: boolean;
      /** Default 30. */
      intervalSeconds?: number;
    };
  };
}
