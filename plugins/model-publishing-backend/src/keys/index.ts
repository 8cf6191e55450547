export { ApiKeyService } from './ApiKeyService';
export type {
  ApiKeyServiceOptions,
  CreateKeyInput,
  RotateKeyInput,
  RotatedApiKey,
  SweepResult,
} from './ApiKeyService';
export { PublicationKeys } from './PublicationKeys';
export type { InitialKey } from './PublicationKeys';
export { ApiKeyStore } from './ApiKeyStore';
export { clusterSecretClient } from './clusterSecrets';
export { scheduleKeySweep, KEY_SWEEP_TASK_ID } from './sweepTask';
export * from './keyFormat';
export type { ActiveKeyLimits, KeySecretClient, KeyAuditor } from './types';
