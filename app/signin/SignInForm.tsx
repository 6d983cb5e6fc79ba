"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { signIn } from "next-auth/react";
import { useSearchParams } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { safeCallbackPath } from "~/server/auth/callback-url";
import { credentialsSchema } from "~/server/auth/credentials.schema";
import { OAUTH_REFUSALS } from "~/server/auth/oauth-refusals";
import { ErrorAlert, FieldError } from "../_components/ErrorAlert";

type Fields = { email: string; password: string };

/** next-auth reports OAuth refusals through ?error=… on this page. */
const oauthErrors: Record<string, string> = {
  ...OAUTH_REFUSALS,
  OAuthSignin: "The sign-in provider could not be reached.",
};

/** The credentials callback's own refusal messages; anything else reads as a wrong password. */
const TOO_MANY_ATTEMPTS = /^Too many sign-in attempts\. Try again in \d+ (seconds?|minutes?)\.$/;

export function SignInForm({ oauthProviders }: { oauthProviders: { id: string; name: string }[] }) {
  const params = useSearchParams();
  const callbackUrl = params.get("callbackUrl");
  const urlError = params.get("error");
  const [error, setError] = useState<string | null>(urlError ? (oauthErrors[urlError] ?? "Sign-in failed.") : null);
  const form = useForm<Fields>({ resolver: zodResolver(credentialsSchema) });

  const onSubmit = form.handleSubmit(async (values) => {
    setError(null);
    const result = await signIn("credentials", { ...values, redirect: false });
    if (!result || result.error) {
      setError(result?.error && TOO_MANY_ATTEMPTS.test(result.error) ? result.error : "Wrong email or password, or the account is deactivated.");
      return;
    }
    // A full navigation so the server renders the next page with the new session; only to a
    // page of this site, whatever the link said.
    window.location.assign(safeCallbackPath(callbackUrl, window.location.origin));
  });

  return (
    <>
      <form onSubmit={onSubmit} className="stack" noValidate>
        <label>
          Email
          <input type="email" autoComplete="username" autoFocus {...form.register("email")} />
          <FieldError name="email" message={form.formState.errors.email?.message} />
        </label>
        <label>
          Password
          <input type="password" autoComplete="current-password" {...form.register("password")} />
          {form.formState.errors.password && (
            <span className="field-error">{form.formState.errors.password.message}</span>
          )}
        </label>
        <ErrorAlert error={error} />
        <button type="submit" className="primary" disabled={form.formState.isSubmitting}>
          {form.formState.isSubmitting ? "Signing in…" : "Sign in"}
        </button>
      </form>
      {oauthProviders.length > 0 && (
        <div className="stack oauth">
          <p className="muted">or</p>
          {oauthProviders.map((p) => (
            <button key={p.id} type="button" onClick={() => signIn(p.id, { callbackUrl: safeCallbackPath(callbackUrl, window.location.origin) })}>
              Continue with {p.name}
            </button>
          ))}
        </div>
      )}
    </>
  );
}
