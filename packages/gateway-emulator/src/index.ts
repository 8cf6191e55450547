/**
 * A local stand-in for Envoy Gateway and Envoy AI Gateway: the embedded portal's gateway and a test double.
 *
 * @packageDocumentation
 */
export { startGateway, memoryAccessLog } from './server';
export type { GatewayOptions, RunningGateway } from './server';
export { HOST_PATH_PREFIX } from './gateway';
export type { UpstreamRequestRecord } from './gateway';
export type { AccessLogRecord, AccessLogSink } from './accessLog';
export { AccessLogShipper } from './shipper';
export type { AccessLogShipperOptions } from './shipper';
export { TrafficGenerator, demoCall } from './traffic';
export type { TrafficGeneratorOptions } from './traffic';
export { demoModelServers } from './stubs/demo';
export { kserveV1Stub, kserveV2Stub } from './stubs/kserve';
export { openaiStub } from './stubs/openai';
export type { ModelServerStub, StubHandler, StubRequest, StubResponse } from './stubs/types';
export type { CompiledRoute } from './routing/compile';
