import type Ajv from 'ajv';
import addFormats from 'ajv-formats';
import net from 'node:net';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// Go's time.ParseDuration plus the day/week units kube-openapi's strfmt also accepts.
const GO_DURATION = /^[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)\s*(?:ns|us|µs|ms|s|m|h|d|w)\s*)+$|^0$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})?$/;
const MAC = /^(?:[0-9A-Fa-f]{2}[:-]){5,19}[0-9A-Fa-f]{2}$/;

/**
 * Registers the string formats Kubernetes checks for CRDs, with Kubernetes semantics where they differ
 * from JSON Schema's (e.g. `duration` is a Go duration like `30s`, not ISO 8601; `uri` is
 * Go's `url.ParseRequestURI`, which accepts absolute paths).
 */
export function addKubernetesFormats(ajv: Ajv): void {
  addFormats(ajv, ['email', 'hostname', 'ipv4', 'ipv6', 'uuid', 'date']);
  ajv.addFormat('byte', BASE64);
  ajv.addFormat('duration', GO_DURATION);
  ajv.addFormat('date-time', RFC3339);
  ajv.addFormat('mac', MAC);
  ajv.addFormat('cidr', {
    validate: (s: string) => {
      const m = /^(.+)\/(\d{1,3})$/.exec(s);
      if (!m) return false;
      const v = net.isIP(m[1]);
      if (v === 4) return Number(m[2]) <= 32;
      return v === 6 && Number(m[2]) <= 128;
    },
  });
  ajv.addFormat('uri', {
    validate: (s: string) => /^\//.test(s) ? !/\s/.test(s) : /^[A-Za-z][A-Za-z0-9+.-]*:\S*$/.test(s),
  });
}
