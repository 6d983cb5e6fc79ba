// The one error the domain throws when it refuses something: what kind of refusal, the message
// the person reads, and the field it is about. Domain modules are called by tRPC procedures,
// route handlers, workers and CLIs alike, so they say *why* in domain terms; each transport maps
// the kind to its own vocabulary in one place (tRPC codes in server/trpc/trpc.ts, HTTP statuses
// by httpStatusOf below).

export type RefusalKind =
  /** The input is wrong: a value out of range, a rule broken. */
  | "invalid"
  /** What was named does not exist (or is not visible to the caller). */
  | "not-found"
  /** It clashes with the current state: already done, a duplicate, a closed batch. */
  | "conflict"
  /** The caller may not do this to this thing. */
  | "forbidden"
  /** Something else must happen first (a worker, a round, a setting). */
  | "precondition"
  /** Too many at once or too often; try again later. */
  | "rate-limited";

export class DomainError extends Error {
  readonly kind: RefusalKind;
  /** The input field the refusal is about, when there is one. */
  readonly field: string | undefined;

  constructor(kind: RefusalKind, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "DomainError";
    this.kind = kind;
    this.field = options.field;
  }
}

/** Shorthand: `throw refuse("not-found", "No such batch.")`. */
export function refuse(kind: RefusalKind, message: string, options?: { field?: string; cause?: unknown }): DomainError {
  return new DomainError(kind, message, options);
}

const HTTP_STATUS: Record<RefusalKind, number> = {
  invalid: 400,
  "not-found": 404,
  conflict: 409,
  forbidden: 403,
  precondition: 412,
  "rate-limited": 429,
};

export function httpStatusOf(error: DomainError): number {
  return HTTP_STATUS[error.kind];
}
