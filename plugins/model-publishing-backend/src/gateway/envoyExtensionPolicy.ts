import { routePolicy } from './names';
import type { EnvoyExtensionPolicy } from '../kubernetes/objects';
import type { BuildInput } from './types';

/**
 * The Lua filter that sets the route's response headers. One script for every publication; the values
 * come from the policy's filter context (Envoy Gateway ≥ 1.9, `lua[].filterContext`, read with
 * `response_handle:filterContext():get(name)` as envoyproxy/gateway test/e2e/testdata/lua-http.yaml does).
 */
export const RESPONSE_HEADERS_LUA = `-- model-publishing: headers every response of this route carries (a deprecation's
-- Deprecation, Sunset and Link). The names and values are in the filter context.
function envoy_on_response(response_handle)
  local ctx = response_handle:filterContext()
  if ctx == nil then
    return
  end
  local headers = response_handle:headers()
  for i = 1, 16 do
    local name = ctx:get("name" .. i)
    if name == nil then
      break
    end
    headers:replace(name, ctx:get("value" .. i))
  end
end
`;

/**
 * Response headers for an LLM publication's route. AI Gateway rewrites the rules of the HTTPRoute it
 * generates for an AIGatewayRoute on every reconcile (so a ResponseHeaderModifier there would not
 * last), and the AIGatewayRoute itself has no filters; an EnvoyExtensionPolicy with a Lua filter that
 * targets the generated HTTPRoute (same name, as our SecurityPolicy does) is Envoy Gateway's way to add
 * them. Needs `extensionApis.enableLua: true` in the Envoy Gateway configuration (off by default).
 */
export function buildEnvoyExtensionPolicy(
  input: BuildInput,
): EnvoyExtensionPolicy | undefined {
  const headers = input.responseHeaders?.slice(0, 16) ?? [];
  if (!headers.length) return undefined;
  const filterContext: Record<string, string> = {};
  headers.forEach((h, i) => {
    filterContext[`name${i + 1}`] = h.name;
    filterContext[`value${i + 1}`] = h.value;
  });
  const { head, spec } = routePolicy(input, 'EnvoyExtensionPolicy');
  return {
    ...head,
    spec: {
      ...spec,
      lua: [{ type: 'Inline', inline: RESPONSE_HEADERS_LUA, filterContext }],
    },
  };
}
