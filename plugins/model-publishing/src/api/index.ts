export * from './types';
export * from './ModelPublishingApi';
export { ModelPublishingClient } from './ModelPublishingClient';
export {
  modelAddressFromEntity,
  modelPath,
  modelKey,
  DEFAULT_CLUSTER,
} from './modelAddress';
