// The frame around every signed-in page: navigation for the areas the user may enter.
import Link from "next/link";
import type { ReactNode } from "react";
import type { CurrentUser } from "~/server/auth/current-user";
import { type Area, mayEnter } from "~/server/auth/roles";
import { demoAccountsToWarnAbout, requireArea } from "~/server/auth/guard";
import { SignOutButton } from "./SignOutButton";

const areas: { area: Area; href: string; label: string }[] = [
  { area: "annotate", href: "/annotate", label: "Annotate" },
  { area: "research", href: "/research", label: "Research" },
  { area: "admin", href: "/admin", label: "Admin" },
];

/** Shown to admins while demo accounts keep the passwords the README publishes. */
function DemoAccountsBanner({ accounts }: { accounts: { email: string }[] }) {
  return (
    <section className="banner warning" aria-label="Security warning" data-testid="demo-accounts-banner">
      <strong>Demo accounts are open.</strong> {accounts.map((a) => a.email).join(", ")} still{" "}
      {accounts.length === 1 ? "has its" : "have their"} published demo password: anyone who can reach this app can sign in
      as {accounts.length === 1 ? "it" : "them"}. Create your own accounts, then deactivate the demo ones in{" "}
      <Link href="/admin/users">Admin → Users</Link>.
    </section>
  );
}

export function AppShell({ user, demoAccounts = [], children }: { user: CurrentUser; demoAccounts?: { email: string }[]; children: ReactNode }) {
  return (
    <>
      <header className="topbar">
        <Link href="/" className="brand">
          Preference Studio
        </Link>
        <nav aria-label="Areas">
          {areas
            .filter((a) => mayEnter(user.role, a.area))
            .map((a) => (
              <Link key={a.area} href={a.href}>
                {a.label}
              </Link>
            ))}
        </nav>
        <div className="whoami">
          <span data-testid="whoami">
            {user.name} · {user.role.toLowerCase()}
          </span>
          <SignOutButton />
        </div>
      </header>
      {demoAccounts.length > 0 && <DemoAccountsBanner accounts={demoAccounts} />}
      <main className="page">{children}</main>
    </>
  );
}

export function Forbidden({ area }: { area: Area }) {
  return (
    <section className="card forbidden" role="alert">
      <h1>Not allowed</h1>
      <p>Your role cannot open the {area} area. Ask an admin if you need access.</p>
      <Link href="/">Back to your home</Link>
    </section>
  );
}

/** The layout of an area: sign-in required, and the role must admit the area. */
export async function AreaLayout({ area, children }: { area: Area; children: ReactNode }) {
  const { user, allowed } = await requireArea(area);
  const demoAccounts = await demoAccountsToWarnAbout(user);
  return (
    <AppShell user={user} demoAccounts={demoAccounts}>
      {allowed ? children : <Forbidden area={area} />}
    </AppShell>
  );
}
