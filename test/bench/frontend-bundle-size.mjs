/* eslint-disable no-console */
/**
 * JS size of the model-publishing frontend plugin, gzipped (issue 7: "the plugin's code is lazy-loaded;
 * report its JS size"). Bundles plugins/model-publishing/src/alpha.tsx (the new-frontend-system entry the
 * app discovers) with esbuild code splitting, the way the app's bundler splits at `import()`:
 *   - eager: what the app loads at start-up for this plugin (extension definitions, API client);
 *   - lazy:  chunks loaded when the Publish tab, a card or the page is opened.
 * Two views: "own code" keeps every npm package external (zod and react-use are already in every app via
 * core-components / core-plugin-api / catalog-react, so this is the real added cost); "upper bound" also
 * bundles zod and react-use, as if the app did not ship them yet.
 *
 *   node test/bench/frontend-bundle-size.mjs
 */
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../..',
);
const entry = path.join(root, 'plugins/model-publishing/src/alpha.tsx');

// Packages every Backstage app already ships for other plugins.
const SHARED = [
  /^react($|\/)/,
  /^react-dom($|\/)/,
  /^react-router/,
  /^@material-ui\//,
  /^@backstage\//,
];

async function measure(label, isExternal) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    splitting: true,
    format: 'esm',
    minify: true,
    write: false,
    outdir: '/tmp/mp-bundle',
    jsx: 'automatic',
    logLevel: 'silent',
    metafile: true,
    plugins: [
      {
        name: 'externals',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, args =>
            isExternal(args.path)
              ? { path: args.path, external: true }
              : undefined,
          );
        },
      },
    ],
  });
  const outputs = result.outputFiles.filter(f => f.path.endsWith('.js'));
  const entryOut = Object.entries(result.metafile.outputs).find(
    ([, o]) => o.entryPoint,
  )?.[0];
  // Eager = the entry chunk plus chunks it imports statically.
  const eager = new Set();
  const visit = out => {
    if (eager.has(out)) return;
    eager.add(out);
    for (const imp of result.metafile.outputs[out].imports)
      if (imp.kind === 'import-statement' && !imp.external) visit(imp.path);
  };
  visit(entryOut);
  let eagerRaw = 0,
    eagerGz = 0,
    lazyRaw = 0,
    lazyGz = 0,
    lazyChunks = 0;
  for (const file of outputs) {
    const rel = path.relative(process.cwd(), file.path);
    const gz = gzipSync(file.contents).length;
    if ([...eager].some(e => path.resolve(e) === file.path || rel === e)) {
      eagerRaw += file.contents.length;
      eagerGz += gz;
    } else {
      lazyRaw += file.contents.length;
      lazyGz += gz;
      lazyChunks += 1;
    }
  }
  const kb = n => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`${label}`);
  console.log(
    `  eager (start-up):  ${kb(eagerGz)} gzipped (${kb(eagerRaw)} minified)`,
  );
  console.log(
    `  lazy (${lazyChunks} chunks): ${kb(lazyGz)} gzipped (${kb(
      lazyRaw,
    )} minified)`,
  );
  console.log(`  total:             ${kb(eagerGz + lazyGz)} gzipped`);
}

await measure(
  'model-publishing frontend, own code (all npm packages external)',
  p => !p.startsWith('@model-publishing/'),
);
await measure(
  'model-publishing frontend, upper bound (react, MUI, @backstage/* external; common, zod, react-use bundled)',
  p => SHARED.some(re => re.test(p)),
);
