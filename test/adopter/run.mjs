// The adopter test (issue 18): installs Model Publishing into a brand-new Backstage app the way a platform
// team would, and proves it works there.
//   1. builds and `yarn pack`s every publishable package of this repository and checks each tarball
//      (dist/ only: no tests, no test utilities, no emulator);
//   2. creates an app with @backstage/create-app (the release this repository is on, backstage.json);
//   3. adds our packages from their tarballs only (resolutions point at the .tgz files, nothing by workspace
//      path), one `backend.add(import(…))` line per backend package and nothing else to the app's code
//      (the frontend plugin is found by the new frontend system's package discovery, `app.packages: all`);
//   4. starts the Kubernetes emulator on its own through its command line and gives its kubeconfig to the
//      app, as a real cluster would be given;
//   5. starts the app and, in headless Chromium, signs in as guest, finds the InferenceService in the catalog,
//      publishes it from its Publish tab and creates a key.
// Prints the time of each step. `node test/adopter/run.mjs [--keep] [--reuse DIR]`: --keep leaves the folder for
// a look; --reuse DIR starts again from the app a --keep run left in DIR (steps 4 and 5 only), to debug them.
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  createWriteStream,
  chmodSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchBrowser } from '../e2e/browser.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const ARTIFACTS = join(ROOT, 'test-results', 'adopter');
const keep = process.argv.includes('--keep');
const reuseAt = process.argv.indexOf('--reuse');
const reuse = reuseAt > 0 ? resolve(process.argv[reuseAt + 1]) : undefined;
// Ports of their own, so the adopter app never meets the demo portal (3000/7007/6443).
const APP_PORT = 3300;
const BACKEND_PORT = 7300;
const CLUSTER_PORT = 16443;
const APP_URL = `http://localhost:${APP_PORT}`;
const BACKEND_URL = `http://localhost:${BACKEND_PORT}`;

// @backstage/create-app release of each Backstage release (its dist/package.json.cjs.js names the release);
// the test refuses to run on a release it does not know rather than guess.
const CREATE_APP_FOR_RELEASE = { '1.55.0': '0.9.2' };

// The only network this test uses is the npm registry, npm's own (`npm config get registry`), for npx and for
// yarn in the new app; never a host name written here.
function npmRegistry() {
  const res = spawnSync('npm', ['config', 'get', 'registry'], {
    encoding: 'utf8',
  });
  const registry = (res.stdout ?? '').trim().replace(/\/+$/, '');
  if (res.status !== 0 || !registry)
    throw new Error('npm config get registry gave no registry');
  return registry;
}

const timings = [];
async function step(name, fn) {
  const started = Date.now();
  console.log(`\n» ${name}`);
  const result = await fn();
  const s = (Date.now() - started) / 1000;
  timings.push([name, s]);
  console.log(`  ${name}: ${s.toFixed(1)} s`);
  return result;
}

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, {
    stdio: opts.capture ? 'pipe' : ['ignore', 'inherit', 'inherit'],
    encoding: 'utf8',
    ...opts,
  });
  if (res.status !== 0) {
    throw new Error(
      `${cmd} ${args.join(' ')} (in ${opts.cwd ?? process.cwd()}) exited ${
        res.status
      }\n${res.stdout ?? ''}${res.stderr ?? ''}`,
    );
  }
  return res.stdout;
}

const yarnRelease = join(
  ROOT,
  '.yarn/releases',
  readdirSync(join(ROOT, '.yarn/releases'))[0],
);
const yarn = (args, opts) =>
  run(process.execPath, [yarnRelease, ...args], opts);

/** Workspace packages an adopter installs: everything under plugins/ that is not private. */
function publishablePackages() {
  return readdirSync(join(ROOT, 'plugins'))
    .map(dir => join(ROOT, 'plugins', dir))
    .filter(dir => existsSync(join(dir, 'package.json')))
    .map(dir => ({
      dir,
      pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')),
    }))
    .filter(({ pkg }) => !pkg.private);
}

/** What a tarball must and must not hold (issue 18: dist/, no tests, no test utilities, no emulator). */
export function checkTarballListing(name, files, manifest) {
  const problems = [];
  if (!files.some(f => f.startsWith('package/dist/')))
    problems.push('no dist/');
  const bad = files.filter(
    f =>
      /\.test\.|\/__tests__\/|\/__testUtils__\/|\/__fixtures__\/|testUtils|setupTests|\/src\//.test(
        f,
      ) || /kube-emulator|gateway-emulator/.test(f),
  );
  if (bad.length)
    problems.push(
      `holds ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ' …' : ''}`,
    );
  const deps = Object.keys({
    ...manifest.dependencies,
    ...manifest.peerDependencies,
  });
  const emulatorDeps = deps.filter(d => /emulator/.test(d));
  if (emulatorDeps.length)
    problems.push(`depends on ${emulatorDeps.join(', ')}`);
  if (String(manifest.main ?? '').startsWith('src/'))
    problems.push(`main is ${manifest.main}`);
  if (
    Object.values(manifest.dependencies ?? {}).some(v =>
      String(v).startsWith('workspace:'),
    )
  ) {
    problems.push('keeps workspace: ranges');
  }
  if (problems.length) throw new Error(`${name}: ${problems.join('; ')}`);
}

async function waitFor(url, { timeoutMs, alive = () => true, ok = r => r.ok }) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`the process serving ${url} exited`);
    try {
      const res = await fetch(url);
      if (ok(res)) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = e.cause?.code ?? e.message;
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(
    `${url} not ready after ${timeoutMs / 1000}s (last: ${last})`,
  );
}

function startLogged(cmd, args, opts, logFile) {
  const log = createWriteStream(logFile);
  const child = spawn(cmd, args, {
    ...opts,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  return {
    alive: () => !exited,
    // The app's backend outlives a SIGTERM to its group by tens of seconds (graceful shutdown of a
    // development backend, seen here): SIGKILL what is left after 5 s, so no run leaves one behind.
    stop: async () => {
      const signal = sig => {
        try {
          process.kill(-child.pid, sig);
        } catch {
          /* already gone */
        }
      };
      signal('SIGTERM');
      const deadline = Date.now() + 5_000;
      while (!exited && Date.now() < deadline)
        await new Promise(r => setTimeout(r, 200));
      signal('SIGKILL');
    },
  };
}

/** Steps 1–3: packs our packages, creates the app, adds the packages to it and installs. */
async function installApp({
  work,
  env,
  release,
  createAppVersion,
  tarballs,
  app,
}) {
  mkdirSync(tarballs);
  const packages = publishablePackages();
  const packed = await step(
    `build and pack ${packages.length} packages`,
    () => {
      // Package builds read the declarations `yarn tsc` writes to dist-types (the test command has just run it).
      if (!process.env.MP_ADOPTER_TSC_DONE) yarn(['tsc'], { cwd: ROOT, env });
      const out = {};
      for (const { dir, pkg } of packages) {
        yarn(['backstage-cli', 'package', 'build'], { cwd: dir, env });
        const file = join(
          tarballs,
          `${pkg.name.replace('@', '').replace('/', '-')}-${pkg.version}.tgz`,
        );
        yarn(['pack', '--out', file], { cwd: dir, env, capture: true });
        const files = run('tar', ['-tzf', file], { capture: true })
          .split('\n')
          .filter(Boolean);
        const manifest = JSON.parse(
          run('tar', ['-xzOf', file, 'package/package.json'], {
            capture: true,
          }),
        );
        checkTarballListing(pkg.name, files, manifest);
        out[pkg.name] = {
          file,
          role: pkg.backstage?.role,
          files: files.length,
        };
        console.log(`  ${pkg.name}: ${files.length} files, dist only`);
      }
      return out;
    },
  );

  await step(
    `create a Backstage ${release} app (@backstage/create-app@${createAppVersion})`,
    () => {
      run(
        'npx',
        [
          '-y',
          `@backstage/create-app@${createAppVersion}`,
          '--path',
          app,
          '--skip-install',
        ],
        {
          cwd: work,
          env,
          capture: true,
        },
      );
    },
  );

  await step(
    `hold plugin-signals-backend at Backstage ${release}'s version`,
    () => {
      // create-app writes `^<the release's version>` and the registry has moved on: plugin-signals-backend
      // releases after 1.55 call httpRouter.addWebSocketHandler, which 1.55's backend-defaults lacks, and a new
      // app does not start (with or without our plugins). The app keeps the version create-app names, as this
      // repository's own backend does; a resolution, not code.
      const backendPkg = JSON.parse(
        readFileSync(join(app, 'packages/backend/package.json'), 'utf8'),
      );
      const named =
        backendPkg.dependencies?.['@backstage/plugin-signals-backend'];
      if (!named) return;
      const rootPkgFile = join(app, 'package.json');
      const rootPkg = JSON.parse(readFileSync(rootPkgFile, 'utf8'));
      rootPkg.resolutions = {
        ...rootPkg.resolutions,
        '@backstage/plugin-signals-backend': named.replace(/^\^/, ''),
      };
      writeFileSync(rootPkgFile, `${JSON.stringify(rootPkg, null, 2)}\n`);
      console.log(
        `  @backstage/plugin-signals-backend: ${named.replace(/^\^/, '')}`,
      );
    },
  );

  await step('add our packages from their tarballs', () => {
    const rootPkgFile = join(app, 'package.json');
    const rootPkg = JSON.parse(readFileSync(rootPkgFile, 'utf8'));
    rootPkg.resolutions = {
      ...rootPkg.resolutions,
      ...Object.fromEntries(
        Object.entries(packed).map(([name, { file }]) => [
          name,
          `file:${file}`,
        ]),
      ),
    };
    writeFileSync(rootPkgFile, `${JSON.stringify(rootPkg, null, 2)}\n`);
    const addDeps = (pkgDir, roles) => {
      const f = join(app, pkgDir, 'package.json');
      const p = JSON.parse(readFileSync(f, 'utf8'));
      for (const [name, { file, role }] of Object.entries(packed)) {
        if (roles.includes(role)) p.dependencies[name] = `file:${file}`;
      }
      writeFileSync(f, `${JSON.stringify(p, null, 2)}\n`);
    };
    addDeps('packages/app', ['frontend-plugin']);
    addDeps('packages/backend', ['backend-plugin', 'backend-plugin-module']);
    // One line per backend package, nothing else in the app's code.
    const indexFile = join(app, 'packages/backend/src/index.ts');
    const backendPackages = Object.entries(packed)
      .filter(
        ([, { role }]) =>
          role === 'backend-plugin' || role === 'backend-plugin-module',
      )
      .map(([name]) => name);
    const lines = backendPackages.map(
      name => `backend.add(import('${name}'));`,
    );
    const index = readFileSync(indexFile, 'utf8');
    writeFileSync(
      indexFile,
      index.replace(
        'backend.start();',
        `${lines.join('\n')}\n\nbackend.start();`,
      ),
    );
    console.log(
      `  backend/src/index.ts: +${lines.length} lines (${backendPackages.join(
        ', ',
      )})`,
    );
  });

  await step('yarn install in the new app', () => {
    // The new app has no lockfile entries for our tarballs yet: this install writes them. Yarn makes installs
    // immutable when CI is set (as the test command sets it), so say that this one may change the lockfile.
    yarn(['install', '--no-immutable'], { cwd: app, env, capture: true });
  });
}

async function main() {
  mkdirSync(ARTIFACTS, { recursive: true });
  const work = reuse ?? mkdtempSync(join(tmpdir(), 'mp-adopter-'));
  console.log(`adopter test in ${work}${reuse ? ' (reused)' : ''}`);
  const tarballs = join(work, 'tarballs');
  const app = join(work, 'app');
  const release = JSON.parse(
    readFileSync(join(ROOT, 'backstage.json'), 'utf8'),
  ).version;
  const createAppVersion = CREATE_APP_FOR_RELEASE[release];
  if (!createAppVersion) {
    throw new Error(
      `no @backstage/create-app version known for Backstage ${release}: add it to CREATE_APP_FOR_RELEASE`,
    );
  }
  // `yarn` for create-app's prerequisite check and its scripts: this repository's committed release.
  const bin = join(work, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, 'yarn'),
    `#!/bin/sh\nexec "${process.execPath}" "${yarnRelease}" "$@"\n`,
  );
  chmodSync(join(bin, 'yarn'), 0o755);
  const env = {
    ...process.env,
    PATH: `${bin}:${process.env.PATH}`,
    BACKSTAGE_APP_NAME: 'adopter-portal',
    YARN_NPM_REGISTRY_SERVER:
      process.env.YARN_NPM_REGISTRY_SERVER || npmRegistry(),
    YARN_ENABLE_TELEMETRY: '0',
    BACKSTAGE_CLI_TELEMETRY: '0',
  };

  if (!reuse)
    await installApp({ work, env, release, createAppVersion, tarballs, app });

  const kubeconfig = join(work, 'kubeconfig');
  const cluster = await step(
    'start the cluster (kube-emulator command line)',
    async () => {
      const proc = startLogged(
        process.execPath,
        [
          join(ROOT, 'packages/kube-emulator/bin/kube-emulator'),
          '--port',
          String(CLUSTER_PORT),
          '--seed',
          join(ROOT, 'examples/cluster'),
          '--kubeconfig',
          kubeconfig,
        ],
        { cwd: ROOT, env },
        join(ARTIFACTS, 'cluster.log'),
      );
      await waitFor(`http://127.0.0.1:${CLUSTER_PORT}/version`, {
        timeoutMs: 60_000,
        alive: proc.alive,
      });
      return proc;
    },
  );

  // Configuration (not code): where the app listens, the cluster's kubeconfig, the gateway's public URL.
  writeFileSync(
    join(app, 'app-config.local.yaml'),
    `app:
  baseUrl: ${APP_URL}
backend:
  baseUrl: ${BACKEND_URL}
  listen:
    port: ${BACKEND_PORT}
  cors:
    origin: ${APP_URL}
techdocs:
  generator:
    runIn: local
catalog:
  rules:
    - allow: [Component, System, API, Resource, Location, Template, User, Group]
  providers:
    modelPublishing:
      cluster:
        cluster: prod
        kubeconfigPath: ${kubeconfig}
        schedule: { frequency: { seconds: 10 }, timeout: { minutes: 1 } }
modelPublishing:
  clusters:
    - name: prod
      kubeconfig: ${kubeconfig}
  gateway:
    publicBaseUrl: https://models.adopter.example
    llmHostnameTemplate: '{name}.llm.adopter.example'
`,
  );

  const portal = await step('start the app (yarn start)', async () => {
    const proc = startLogged(
      process.execPath,
      [yarnRelease, 'start'],
      { cwd: app, env: { ...env, BROWSER: 'none' } },
      join(ARTIFACTS, 'app.log'),
    );
    await waitFor(`${BACKEND_URL}/.backstage/health/v1/readiness`, {
      timeoutMs: 600_000,
      alive: proc.alive,
    });
    await waitFor(APP_URL, { timeoutMs: 600_000, alive: proc.alive });
    return proc;
  });

  let browser;
  try {
    await step(
      'in Chromium: catalog → Publish tab → publish → create a key',
      async () => {
        browser = await launchBrowser();
        const page = await browser.newPage({
          viewport: { width: 1440, height: 900 },
        });
        page.setDefaultTimeout(120_000);
        // The way to the model is the adopter's: the app's Catalog link (the new app mounts the catalog at
        // `/`), the list, the entity, its Publish tab. The guest owns nothing, so the list opens on "All".
        await page.goto(APP_URL, { timeout: 300_000 });
        await page
          .getByRole('button', { name: /enter/i })
          .click({ timeout: 300_000 });
        await page
          .getByRole('link', { name: 'Catalog', exact: true })
          .first()
          .click({ timeout: 300_000 });
        // The catalog lists the InferenceService once the entity provider has run (every 10 s here).
        const model = page.getByRole('link', { name: 'fraud-sklearn' }).first();
        // The first provider run, then catalog processing: minutes on a loaded machine. A reload restarts the
        // whole app in the page (tens of megabytes of development bundle), so the list gets a minute to show
        // the model before the next one.
        const deadline = Date.now() + 600_000;
        while (
          !(await model.waitFor({ timeout: 60_000 }).then(
            () => true,
            () => false,
          ))
        ) {
          if (Date.now() > deadline)
            throw new Error('fraud-sklearn did not appear in the catalog');
          await page.reload({ timeout: 300_000 });
        }
        await page.screenshot({ path: join(ARTIFACTS, '01-catalog.png') });
        await model.click();
        await page
          .getByRole('tab', { name: 'Publish', exact: true })
          .or(page.getByRole('link', { name: 'Publish', exact: true }))
          .first()
          .click();
        await page.getByText('Publish this model').waitFor();
        await page.screenshot({ path: join(ARTIFACTS, '02-publish-tab.png') });
        await page.getByLabel('First API key name').fill('adopter-key');
        await page
          .getByRole('button', { name: 'Publish', exact: true })
          .click();
        const dialog = page.getByRole('dialog', {
          name: 'Your new API key: adopter-key',
        });
        await dialog.waitFor({ timeout: 120_000 });
        const key = await dialog
          .getByRole('textbox', { name: 'API key' })
          .inputValue();
        if (!/^mpk_[0-9A-Za-z]{38}$/.test(key))
          throw new Error('the new key is not an mpk_ key');
        await dialog
          .getByRole('button', { name: 'I have copied the key' })
          .click();
        await page
          .getByText('Published', { exact: true })
          .first()
          .waitFor({ timeout: 120_000 });
        await page.screenshot({ path: join(ARTIFACTS, '03-published.png') });
        // The cluster has the route, and the key is in the Secret Envoy reads.
        const base = `http://127.0.0.1:${CLUSTER_PORT}`;
        const route = await fetch(
          `${base}/apis/gateway.networking.k8s.io/v1/namespaces/fraud-detection/httproutes/fraud-sklearn-mp`,
        );
        if (route.status !== 200)
          throw new Error(`HTTPRoute fraud-sklearn-mp: HTTP ${route.status}`);
        const secret = await (
          await fetch(
            `${base}/api/v1/namespaces/fraud-detection/secrets/fraud-sklearn-mp-keys`,
          )
        ).json();
        const keys = Object.values(secret.data ?? {}).map(v =>
          Buffer.from(v, 'base64').toString('utf8'),
        );
        if (!keys.includes(key))
          throw new Error('the key is not in the Secret fraud-sklearn-mp-keys');
      },
    );
  } catch (e) {
    // What the page showed when it failed: the first thing to look at.
    const pages = browser?.contexts().flatMap(c => c.pages()) ?? [];
    await pages[0]
      ?.screenshot({ path: join(ARTIFACTS, 'failure.png') })
      .catch(() => {});
    throw e;
  } finally {
    await browser?.close();
    await portal.stop();
    await cluster.stop();
  }

  console.log('\nadopter test timings:');
  for (const [name, s] of timings)
    console.log(`  ${s.toFixed(1).padStart(7)} s  ${name}`);
  console.log(
    `  ${timings
      .reduce((a, [, s]) => a + s, 0)
      .toFixed(1)
      .padStart(7)} s  total`,
  );
  if (!keep && !reuse) rmSync(work, { recursive: true, force: true });
}

main().catch(e => {
  console.error(`\nadopter test FAILED: ${e.stack ?? e}`);
  console.error(`logs: ${ARTIFACTS}`);
  process.exit(1);
});
