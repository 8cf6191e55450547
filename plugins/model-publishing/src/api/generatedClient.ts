import { ResponseError } from '@backstage/errors';
import type { TypedResponse } from '@model-publishing/plugin-model-publishing-common';

/** The answer when it is 2xx; else a ResponseError carrying the server's error (name, message, status). */
export async function okResponse<T>(
  call: Promise<TypedResponse<T>>,
): Promise<TypedResponse<T>> {
  const response = await call;
  if (!response.ok) {
    throw await ResponseError.fromResponse(response as Response);
  }
  return response;
}

/** A 2xx answer's JSON body. */
export async function bodyOf<T>(call: Promise<TypedResponse<T>>): Promise<T> {
  return (await okResponse(call)).json();
}

/** The items of a 2xx list answer. */
export async function itemsOf<T>(
  call: Promise<TypedResponse<{ items: T[] }>>,
): Promise<T[]> {
  return (await bodyOf(call)).items;
}
