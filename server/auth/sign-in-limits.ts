// How many sign-in attempts an account and a client address get per window. Counted in
// PostgreSQL (rate-limiter-flexible's Postgres store, table "SignInLimit"), so the limit holds
// however many web processes share the database. An attempt is counted before its password is
// checked: a refused attempt costs one small query and no bcrypt, and a flood of concurrent
// attempts cannot slip past the count. A successful sign-in gives its points back, so only
// failures add up.
import crypto from "node:crypto";
import pg from "pg";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { config } from "../config/config";

export type SignInLimitSettings = {
  /** Attempts per account (email) per window, from any address. */
  perAccount: number;
  /** Attempts per client address per window, on any accounts. */
  perAddress: number;
  windowSeconds: number;
};

export function signInLimitSettings(env: Record<string, string | undefined> = process.env): SignInLimitSettings {
  const c = config(env);
  return { perAccount: c.SIGNIN_MAX_ATTEMPTS_PER_ACCOUNT, perAddress: c.SIGNIN_MAX_ATTEMPTS_PER_ADDRESS, windowSeconds: c.SIGNIN_WINDOW_SECONDS };
}

// A small pool of its own (the Prisma client's pool is not reachable as a pg.Pool), one per
// database URL: each test file has its own database.
const globalForLimits = globalThis as unknown as { signInLimitPools?: Map<string, pg.Pool> };

function pool(connectionString: string): pg.Pool {
  const pools = (globalForLimits.signInLimitPools ??= new Map());
  let found = pools.get(connectionString);
  if (!found) {
    found = new pg.Pool({ connectionString, max: 2, idleTimeoutMillis: 10_000, allowExitOnIdle: true });
    // An idle connection closed by the server (a restart, a dropped test database) must not
    // crash the process; the next query opens a new one.
    found.on("error", () => {});
    pools.set(connectionString, found);
  }
  return found;
}

const limiters = new Map<string, { account: RateLimiterPostgres; address: RateLimiterPostgres }>();

function limitersFor(settings: SignInLimitSettings, connectionString: string) {
  const key = JSON.stringify([connectionString, settings]);
  let found = limiters.get(key);
  if (!found) {
    const common = { storeClient: pool(connectionString), storeType: "pool", tableName: "SignInLimit", tableCreated: true, duration: settings.windowSeconds };
    found = {
      account: new RateLimiterPostgres({ ...common, keyPrefix: "account", points: settings.perAccount }),
      address: new RateLimiterPostgres({ ...common, keyPrefix: "address", points: settings.perAddress }),
    };
    limiters.set(key, found);
  }
  return found;
}

/** Emails are stored hashed: the table says how often, not who. */
const accountKey = (email: string) => crypto.createHash("sha256").update(email.trim().toLowerCase()).digest("hex").slice(0, 40);

export type SignInAttempt =
  | { allowed: true; /** The password was right: the attempt does not count against anyone. */ succeeded(): Promise<void> }
  | { allowed: false; retryAfterSeconds: number; message: string };

export function tooManyAttemptsMessage(retryAfterSeconds: number) {
  const wait =
    retryAfterSeconds < 60
      ? `${retryAfterSeconds} second${retryAfterSeconds === 1 ? "" : "s"}`
      : `${Math.ceil(retryAfterSeconds / 60)} minute${Math.ceil(retryAfterSeconds / 60) === 1 ? "" : "s"}`;
  return `Too many sign-in attempts. Try again in ${wait}.`;
}

/**
 * Counts one attempt for the account and the client address (when known), or says how long to
 * wait. Call it before any password hash is computed.
 */
export async function takeSignInAttempt(
  email: string,
  clientAddress: string | null,
  settings: SignInLimitSettings = signInLimitSettings(),
  connectionString: string = config().DATABASE_URL!,
): Promise<SignInAttempt> {
  const { account, address } = limitersFor(settings, connectionString);
  const accountId = accountKey(email);
  const outcomes = await Promise.allSettled([account.consume(accountId), clientAddress ? address.consume(clientAddress) : Promise.resolve(null)]);
  const refused = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason as unknown] : []));
  // A store failure is not a refusal: it is an error, and the sign-in fails with it.
  const failure = refused.find((reason) => !(reason instanceof RateLimiterRes));
  if (failure) throw failure;
  if (refused.length) {
    const waitMs = Math.max(...(refused as RateLimiterRes[]).map((r) => r.msBeforeNext));
    const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
    return { allowed: false, retryAfterSeconds, message: tooManyAttemptsMessage(retryAfterSeconds) };
  }
  return {
    allowed: true,
    async succeeded() {
      await Promise.all([account.delete(accountId), clientAddress ? address.reward(clientAddress) : null]);
    },
  };
}

/**
 * The client's address as the nearest proxy saw it: the last X-Forwarded-For entry (Next.js
 * sets the header to the socket's address when a request arrives without one). Exposed without
 * a proxy, a client can name its own address here; the per-account limit holds regardless.
 */
export function clientAddress(headers: Headers | Record<string, string | string[] | undefined>): string | null {
  const read = (name: string) => {
    if (headers instanceof Headers) return headers.get(name);
    const value = headers[name];
    return Array.isArray(value) ? value.join(",") : (value ?? null);
  };
  const forwarded = read("x-forwarded-for")?.split(",").map((s) => s.trim()).filter(Boolean);
  const address = forwarded?.at(-1) ?? read("x-real-ip")?.trim();
  return address ? address.slice(0, 100) : null;
}
