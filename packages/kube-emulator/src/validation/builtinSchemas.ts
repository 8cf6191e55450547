import type { JsonSchema } from '../crds';

/**
 * Small structural schemas for the built-in kinds the emulator serves. They cover the fields our
 * plugins write and the ones the Backstage Kubernetes tab reads (workload selectors, pod templates,
 * replica counts, the defaults the API server fills in); anything else under these kinds is kept as-is
 * (`x-kubernetes-preserve-unknown-fields`) rather than pruned or checked, because the upstream OpenAPI
 * schemas are not in this repository and are far larger than what we model here.
 */
type Fields = Record<string, JsonSchema>;

const str: JsonSchema = { type: 'string' };
const bool: JsonSchema = { type: 'boolean' };
const meta: JsonSchema = { type: 'object' };
const int32: JsonSchema = { type: 'integer', format: 'int32' };
const nonNegative32: JsonSchema = { ...int32, minimum: 0 };
const int64: JsonSchema = { type: 'integer', format: 'int64' };
const portNumber: JsonSchema = { ...int32, minimum: 1, maximum: 65535 };
const intOrString: JsonSchema = { 'x-kubernetes-int-or-string': true };
const stringMap: JsonSchema = { type: 'object', additionalProperties: str };
const byteMap: JsonSchema = {
  type: 'object',
  additionalProperties: { type: 'string', format: 'byte' },
};
const preserved: JsonSchema = {
  type: 'object',
  'x-kubernetes-preserve-unknown-fields': true,
};

const listOf = (items: JsonSchema): JsonSchema => ({ type: 'array', items });
const strings = listOf(str);
const preservedList = listOf(preserved);

/** A list the API server merges by `keys` (server-side apply's `listType: map`). */
const mapList = (keys: string[], items: JsonSchema): JsonSchema => ({
  type: 'array',
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': keys,
  items,
});

/** A string limited to `values`, with the API server's default when it fills one in. */
function oneOf(values: string[], defaultValue?: string): JsonSchema {
  const schema: JsonSchema = { type: 'string', enum: values };
  return defaultValue === undefined
    ? schema
    : { ...schema, default: defaultValue };
}

/** An object whose modelled fields are checked; fields not listed are pruned. */
function object(properties: Fields, required?: string[]): JsonSchema {
  return { type: 'object', ...(required && { required }), properties };
}

/** An object whose modelled fields are checked; fields not listed are kept as written. */
function openObject(properties: Fields, required?: string[]): JsonSchema {
  return { ...object(properties, required), ...preserved };
}

/** resource.Quantity: a number or a string such as `500m`, `1Gi`, `1e3`. */
const quantity: JsonSchema = {
  // Not int-or-string: the API server also decodes fractional JSON numbers (`cpu: 0.5`).
  anyOf: [
    { type: 'number' },
    {
      type: 'string',
      pattern:
        '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$',
    },
  ],
};
const quantities: JsonSchema = {
  type: 'object',
  additionalProperties: quantity,
};

/** A kind's top level: type and object metadata, then the kind's own fields. */
function kind(fields: Fields, required?: string[]): JsonSchema {
  return object(
    { apiVersion: str, kind: str, metadata: meta, ...fields },
    required,
  );
}

/** A kind with a required spec and a status of which only the shape is checked (workload-like kinds). */
function envelope(spec: JsonSchema, extra: Fields = {}): JsonSchema {
  return kind({ spec, status: preserved, ...extra }, ['spec']);
}

export const namespaceSchema: JsonSchema = kind({
  spec: object({ finalizers: strings }),
  status: preserved,
});

export const secretSchema: JsonSchema = kind({
  data: byteMap,
  stringData: stringMap,
  type: str,
  immutable: bool,
});

export const configMapSchema: JsonSchema = kind({
  data: stringMap,
  binaryData: byteMap,
  immutable: bool,
});

const protocol = oneOf(['TCP', 'UDP', 'SCTP'], 'TCP');

export const serviceSchema: JsonSchema = kind({
  spec: openObject({
    type: oneOf(
      ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'],
      'ClusterIP',
    ),
    selector: stringMap,
    clusterIP: str,
    externalName: str,
    ports: mapList(
      ['port', 'protocol'],
      object(
        {
          name: str,
          protocol,
          appProtocol: str,
          port: portNumber,
          targetPort: intOrString,
          nodePort: int32,
        },
        ['port'],
      ),
    ),
  }),
  status: preserved,
});

export const eventSchema: JsonSchema = openObject({ metadata: meta });

const labelSelector: JsonSchema = object({
  matchLabels: stringMap,
  matchExpressions: listOf(
    object(
      {
        key: str,
        operator: oneOf(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: strings,
      },
      ['key', 'operator'],
    ),
  ),
});

const container: JsonSchema = openObject(
  {
    name: str,
    image: str,
    imagePullPolicy: oneOf(['Always', 'Never', 'IfNotPresent']),
    command: strings,
    args: strings,
    workingDir: str,
    ports: mapList(
      ['containerPort', 'protocol'],
      object(
        {
          name: str,
          containerPort: portNumber,
          hostPort: int32,
          hostIP: str,
          protocol,
        },
        ['containerPort'],
      ),
    ),
    env: listOf(openObject({ name: str, value: str }, ['name'])),
    resources: openObject({ limits: quantities, requests: quantities }),
    terminationMessagePath: { ...str, default: '/dev/termination-log' },
    terminationMessagePolicy: oneOf(['File', 'FallbackToLogsOnError'], 'File'),
  },
  ['name', 'image'],
);

const containers = mapList(['name'], container);

function podSpec(
  restartPolicy: JsonSchema,
  required: string[] = ['containers'],
): JsonSchema {
  return openObject(
    {
      containers: { ...containers, minItems: 1 },
      initContainers: containers,
      restartPolicy,
      terminationGracePeriodSeconds: { ...int64, minimum: 0, default: 30 },
      activeDeadlineSeconds: { ...int64, minimum: 1 },
      dnsPolicy: oneOf(
        ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'],
        'ClusterFirst',
      ),
      schedulerName: { ...str, default: 'default-scheduler' },
      serviceAccountName: str,
      nodeName: str,
      nodeSelector: stringMap,
      hostNetwork: bool,
      volumes: preservedList,
      tolerations: preservedList,
      affinity: preserved,
      securityContext: { ...preserved, default: {} },
    },
    required,
  );
}

const podTemplate = (spec: JsonSchema): JsonSchema =>
  object(
    {
      metadata: openObject({ labels: stringMap, annotations: stringMap }),
      spec,
    },
    ['spec'],
  );

const podStatus: JsonSchema = openObject({
  phase: oneOf(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']),
  conditions: preservedList,
  containerStatuses: preservedList,
  initContainerStatuses: preservedList,
  podIP: str,
  hostIP: str,
  startTime: { type: 'string', format: 'date-time' },
  qosClass: oneOf(['Guaranteed', 'Burstable', 'BestEffort']),
});

export const podSchema: JsonSchema = envelope(
  podSpec(oneOf(['Always', 'OnFailure', 'Never'], 'Always')),
  { status: podStatus },
);

/** The pods a controller (Deployment, ReplicaSet, StatefulSet, DaemonSet) runs: they always restart. */
const controlledPods: Fields = {
  selector: labelSelector,
  template: podTemplate(podSpec(oneOf(['Always'], 'Always'))),
};
const replicas: JsonSchema = { ...nonNegative32, default: 1 };
const revisionHistoryLimit: JsonSchema = { ...nonNegative32, default: 10 };

/** A workload's `strategy` / `updateStrategy`. */
function updateStrategy(
  types: string[],
  rollingUpdate: Fields,
  defaultValue: object,
): JsonSchema {
  return {
    ...object({ type: oneOf(types), rollingUpdate: object(rollingUpdate) }),
    default: defaultValue,
  };
}

export const deploymentSchema: JsonSchema = envelope(
  openObject(
    {
      replicas,
      ...controlledPods,
      strategy: updateStrategy(
        ['Recreate', 'RollingUpdate'],
        { maxUnavailable: intOrString, maxSurge: intOrString },
        {
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
        },
      ),
      minReadySeconds: nonNegative32,
      revisionHistoryLimit,
      progressDeadlineSeconds: { ...int32, minimum: 1, default: 600 },
      paused: bool,
    },
    ['selector', 'template'],
  ),
);

export const replicaSetSchema: JsonSchema = envelope(
  openObject({ replicas, ...controlledPods, minReadySeconds: nonNegative32 }, [
    'selector',
  ]),
);

export const statefulSetSchema: JsonSchema = envelope(
  openObject(
    {
      replicas,
      ...controlledPods,
      serviceName: str,
      podManagementPolicy: oneOf(['OrderedReady', 'Parallel'], 'OrderedReady'),
      updateStrategy: updateStrategy(
        ['OnDelete', 'RollingUpdate'],
        { partition: nonNegative32, maxUnavailable: intOrString },
        { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      ),
      revisionHistoryLimit,
      volumeClaimTemplates: preservedList,
    },
    ['selector', 'template'],
  ),
);

export const daemonSetSchema: JsonSchema = envelope(
  openObject(
    {
      ...controlledPods,
      updateStrategy: updateStrategy(
        ['OnDelete', 'RollingUpdate'],
        { maxUnavailable: intOrString, maxSurge: intOrString },
        {
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
        },
      ),
      minReadySeconds: nonNegative32,
      revisionHistoryLimit,
    },
    ['selector', 'template'],
  ),
);

const jobSpec: JsonSchema = openObject(
  {
    // A Job's pods must not restart forever: the API server refuses `Always` (and requires a value).
    template: podTemplate(
      podSpec(oneOf(['OnFailure', 'Never']), ['containers', 'restartPolicy']),
    ),
    parallelism: { ...nonNegative32, default: 1 },
    completions: nonNegative32,
    backoffLimit: { ...nonNegative32, default: 6 },
    activeDeadlineSeconds: { ...int64, minimum: 1 },
    ttlSecondsAfterFinished: nonNegative32,
    completionMode: oneOf(['NonIndexed', 'Indexed'], 'NonIndexed'),
    suspend: { ...bool, default: false },
    manualSelector: bool,
    selector: labelSelector,
  },
  ['template'],
);

export const jobSchema: JsonSchema = envelope(jobSpec);

export const cronJobSchema: JsonSchema = envelope(
  openObject(
    {
      schedule: { ...str, minLength: 1 },
      timeZone: str,
      startingDeadlineSeconds: { ...int64, minimum: 0 },
      concurrencyPolicy: oneOf(['Allow', 'Forbid', 'Replace'], 'Allow'),
      suspend: { ...bool, default: false },
      successfulJobsHistoryLimit: { ...nonNegative32, default: 3 },
      failedJobsHistoryLimit: { ...nonNegative32, default: 1 },
      jobTemplate: object({ metadata: preserved, spec: jobSpec }, ['spec']),
    },
    ['schedule', 'jobTemplate'],
  ),
);

export const horizontalPodAutoscalerSchema: JsonSchema = envelope(
  openObject(
    {
      scaleTargetRef: object({ apiVersion: str, kind: str, name: str }, [
        'kind',
        'name',
      ]),
      minReplicas: { ...int32, minimum: 1, default: 1 },
      maxReplicas: { ...int32, minimum: 1 },
      metrics: preservedList,
      behavior: preserved,
    },
    ['scaleTargetRef', 'maxReplicas'],
  ),
);

const ingressPath: JsonSchema = object(
  {
    path: str,
    pathType: oneOf(['Exact', 'Prefix', 'ImplementationSpecific']),
    backend: preserved,
  },
  ['pathType', 'backend'],
);

export const ingressSchema: JsonSchema = envelope(
  openObject({
    ingressClassName: str,
    defaultBackend: preserved,
    tls: listOf(object({ hosts: strings, secretName: str })),
    rules: listOf(
      object({
        host: str,
        http: object({ paths: listOf(ingressPath) }, ['paths']),
      }),
    ),
  }),
);

export const limitRangeSchema: JsonSchema = envelope(
  object(
    {
      limits: listOf(
        object(
          {
            type: str,
            max: quantities,
            min: quantities,
            default: quantities,
            defaultRequest: quantities,
            maxLimitRequestRatio: quantities,
          },
          ['type'],
        ),
      ),
    },
    ['limits'],
  ),
);

export const resourceQuotaSchema: JsonSchema = kind({
  spec: object({ hard: quantities, scopes: strings, scopeSelector: preserved }),
  status: object({ hard: quantities, used: quantities }),
});

const accessModes: JsonSchema = listOf(
  oneOf(['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod']),
);
const volumeMode = oneOf(['Filesystem', 'Block'], 'Filesystem');

export const persistentVolumeSchema: JsonSchema = envelope(
  openObject({
    capacity: quantities,
    accessModes,
    persistentVolumeReclaimPolicy: oneOf(
      ['Retain', 'Delete', 'Recycle'],
      'Retain',
    ),
    storageClassName: str,
    volumeMode,
  }),
);

export const persistentVolumeClaimSchema: JsonSchema = envelope(
  openObject({
    accessModes,
    resources: object({ requests: quantities, limits: quantities }),
    storageClassName: str,
    volumeName: str,
    volumeMode,
    selector: labelSelector,
  }),
);
