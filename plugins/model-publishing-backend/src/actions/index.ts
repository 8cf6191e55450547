export { registerModelActions, type ModelActionDeps } from './modelActions';
export {
  AGENT_KEY_MAX_LIFETIME_HOURS,
  agentKeyExpiry,
  agentKeyName,
  modelPathOf,
} from './agentKeys';
