import { lauxlib, lua, lualib, to_jsstring, to_luastring } from 'fengari';

/** Response headers as the gateway writes them: lower-case names, one string each. */
export type ResponseHeaders = Record<string, string>;

export interface LuaFilter {
  /** Runs the script's `envoy_on_response` on the headers (changed in place); an error message if it failed. */
  onResponse(headers: ResponseHeaders): string | undefined;
}

/**
 * An EnvoyExtensionPolicy `lua` entry, run by a real Lua VM (fengari, Lua 5.3; Envoy runs LuaJIT, 5.1 —
 * scripts that only call the stream handle API behave alike). The stream handle offers what header scripts
 * use: `headers()` with add / replace / get / remove, `filterContext()` with get (the entry's
 * `filterContext`), and the log functions. Only `envoy_on_response` runs, on upstream responses.
 * A script that fails to load is rejected, as Envoy Gateway's Lua validation rejects the policy.
 */
export function compileLua(
  source: string,
  filterContext?: Record<string, unknown>,
): LuaFilter | { error: string } {
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  if (
    lauxlib.luaL_loadstring(L, to_luastring(source)) !== lua.LUA_OK ||
    lua.lua_pcall(L, 0, 0, 0) !== lua.LUA_OK
  ) {
    return { error: `lua: ${lua.lua_tojsstring(L, -1)}` };
  }
  lua.lua_getglobal(L, to_luastring('envoy_on_response'));
  const hasOnResponse = lua.lua_type(L, -1) === lua.LUA_TFUNCTION;
  lua.lua_pop(L, 1);

  let current: ResponseHeaders = {};
  const arg = (i: number): string =>
    to_jsstring(lauxlib.luaL_checkstring(L, i));
  const table = (fns: Record<string, (L: unknown) => number>): number => {
    lua.lua_createtable(L, 0, Object.keys(fns).length);
    for (const [name, fn] of Object.entries(fns)) {
      lua.lua_pushjsfunction(L, fn);
      lua.lua_setfield(L, -2, to_luastring(name));
    }
    return lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
  };
  const pushRef = (ref: number) => {
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, ref);
    return 1;
  };
  const headersRef = table({
    add: () => {
      const name = arg(2).toLowerCase();
      const value = arg(3);
      current[name] =
        current[name] === undefined ? value : `${current[name]},${value}`;
      return 0;
    },
    replace: () => {
      current[arg(2).toLowerCase()] = arg(3);
      return 0;
    },
    get: () => {
      const value = current[arg(2).toLowerCase()];
      if (value === undefined) lua.lua_pushnil(L);
      else lua.lua_pushstring(L, to_luastring(value));
      return 1;
    },
    remove: () => {
      delete current[arg(2).toLowerCase()];
      return 0;
    },
  });
  const contextRef = table({
    get: () => {
      const value = filterContext?.[arg(2)];
      if (typeof value === 'string') lua.lua_pushstring(L, to_luastring(value));
      else if (typeof value === 'number') lua.lua_pushnumber(L, value);
      else if (typeof value === 'boolean') lua.lua_pushboolean(L, value);
      else lua.lua_pushnil(L);
      return 1;
    },
  });
  const noop = () => 0;
  const handleRef = table({
    headers: () => pushRef(headersRef),
    filterContext: () =>
      filterContext ? pushRef(contextRef) : (lua.lua_pushnil(L), 1),
    logTrace: noop,
    logDebug: noop,
    logInfo: noop,
    logWarn: noop,
    logErr: noop,
    logCritical: noop,
  });

  return {
    onResponse(headers) {
      if (!hasOnResponse) return undefined;
      current = headers;
      lua.lua_getglobal(L, to_luastring('envoy_on_response'));
      lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, handleRef);
      // Envoy logs a script error and lets the response through as it is.
      const status = lua.lua_pcall(L, 1, 0, 0);
      current = {};
      if (status === lua.LUA_OK) return undefined;
      const message = lua.lua_tojsstring(L, -1);
      lua.lua_pop(L, 1);
      return `lua: ${message}`;
    },
  };
}
