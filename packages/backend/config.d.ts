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
}
