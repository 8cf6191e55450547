export interface Config {
  app?: {
    /**
     * Demo users offered by the embedded portal's sign-in page (auth provider `demo`).
     * Leave unset in production, where a real sign-in provider is configured.
     * @visibility frontend
     */
    demoSignIn?: {
      /** @visibility frontend */
      users: Array<{
        /** Catalog user name. @visibility frontend */
        name: string;
        /** @visibility frontend */
        displayName: string;
        /** @visibility frontend */
        description?: string;
      }>;
    };
  };
}
