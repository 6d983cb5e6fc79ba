import { redirect } from "next/navigation";
import { Suspense } from "react";
import { currentUser } from "~/server/auth/current-user";
import { configuredOAuthProviders } from "~/server/auth/options";
import { roleHome } from "~/server/auth/roles";
import { SignInForm } from "./SignInForm";

export const dynamic = "force-dynamic";

export default async function SignInPage() {
  const user = await currentUser();
  if (user) redirect(roleHome[user.role]);
  return (
    <main className="signin">
      <section className="card">
        <h1>Preference Studio</h1>
        <p className="muted">Sign in to label, study or run the preference loop.</p>
        <Suspense>
          <SignInForm oauthProviders={configuredOAuthProviders()} />
        </Suspense>
      </section>
    </main>
  );
}
