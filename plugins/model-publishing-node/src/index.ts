/**
 * Extension points of the model-publishing backend, for backend modules, and the cluster vocabulary
 * the model-publishing backend plugins share (config reader and KubeConfig factory).
 *
 * @packageDocumentation
 */
export * from './clusters';
export * from './clusterDetails';
export { kubeConfigForCluster } from './kubeConfigForCluster';
export {
  hasClusterConnection,
  readClusterDetails,
  readModelPublishingClusters,
} from './readClusters';
export * from './usage';
