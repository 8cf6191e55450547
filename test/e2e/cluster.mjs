// What the journeys check outside the browser: the Kubernetes API (the emulator the portal runs on
// 127.0.0.1:6443, queried like any API server) and the backend's REST API with a demo user's token.
import assert from 'node:assert/strict';
import { BACKEND_URL } from './portal.mjs';

export const KUBE_URL = process.env.MP_E2E_KUBE_URL ?? 'http://127.0.0.1:6443';
export const MANAGED_BY =
  'app.kubernetes.io/managed-by=backstage-model-publishing';

/** The kinds a publication may own, with their API paths (namespaced). */
const RESOURCES = {
  Secret: 'api/v1/namespaces/{ns}/secrets',
  HTTPRoute: 'apis/gateway.networking.k8s.io/v1/namespaces/{ns}/httproutes',
  SecurityPolicy:
    'apis/gateway.envoyproxy.io/v1alpha1/namespaces/{ns}/securitypolicies',
  BackendTrafficPolicy:
    'apis/gateway.envoyproxy.io/v1alpha1/namespaces/{ns}/backendtrafficpolicies',
  EnvoyExtensionPolicy:
    'apis/gateway.envoyproxy.io/v1alpha1/namespaces/{ns}/envoyextensionpolicies',
  Backend: 'apis/gateway.envoyproxy.io/v1alpha1/namespaces/{ns}/backends',
  AIServiceBackend:
    'apis/aigateway.envoyproxy.io/v1beta1/namespaces/{ns}/aiservicebackends',
  AIGatewayRoute:
    'apis/aigateway.envoyproxy.io/v1beta1/namespaces/{ns}/aigatewayroutes',
};

async function kubeList(kind, namespace, labelSelector) {
  const path = RESOURCES[kind].replace('{ns}', namespace);
  const res = await fetch(
    `${KUBE_URL}/${path}?labelSelector=${encodeURIComponent(labelSelector)}`,
  );
  if (res.status === 404) return []; // a CRD the emulator does not serve: nothing of that kind
  assert.equal(res.status, 200, `GET ${path}: HTTP ${res.status}`);
  return (await res.json()).items;
}

/** Every object our product manages in `namespace`, optionally only one publication's, by kind. */
export async function managedObjects(namespace, publicationId) {
  const selector = publicationId
    ? `${MANAGED_BY},model-publishing/publication=${publicationId}`
    : MANAGED_BY;
  const byKind = {};
  for (const kind of Object.keys(RESOURCES)) {
    const items = await kubeList(kind, namespace, selector);
    if (items.length) byKind[kind] = items;
  }
  return byKind;
}

/** kind → sorted names, for readable assertions. */
export function summary(byKind) {
  return Object.fromEntries(
    Object.entries(byKind).map(([kind, items]) => [
      kind,
      items.map(i => i.metadata.name).sort(),
    ]),
  );
}

/** A demo user's Backstage token, as the demo sign-in gets it. */
export async function tokenFor(user) {
  const res = await fetch(`${BACKEND_URL}/api/auth/demo/refresh`, {
    headers: { 'x-demo-user': user },
  });
  assert.equal(res.status, 200, `demo refresh for ${user}: HTTP ${res.status}`);
  return (await res.json()).backstageIdentity.token;
}

/** Calls the backend as `user`; returns { status, body }. */
export async function api(user, method, path, body) {
  const token = await tokenFor(user);
  const res = await fetch(`${BACKEND_URL}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed };
}

export const MP = '/api/model-publishing';
export const modelPath = (namespace, name) =>
  `${MP}/models/default/${namespace}/${name}`;

/** The model's current publication as its owner sees it (undefined when never published). */
export async function publicationOf(owner, namespace, name) {
  const { status, body } = await api(owner, 'GET', modelPath(namespace, name));
  assert.equal(
    status,
    200,
    `GET model ${namespace}/${name}: HTTP ${status} ${JSON.stringify(body)}`,
  );
  return body.publication;
}

/**
 * Makes sure the model is not live, so a journey starts from "not published" whatever ran before it
 * (e.g. a developer's earlier run against the same data folder).
 */
export async function ensureUnpublished(owner, namespace, name) {
  const publication = await publicationOf(owner, namespace, name);
  if (publication && publication.status !== 'unpublished') {
    const { status, body } = await api(
      owner,
      'DELETE',
      `${modelPath(namespace, name)}/publication`,
    );
    assert.equal(
      status,
      200,
      `unpublish ${name}: HTTP ${status} ${JSON.stringify(body)}`,
    );
  }
}

/** Polls `check` until it returns a truthy value (returned) or the time is up (throws the last error). */
export async function eventually(
  check,
  { timeoutMs = 60_000, intervalMs = 1000, what = 'condition' } = {},
) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
      last = new Error(`${what}: not yet`);
    } catch (e) {
      last = e;
    }
    await new Promise(r => setTimeout(r, intervalMs));
  }
  throw new Error(
    `${what} not met after ${timeoutMs / 1000}s: ${last?.message}`,
  );
}
