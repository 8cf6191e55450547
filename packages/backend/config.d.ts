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
   * The embedded portal's local gateway (packages/gateway-emulator), a stand-in for Envoy Gateway + AI Gateway.
   * Absent in production, where the real gateways serve published models.
   */
  gatewayEmulator?: {
    /** Default true when the section exists. */
    enabled?: boolean;
    /** Loopback port. Default 8080. */
    port?: number;
    /** Which `modelPublishing.clusters` entry (with `emulator`) to watch. Default: the first. */
    cluster?: string;
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
