/** fengari (a Lua 5.3 VM in JavaScript) ships no type declarations; policy/lua.ts is its only user. */
declare module 'fengari';
