/** Reads the metav1.Status out of a @kubernetes/client-node ApiException. */
export function statusOf(e: any): { code: number; reason: string; message: string; details?: any } {
  if (e?.code === undefined) throw e;
  const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
  return { ...body, code: e.code };
}

/** Awaits a promise expected to fail with an API error and returns its Status. */
export async function failure(p: Promise<unknown>): Promise<{ code: number; reason: string; message: string; details?: any }> {
  try {
    await p;
  } catch (e) {
    return statusOf(e);
  }
  throw new Error('expected the request to fail');
}

export async function eventually<T>(fn: () => Promise<T> | T, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await fn();
    } catch (e) {
      last = e;
      await new Promise(r => setTimeout(r, 20));
    }
  }
  throw last;
}
