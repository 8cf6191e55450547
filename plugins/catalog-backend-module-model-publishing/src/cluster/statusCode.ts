/** The HTTP status of a failed client-node call, wherever its version of the client puts it. */
export function statusCode(error: unknown): number | undefined {
  const e = error as {
    code?: unknown;
    statusCode?: unknown;
    response?: { statusCode?: unknown };
  };
  const code = e?.code ?? e?.statusCode ?? e?.response?.statusCode;
  return typeof code === 'number' ? code : undefined;
}
