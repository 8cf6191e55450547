export { PublishTab, PublishTabContent } from './PublishTab/PublishTab';
export { EntityPublishStatusCard } from './EntityPublishStatusCard/EntityPublishStatusCard';
export { InferenceServicesCard } from './InferenceServicesCard/InferenceServicesCard';
export { PublishedModelsPage } from './PublishedModelsPage/PublishedModelsPage';
export { RequestAccessForm, ModelAccessContent } from './AccessRequests';
export { MyAccessPage } from './MyAccessPage/MyAccessPage';
