#!/usr/bin/env node
/*
 * Turns the spec schemas of the vendored CRDs (packages/kube-emulator/crds, copied from the upstream
 * releases listed in its SOURCES.md) into src/kubernetes/crdTypes.generated.ts: one TypeScript type per
 * spec the gateway builders produce. CRD schemas are structural (object/array/scalars, enums,
 * int-or-string, preserve-unknown-fields), which this small emitter covers; an object shape that occurs
 * more than once is emitted once as a named type. `--check` exits 1 when the committed file is out of date.
 */
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');
const { primitiveTsType } = require('./primitiveTsType');

const root = path.resolve(__dirname, '..');
const crdDir = path.resolve(root, '../../packages/kube-emulator/crds');
const outPath = path.join(root, 'src/kubernetes/crdTypes.generated.ts');

/** The specs the builders produce: file, served version. */
const SPECS = [
  ['gateway.networking.k8s.io_httproutes.yaml', 'v1'],
  ['gateway.envoyproxy.io_securitypolicies.yaml', 'v1alpha1'],
  ['gateway.envoyproxy.io_backendtrafficpolicies.yaml', 'v1alpha1'],
  ['gateway.envoyproxy.io_backends.yaml', 'v1alpha1'],
  ['aigateway.envoyproxy.io_aigatewayroutes.yaml', 'v1beta1'],
  ['aigateway.envoyproxy.io_aiservicebackends.yaml', 'v1beta1'],
  ['gateway.envoyproxy.io_envoyextensionpolicies.yaml', 'v1alpha1'],
];

const pascal = s => s.replace(/(^|[-_.])(\w)/g, (_, __, c) => c.toUpperCase());
const canonical = s =>
  JSON.stringify(s, (k, v) =>
    k === 'description' || k === 'x-kubernetes-validations' ? undefined : v,
  );
const isObject = s =>
  s &&
  s.type === 'object' &&
  s.properties &&
  Object.keys(s.properties).length > 0;

function specs() {
  return SPECS.map(([file, version]) => {
    const docs = YAML.parseAllDocuments(
      fs.readFileSync(path.join(crdDir, file), 'utf8'),
    ).map(d => d.toJS());
    const crd = docs.find(d => d && d.kind === 'CustomResourceDefinition');
    const served = crd.spec.versions.find(v => v.name === version);
    if (!served) throw new Error(`${file} does not serve ${version}`);
    return {
      kind: crd.spec.names.kind,
      group: crd.spec.group,
      version,
      schema: served.schema.openAPIV3Schema.properties.spec,
    };
  });
}

/** Every object shape, counted, so one used twice or more becomes a named type. */
function countShapes(schema, counts) {
  if (!schema || typeof schema !== 'object') return;
  if (isObject(schema)) {
    const key = canonical(schema);
    counts.set(key, (counts.get(key) || 0) + 1);
    Object.values(schema.properties).forEach(p => countShapes(p, counts));
  }
  if (schema.items) countShapes(schema.items, counts);
  if (
    schema.additionalProperties &&
    typeof schema.additionalProperties === 'object'
  ) {
    countShapes(schema.additionalProperties, counts);
  }
}

function render() {
  const all = specs();
  const counts = new Map();
  all.forEach(s => countShapes(s.schema, counts));
  const named = new Map(); // canonical shape → type name
  const taken = new Set(all.map(s => `${s.kind}Spec`));
  const declarations = [];

  const literal = v =>
    typeof v === 'string' ? `'${v.replace(/'/g, "\\'")}'` : String(v);
  const comment = (d, pad) => {
    if (!d) return [];
    const first = d
      .split('\n\n')[0]
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/\*\//g, '*\\/');
    return [`${pad}/** ${first} */`];
  };

  function type(schema, name, depth) {
    if (!schema) return 'unknown';
    if (schema['x-kubernetes-int-or-string']) return 'number | string';
    if (schema.enum) return schema.enum.map(literal).join(' | ');
    const primitive = primitiveTsType(schema.type);
    if (primitive) return primitive;
    switch (schema.type) {
      case 'array': {
        const item = type(schema.items, name, depth);
        return /[ |]/.test(item) && !item.startsWith('{')
          ? `(${item})[]`
          : `${item}[]`;
      }
      case 'object': {
        if (isObject(schema)) return objectType(schema, name, depth);
        if (
          schema.additionalProperties &&
          typeof schema.additionalProperties === 'object'
        ) {
          return `{ [key: string]: ${type(
            schema.additionalProperties,
            name,
            depth,
          )} }`;
        }
        return '{ [key: string]: unknown }';
      }
      default:
        return 'unknown';
    }
  }

  function objectType(schema, name, depth) {
    const key = canonical(schema);
    if ((counts.get(key) || 0) > 1) {
      if (!named.has(key)) {
        let typeName = pascal(name);
        for (let i = 2; taken.has(typeName); i++)
          typeName = `${pascal(name)}${i}`;
        taken.add(typeName);
        named.set(key, typeName);
        declarations.push(`export interface ${typeName} ${body(schema, 0)}`);
      }
      return named.get(key);
    }
    return body(schema, depth);
  }

  function body(schema, depth) {
    const pad = '  '.repeat(depth + 1);
    const required = new Set(schema.required || []);
    const lines = Object.entries(schema.properties).flatMap(([prop, s]) => [
      ...comment(s.description, pad),
      `${pad}${/^[A-Za-z_$][\w$]*$/.test(prop) ? prop : `'${prop}'`}${
        required.has(prop) ? '' : '?'
      }: ${type(s, prop, depth + 1)};`,
    ]);
    return `{\n${lines.join('\n')}\n${'  '.repeat(depth)}}`;
  }

  const specTypes = all.map(
    s =>
      `/** ${s.group}/${s.version} ${s.kind}.spec */\nexport interface ${
        s.kind
      }Spec ${objectType(
        { ...s.schema, description: undefined, __kind: s.kind },
        `${s.kind}Spec`,
        0,
      )}`,
  );
  return [
    '// ******************************************************************',
    '// * THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY. *',
    '// * Source: packages/kube-emulator/crds; run `yarn generate:crds`.  *',
    '// ******************************************************************',
    '/* eslint-disable */',
    '',
    ...specTypes.map(t => `${t}\n`),
    ...declarations.map(d => `${d}\n`),
  ].join('\n');
}

function main() {
  const expected = render();
  if (process.argv.includes('--check')) {
    const actual = fs.existsSync(outPath)
      ? fs.readFileSync(outPath, 'utf8')
      : '';
    if (actual !== expected) {
      console.error(
        `${path.relative(
          process.cwd(),
          outPath,
        )} is out of date; run yarn generate:crds`,
      );
      process.exit(1);
    }
    return;
  }
  fs.writeFileSync(outPath, expected);
  console.log(`wrote ${path.relative(process.cwd(), outPath)}`);
}

module.exports = { render, outPath };
if (require.main === module) main();
