// The HTTP side of a refused sign-in: next-auth turns an error thrown in `authorize` into a 401
// with the message, and has no way to set a header. The route handler runs next-auth inside
// answerSignIn; a refusal noted on the way (noteSignInRefused) turns the answer into a 429 with
// Retry-After, and the message stays what the sign-in form shows.
import { AsyncLocalStorage } from "node:async_hooks";

const refusals = new AsyncLocalStorage<{ retryAfterSeconds?: number }>();

/** Called where the attempt is refused for being one too many. */
export function noteSignInRefused(retryAfterSeconds: number) {
  const store = refusals.getStore();
  if (store) store.retryAfterSeconds = retryAfterSeconds;
}

export async function answerSignIn(run: () => Promise<Response>): Promise<Response> {
  const store: { retryAfterSeconds?: number } = {};
  const response = await refusals.run(store, run);
  if (store.retryAfterSeconds === undefined) return response;
  const headers = new Headers(response.headers);
  headers.set("retry-after", String(store.retryAfterSeconds));
  // A plain form post is answered with a redirect back to the sign-in page: it stays one.
  const redirect = response.status >= 300 && response.status < 400;
  return new Response(response.body, { status: redirect ? response.status : 429, statusText: redirect ? response.statusText : "Too Many Requests", headers });
}
