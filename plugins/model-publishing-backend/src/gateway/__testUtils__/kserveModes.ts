import type { FixtureManifest } from '../../models/__testUtils__/inferenceServices';
import type { ServingFacts } from '../upstream';

/**
 * Models as KServe v0.20 leaves them in each way of serving, with what the cluster says beside them
 * (inferenceservice-config, the LLM workload Service). Shapes follow kserve v0.20.0:
 * pkg/controller/v1alpha2/llmisvc/workload.go (workload Service, port 8000, appProtocol http/https),
 * workload_tls_self_signed.go (`<name>-kserve-self-signed-certs`), llm_inference_service_types.go
 * (status.router.scheduler.inferencePool), config/configmap/inferenceservice.yaml (deploy, ingress).
 */

/** An LLMInferenceService with the scheduler (InferencePool + endpoint picker). */
export function llmWithScheduler(): FixtureManifest {
  return {
    apiVersion: 'serving.kserve.io/v1alpha2',
    kind: 'LLMInferenceService',
    metadata: {
      name: 'qwen-llmd',
      namespace: 'genai',
      uid: '0b5a7d2e-3c1f-4e8a-9d6b-2f4c8e1a7b3d',
    },
    spec: {
      model: {
        uri: 'hf://Qwen/Qwen2.5-7B-Instruct',
        name: 'Qwen/Qwen2.5-7B-Instruct',
      },
      replicas: 2,
      router: { scheduler: {}, route: {}, gateway: {} },
    },
    status: {
      conditions: [{ type: 'Ready', status: 'True' }],
      router: {
        scheduler: {
          inferencePool: {
            group: 'inference.networking.k8s.io',
            kind: 'InferencePool',
            name: 'qwen-llmd-inference-pool',
          },
          // A LocalObjectReference: group is required, '' for the core group (the CRD's schema).
          service: {
            group: '',
            kind: 'Service',
            name: 'qwen-llmd-epp-service',
          },
        },
      },
    },
  };
}

/** The workload Service KServe creates for it, `https` when enableLLMInferenceServiceTLS is on. */
export function workloadService(protocol: 'http' | 'https'): FixtureManifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'qwen-llmd-kserve-workload-svc', namespace: 'genai' },
    spec: {
      type: 'ClusterIP',
      ports: [
        {
          name: protocol,
          protocol: 'TCP',
          appProtocol: protocol,
          port: 8000,
          targetPort: 8000,
        },
      ],
    },
  };
}

export const tlsFacts = (): ServingFacts => ({
  workloadService: workloadService('https'),
});
export const plainFacts = (): ServingFacts => ({
  workloadService: workloadService('http'),
});

/** inferenceservice-config as KServe's default install ships it: Serverless by default. */
export const serverlessDefaultConfig = (): ServingFacts => ({
  inferenceServiceConfig: {
    deploy: '{\n  "defaultDeploymentMode": "Serverless"\n}',
    ingress: '{"ingressDomain": "example.com"}',
  },
});

/** A sklearn predictor in Knative (Serverless) mode, Ready, with its cluster-local address. */
export function serverlessSklearn(): FixtureManifest {
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: {
      name: 'fraud-knative',
      namespace: 'fraud-detection',
      uid: '5e2b8c1d-7f3a-4b9e-8d2c-1a6f4e9b3c7d',
      annotations: { 'serving.kserve.io/deploymentMode': 'Serverless' },
    },
    spec: {
      predictor: {
        model: {
          modelFormat: { name: 'sklearn' },
          storageUri: 'gs://kfserving-examples/models/sklearn/1.0/model',
        },
      },
    },
    status: {
      deploymentMode: 'Serverless',
      url: 'http://fraud-knative-fraud-detection.example.com',
      address: {
        url: 'http://fraud-knative.fraud-detection.svc.cluster.local',
      },
      components: {
        predictor: {
          latestReadyRevision: 'fraud-knative-predictor-00001',
          latestCreatedRevision: 'fraud-knative-predictor-00001',
          url: 'http://fraud-knative-predictor-fraud-detection.example.com',
          address: {
            url: 'http://fraud-knative-predictor.fraud-detection.svc.cluster.local',
          },
          traffic: [
            {
              revisionName: 'fraud-knative-predictor-00001',
              percent: 100,
              latestRevision: true,
            },
          ],
        },
      },
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}

/** A vLLM predictor in Knative mode, decided by the cluster default only (no status mode, no annotation). */
export function serverlessVllmByDefault(): FixtureManifest {
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: {
      name: 'mistral',
      namespace: 'genai',
      uid: '9c4e2a7b-1d3f-4a8e-b6c2-7e1f3a9d5b4c',
    },
    spec: {
      predictor: {
        model: {
          modelFormat: { name: 'vllm' },
          args: [
            '--model=mistralai/Mistral-7B-Instruct-v0.3',
            '--served-model-name=mistral',
          ],
        },
      },
    },
    status: {
      components: {
        predictor: {
          address: { url: 'http://mistral-predictor.genai.svc.cluster.local' },
        },
      },
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}
