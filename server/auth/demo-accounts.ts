// The demo workspace's accounts, whose passwords are published in the README. While any of them
// is active with its published password, anyone who can reach the app can sign in as its admin:
// `npm start` then listens on loopback only (unless HOST is set) and admins see a banner.
import type { DbOrTx } from "../db/types";
import { verifyPassword } from "./password";

export const DEMO_ACCOUNTS = [
  { email: "admin@demo.local", name: "Ada Admin", role: "ADMIN", password: "demo-admin-pass" },
  { email: "researcher@demo.local", name: "Rosa Researcher", role: "RESEARCHER", password: "demo-researcher-pass" },
  { email: "annotator1@demo.local", name: "Ana Annotator", role: "ANNOTATOR", password: "demo-annotator-pass" },
  { email: "annotator2@demo.local", name: "Ben Annotator", role: "ANNOTATOR", password: "demo-annotator-pass" },
  { email: "annotator3@demo.local", name: "Chen Annotator", role: "ANNOTATOR", password: "demo-annotator-pass" },
] as const;

// A hash never changes in place: a changed password is a new hash. So each hash is checked
// against its published password once per process, and pages pay one indexed query after that.
const checked = new Map<string, boolean>();

/** The demo accounts that are active and still have their published password. */
export async function demoAccountsWithPublishedPassword(db: DbOrTx): Promise<{ email: string; role: string }[]> {
  const users = await db.user.findMany({
    where: { email: { in: DEMO_ACCOUNTS.map((a) => a.email) }, deactivatedAt: null, passwordHash: { not: null } },
    select: { email: true, role: true, passwordHash: true },
    orderBy: { email: "asc" },
  });
  const published: { email: string; role: string }[] = [];
  for (const user of users) {
    const account = DEMO_ACCOUNTS.find((a) => a.email === user.email)!;
    const key = `${user.email}\n${user.passwordHash}`;
    let same = checked.get(key);
    if (same === undefined) {
      same = await verifyPassword(account.password, user.passwordHash!);
      checked.set(key, same);
    }
    if (same) published.push({ email: user.email, role: user.role });
  }
  return published;
}
