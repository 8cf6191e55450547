import fs from 'node:fs';
import path from 'node:path';
import {
  defaultCrdDir,
  loadCrds,
  readCrdDir,
  type CrdDefinition,
} from './crds';

/** The product versions one row of the support matrix stands for. */
export interface SupportedVersions {
  kubernetes: string;
  kserve: string;
  envoyGateway: string;
  aiGateway: string;
  gatewayApi: string;
  inferenceExtension: string;
}

export interface CrdMatrixRow {
  id: string;
  versions: SupportedVersions;
  crds: CrdDefinition[];
}

/**
 * The supported version matrix (README "Support matrix"). Every row is a set of CRDs an installation
 * of those versions serves: the files in `crds/`, with the files of the row's overlay directory
 * (same file names) in place of the newer ones. Envoy AI Gateway v1.1 names Envoy Gateway v1.8.1 and
 * Gateway API v1.5 as its tested baseline, and KServe v0.20 pins the same; Envoy Gateway v1.9.0
 * bundles Gateway API v1.6.1.
 */
export const SUPPORT_MATRIX: {
  id: string;
  overlay?: string;
  versions: SupportedVersions;
}[] = [
  {
    id: 'eg-v1.9.0',
    versions: {
      kubernetes: '1.33, 1.34, 1.35',
      kserve: 'v0.20.0',
      envoyGateway: 'v1.9.0',
      aiGateway: 'v1.1.0',
      gatewayApi: 'v1.6.1',
      inferenceExtension: 'v1.6.0',
    },
  },
  {
    id: 'eg-v1.8.1',
    overlay: 'eg-v1.8.1',
    versions: {
      kubernetes: '1.33, 1.34, 1.35',
      kserve: 'v0.20.0',
      envoyGateway: 'v1.8.1',
      aiGateway: 'v1.1.0',
      gatewayApi: 'v1.5.1',
      inferenceExtension: 'v1.6.0',
    },
  },
];

const rows = new Map<string, CrdDefinition[]>();

function crdsOfRow(overlay: string | undefined, dir: string): CrdDefinition[] {
  const base = loadCrds(dir);
  if (!overlay) return base;
  const key = path.join(dir, overlay);
  const cached = rows.get(key);
  if (cached) return cached;
  const files = fs.readdirSync(key).filter(f => /\.ya?ml$/.test(f));
  const replaced = new Set(files);
  const crds = [
    ...base.filter(c => !replaced.has(path.basename(c.source ?? ''))),
    ...readCrdDir(key),
  ];
  rows.set(key, crds);
  return crds;
}

/** Every row of the support matrix with the CRDs its versions serve. */
export function loadCrdMatrix(dir: string = defaultCrdDir()): CrdMatrixRow[] {
  return SUPPORT_MATRIX.map(r => ({
    id: r.id,
    versions: r.versions,
    crds: crdsOfRow(r.overlay, dir),
  }));
}
