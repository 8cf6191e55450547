import type { JsonSchema } from '../crds';

/**
 * Small structural schemas for the built-in kinds the emulator serves. They cover the fields our
 * plugins write and the ones the Backstage Kubernetes tab reads (workload selectors, pod templates,
 * replica counts, the defaults the API server fills in); anything else under these kinds is kept as-is
 * (`x-kubernetes-preserve-unknown-fields`) rather than pruned or checked, because the upstream OpenAPI
 * schemas are not in this repository and are far larger than what we model here.
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

const str: JsonSchema = { type: 'string' };
const strings: JsonSchema = { type: 'array', items: str };
const int32: JsonSchema = { type: 'integer', format: 'int32' };
const nonNegative32: JsonSchema = { ...int32, minimum: 0 };
const int64: JsonSchema = { type: 'integer', format: 'int64' };
const intOrString: JsonSchema = { 'x-kubernetes-int-or-string': true };
const preserved: JsonSchema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
const preservedList: JsonSchema = { type: 'array', items: preserved };
/** resource.Quantity: a number or a string such as `500m`, `1Gi`, `1e3`. */
const quantity: JsonSchema = {
  // Not int-or-string: the API server also decodes fractional JSON numbers (`cpu: 0.5`).
  anyOf: [
    { type: 'number' },
    {
      type: 'string',
      pattern: '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$',
    },
  ],
};
const quantities: JsonSchema = { type: 'object', additionalProperties: quantity };
/** Status of every workload-like kind: only its shape is checked. */
const status: JsonSchema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

function envelope(spec: JsonSchema, extra: JsonSchema = {}): JsonSchema {
  return {
    type: 'object',
    required: ['spec'],
    properties: { apiVersion: str, kind: str, metadata: meta, spec, status, ...extra },
  };
}

const labelSelector: JsonSchema = {
  type: 'object',
  properties: {
    matchLabels: stringMap,
    matchExpressions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'operator'],
        properties: {
          key: str,
          operator: { type: 'string', enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] },
          values: strings,
        },
      },
    },
  },
};

const container: JsonSchema = {
  type: 'object',
  'x-kubernetes-preserve-unknown-fields': true,
  required: ['name', 'image'],
  properties: {
    name: str,
    image: str,
    imagePullPolicy: { type: 'string', enum: ['Always', 'Never', 'IfNotPresent'] },
    command: strings,
    args: strings,
    workingDir: str,
    ports: {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
      items: {
        type: 'object',
        required: ['containerPort'],
        properties: {
          name: str,
          containerPort: { ...int32, minimum: 1, maximum: 65535 },
          hostPort: int32,
          hostIP: str,
          protocol: { type: 'string', enum: ['TCP', 'UDP', 'SCTP'], default: 'TCP' },
        },
      },
    },
    env: {
      type: 'array',
      items: { type: 'object', required: ['name'], 'x-kubernetes-preserve-unknown-fields': true, properties: { name: str, value: str } },
    },
    resources: {
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
      properties: { limits: quantities, requests: quantities },
    },
    terminationMessagePath: { type: 'string', default: '/dev/termination-log' },
    terminationMessagePolicy: { type: 'string', enum: ['File', 'FallbackToLogsOnError'], default: 'File' },
  },
};

const containers: JsonSchema = { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: container };

function podSpec(restartPolicy: JsonSchema, required: string[] = ['containers']): JsonSchema {
  return {
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
    required,
    properties: {
      containers: { ...containers, minItems: 1 },
      initContainers: containers,
      restartPolicy,
      terminationGracePeriodSeconds: { ...int64, minimum: 0, default: 30 },
      activeDeadlineSeconds: { ...int64, minimum: 1 },
      dnsPolicy: { type: 'string', enum: ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'], default: 'ClusterFirst' },
      schedulerName: { type: 'string', default: 'default-scheduler' },
      serviceAccountName: str,
      nodeName: str,
      nodeSelector: stringMap,
      hostNetwork: { type: 'boolean' },
      volumes: preservedList,
      tolerations: preservedList,
      affinity: preserved,
      securityContext: { ...preserved, default: {} },
    },
  };
}

const restartPolicy = { type: 'string', enum: ['Always', 'OnFailure', 'Never'], default: 'Always' };
const podTemplate = (spec: JsonSchema): JsonSchema => ({
  type: 'object',
  required: ['spec'],
  properties: {
    metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { labels: stringMap, annotations: stringMap } },
    spec,
  },
});
// Controllers (Deployment, ReplicaSet, StatefulSet, DaemonSet) run pods that always restart.
const controllerPodTemplate = podTemplate(podSpec({ type: 'string', enum: ['Always'], default: 'Always' }));

const podStatus: JsonSchema = {
  type: 'object',
  'x-kubernetes-preserve-unknown-fields': true,
  properties: {
    phase: { type: 'string', enum: ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] },
    conditions: preservedList,
    containerStatuses: preservedList,
    initContainerStatuses: preservedList,
    podIP: str,
    hostIP: str,
    startTime: { type: 'string', format: 'date-time' },
    qosClass: { type: 'string', enum: ['Guaranteed', 'Burstable', 'BestEffort'] },
  },
};

export const podSchema: JsonSchema = envelope(podSpec(restartPolicy), { status: podStatus });

const rollingStrategy = (rollingUpdate: JsonSchema, types: string[]) => ({
  type: 'object',
  properties: { type: { type: 'string', enum: types }, rollingUpdate },
});

export const deploymentSchema: JsonSchema = envelope({
  type: 'object',
  'x-kubernetes-preserve-unknown-fields': true,
  required: ['selector', 'template'],
  properties: {
    replicas: { ...nonNegative32, default: 1 },
    selector: labelSelector,
    template: controllerPodTemplate,
    strategy: {
      ...rollingStrategy({ type: 'object', properties: { maxUnavailable: intOrString, maxSurge: intOrString } }, ['Recreate', 'RollingUpdate']),
      default: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
    },
    minReadySeconds: nonNegative32,
    revisionHistoryLimit: { ...nonNegative32, default: 10 },
    progressDeadlineSeconds: { ...int32, minimum: 1, default: 600 },
    paused: { type: 'boolean' },
  },
});

export const replicaSetSchema: JsonSchema = envelope({
  type: 'object',
  'x-kubernetes-preserve-unknown-fields': true,
  required: ['selector'],
  properties: {
    replicas: { ...nonNegative32, default: 1 },
    selector: labelSelector,
    template: controllerPodTemplate,
    minReadySeconds: nonNegative32,
  },
});

export const statefulSetSchema: JsonSchema = envelope({
  type: 'object',
  'x-kubernetes-preserve-unknown-fields': true,
  required: ['selector', 'template'],
  properties: {
    replicas: { ...nonNegative32, default: 1 },
    selector: labelSelector,
    template: controllerPodTemplate,
    serviceName: str,
    podManagementPolicy: { type: 'string', enum: ['OrderedReady', 'Parallel'], default: 'OrderedReady' },
    updateStrategy: {
      ...rollingStrategy({ type: 'object', properties: { partition: nonNegative32, maxUnavailable: intOrString } }, ['OnDelete', 'RollingUpdate']),
      default: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
    },
    revisionHistoryLimit: { ...nonNegative32, default: 10 },
    volumeClaimTemplates: preservedList,
  },
});

export const daemonSetSchema: JsonSchema = envelope({
  type: 'object',
  'x-kubernetes-preserve-unknown-fields': true,
  required: ['selector', 'template'],
  properties: {
    selector: labelSelector,
    template: controllerPodTemplate,
    updateStrategy: {
      ...rollingStrategy({ type: 'object', properties: { maxUnavailable: intOrString, maxSurge: intOrString } }, ['OnDelete', 'RollingUpdate']),
      default: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
    },
    minReadySeconds: nonNegative32,
    revisionHistoryLimit: { ...nonNegative32, default: 10 },
  },
});

const jobSpec: JsonSchema = {
  type: 'object',
  'x-kubernetes-preserve-unknown-fields': true,
  required: ['template'],
  properties: {
    // A Job's pods must not restart forever: the API server refuses `Always` (and requires a value).
    template: podTemplate(podSpec({ type: 'string', enum: ['OnFailure', 'Never'] }, ['containers', 'restartPolicy'])),
    parallelism: { ...nonNegative32, default: 1 },
    completions: nonNegative32,
    backoffLimit: { ...nonNegative32, default: 6 },
    activeDeadlineSeconds: { ...int64, minimum: 1 },
    ttlSecondsAfterFinished: nonNegative32,
    completionMode: { type: 'string', enum: ['NonIndexed', 'Indexed'], default: 'NonIndexed' },
    suspend: { type: 'boolean', default: false },
    manualSelector: { type: 'boolean' },
    selector: labelSelector,
  },
};

export const jobSchema: JsonSchema = envelope(jobSpec);

export const cronJobSchema: JsonSchema = envelope({
  type: 'object',
  'x-kubernetes-preserve-unknown-fields': true,
  required: ['schedule', 'jobTemplate'],
  properties: {
    schedule: { type: 'string', minLength: 1 },
    timeZone: str,
    startingDeadlineSeconds: { ...int64, minimum: 0 },
    concurrencyPolicy: { type: 'string', enum: ['Allow', 'Forbid', 'Replace'], default: 'Allow' },
    suspend: { type: 'boolean', default: false },
    successfulJobsHistoryLimit: { ...nonNegative32, default: 3 },
    failedJobsHistoryLimit: { ...nonNegative32, default: 1 },
    jobTemplate: {
      type: 'object',
      required: ['spec'],
      properties: { metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, spec: jobSpec },
    },
  },
});

export const horizontalPodAutoscalerSchema: JsonSchema = envelope({
  type: 'object',
  'x-kubernetes-preserve-unknown-fields': true,
  required: ['scaleTargetRef', 'maxReplicas'],
  properties: {
    scaleTargetRef: { type: 'object', required: ['kind', 'name'], properties: { apiVersion: str, kind: str, name: str } },
    minReplicas: { ...int32, minimum: 1, default: 1 },
    maxReplicas: { ...int32, minimum: 1 },
    metrics: preservedList,
    behavior: preserved,
  },
});

export const ingressSchema: JsonSchema = envelope({
  type: 'object',
  'x-kubernetes-preserve-unknown-fields': true,
  properties: {
    ingressClassName: str,
    defaultBackend: preserved,
    tls: { type: 'array', items: { type: 'object', properties: { hosts: strings, secretName: str } } },
    rules: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          host: str,
          http: {
            type: 'object',
            required: ['paths'],
            properties: {
              paths: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['pathType', 'backend'],
                  properties: {
                    path: str,
                    pathType: { type: 'string', enum: ['Exact', 'Prefix', 'ImplementationSpecific'] },
                    backend: preserved,
                  },
                },
              },
            },
          },
        },
      },
    },
  },
});

export const limitRangeSchema: JsonSchema = envelope({
  type: 'object',
  required: ['limits'],
  properties: {
    limits: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type'],
        properties: {
          type: str,
          max: quantities,
          min: quantities,
          default: quantities,
          defaultRequest: quantities,
          maxLimitRequestRatio: quantities,
        },
      },
    },
  },
});

export const resourceQuotaSchema: JsonSchema = {
  type: 'object',
  properties: {
    apiVersion: str,
    kind: str,
    metadata: meta,
    spec: { type: 'object', properties: { hard: quantities, scopes: strings, scopeSelector: preserved } },
    status: { type: 'object', properties: { hard: quantities, used: quantities } },
  },
};

const accessModes: JsonSchema = {
  type: 'array',
  items: { type: 'string', enum: ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'] },
};

export const persistentVolumeSchema: JsonSchema = envelope({
  type: 'object',
  'x-kubernetes-preserve-unknown-fields': true,
  properties: {
    capacity: quantities,
    accessModes,
    persistentVolumeReclaimPolicy: { type: 'string', enum: ['Retain', 'Delete', 'Recycle'], default: 'Retain' },
    storageClassName: str,
    volumeMode: { type: 'string', enum: ['Filesystem', 'Block'], default: 'Filesystem' },
  },
});

export const persistentVolumeClaimSchema: JsonSchema = envelope({
  type: 'object',
  'x-kubernetes-preserve-unknown-fields': true,
  properties: {
    accessModes,
    resources: { type: 'object', properties: { requests: quantities, limits: quantities } },
    storageClassName: str,
    volumeName: str,
    volumeMode: { type: 'string', enum: ['Filesystem', 'Block'], default: 'Filesystem' },
    selector: labelSelector,
  },
});
