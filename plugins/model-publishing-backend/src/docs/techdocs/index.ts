// TechDocs publishing of the guides (I/O); the guide itself is built by the pure functions in ../.
export {
  GuidePublisher,
  type GuideHooks,
  type GuideRenderer,
  type EnsureResult,
  type GuidePublisherOptions,
} from './GuidePublisher';
export { guideSite, unpublishedSite, type SiteSource } from './guideSite';
