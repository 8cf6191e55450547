import type { JsonSchema } from '../crds';

/**
 * Small structural schemas for the core/v1 kinds the emulator serves. They cover the fields our
 * plugins write; anything else under these kinds is kept as-is (`x-kubernetes-preserve-unknown-fields`)
 * rather than pruned, because the real schemas are far larger than what we model here.
 */
const stringMap: JsonSchema = { type: 'object', additionalProperties: { type: 'string' } };
const meta: JsonSchema = { type: 'object' };

export const namespaceSchema: JsonSchema = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: meta,
    spec: {
      type: 'object',
      properties: { finalizers: { type: 'array', items: { type: 'string' } } },
    },
    status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  },
};

export const secretSchema: JsonSchema = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: meta,
    data: { type: 'object', additionalProperties: { type: 'string', format: 'byte' } },
    stringData: stringMap,
    type: { type: 'string' },
    immutable: { type: 'boolean' },
  },
};

export const configMapSchema: JsonSchema = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: meta,
    data: stringMap,
    binaryData: { type: 'object', additionalProperties: { type: 'string', format: 'byte' } },
    immutable: { type: 'boolean' },
  },
};

export const serviceSchema: JsonSchema = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: meta,
    spec: {
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
      properties: {
        type: {
          type: 'string',
          enum: ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'],
          default: 'ClusterIP',
        },
        selector: stringMap,
        clusterIP: { type: 'string' },
        externalName: { type: 'string' },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['port', 'protocol'],
          items: {
            type: 'object',
            required: ['port'],
            properties: {
              name: { type: 'string' },
              protocol: { type: 'string', enum: ['TCP', 'UDP', 'SCTP'], default: 'TCP' },
              appProtocol: { type: 'string' },
              port: { type: 'integer', format: 'int32', minimum: 1, maximum: 65535 },
              targetPort: { 'x-kubernetes-int-or-string': true },
              nodePort: { type: 'integer', format: 'int32' },
            },
          },
        },
      },
    },
    status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  },
};

export const eventSchema: JsonSchema = {
  type: 'object',
  'x-kubernetes-preserve-unknown-fields': true,
  properties: { metadata: meta },
};
