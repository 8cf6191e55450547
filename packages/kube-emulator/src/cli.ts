import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exampleSeedDir } from './seed';
import { startEmulator } from './server';

const USAGE = `Usage: kube-emulator [options]

A local Kubernetes API server for development and tests (no authentication: loopback only).

Options:
  --port <n>          port to listen on (default 6443; 0 picks a free one)
  --host <addr>       interface (default 127.0.0.1)
  --seed <path>       YAML file or directory of objects to create at start (repeatable;
                      default: the repository's examples/cluster)
  --no-seed           start with only the default namespaces
  --crds <dir>        directory of CRD YAML (default: the CRDs shipped with the package)
  --persist <file>    keep the cluster in this JSON file across restarts
  --kubeconfig <file> where to write the kubeconfig (default: <tmpdir>/kube-emulator-<port>.kubeconfig)
  -h, --help          show this help
`;

export interface CliOptions {
  port: number;
  host: string;
  seed: string[];
  crds?: string;
  persist?: string;
  kubeconfig?: string;
}

/** Parses argv (without node and script); throws with a message on bad input. */
export function parseArgs(argv: string[]): CliOptions | 'help' {
  const o: CliOptions = { port: 6443, host: '127.0.0.1', seed: [] };
  let noSeed = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--port': {
        const p = Number(value());
        if (!Number.isInteger(p) || p < 0 || p > 65535) throw new Error('--port must be an integer between 0 and 65535');
        o.port = p;
        break;
      }
      case '--host':
        o.host = value();
        break;
      case '--seed':
        o.seed.push(value());
        break;
      case '--no-seed':
        noSeed = true;
        break;
      case '--crds':
        o.crds = value();
        break;
      case '--persist':
        o.persist = value();
        break;
      case '--kubeconfig':
        o.kubeconfig = value();
        break;
      case '-h':
      case '--help':
        return 'help';
      default:
        throw new Error(`unknown option ${argv[i]}`);
    }
  }
  if (noSeed) o.seed = [];
  else if (!o.seed.length && fs.existsSync(exampleSeedDir())) o.seed = [exampleSeedDir()];
  return o;
}

async function main() {
  let opts: CliOptions | 'help';
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`kube-emulator: ${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (opts === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const emu = await startEmulator({ port: opts.port, host: opts.host, seed: opts.seed.length ? opts.seed : undefined, crds: opts.crds, persistFile: opts.persist, maxRecordedRequests: 0 });
  const kubeconfigPath = path.resolve(opts.kubeconfig ?? path.join(os.tmpdir(), `kube-emulator-${emu.port}.kubeconfig`));
  fs.writeFileSync(kubeconfigPath, emu.kubeconfigYaml, { mode: 0o600 });
  process.stdout.write(`kube-emulator listening on ${emu.url}\n`);
  if (opts.seed.length) process.stdout.write(`seeded from ${opts.seed.join(', ')}\n`);
  if (opts.persist) process.stdout.write(`persisting to ${path.resolve(opts.persist)}\n`);
  process.stdout.write(`kubeconfig: ${kubeconfigPath}\n  export KUBECONFIG=${kubeconfigPath}\n`);
  const stop = async () => {
    await emu.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module || process.env.KUBE_EMULATOR_CLI === '1') {
  main().catch(e => {
    process.stderr.write(`kube-emulator: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
