// Moved to model-publishing-common with detectModelKind (pure, shared with the catalog module).
export {
  servedModelName,
  modelAliases,
  inspectPredictor,
  flagValue,
  LEGACY_FRAMEWORKS,
  type PredictorFacts,
} from '@model-publishing/plugin-model-publishing-common';
