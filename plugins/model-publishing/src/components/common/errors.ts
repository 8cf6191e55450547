/**
 * The message to show for a failed call. For backend errors (ResponseError) that is the server's own
 * message — e.g. the 400 text naming the bad field — not the generic "Request failed with 400".
 */
export function errorMessage(error: unknown): string {
  if (error && typeof error === 'object') {
    const body = (error as { body?: { error?: { message?: unknown } } }).body;
    const serverMessage = body?.error?.message;
    if (typeof serverMessage === 'string' && serverMessage)
      return serverMessage;
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string' && message) return message;
  }
  return String(error);
}

/** HTTP status of a ResponseError, if it is one. */
export function errorStatus(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}
