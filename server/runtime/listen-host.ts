// Where `npm start` listens. The demo accounts' passwords are in the README, so while any of
// them is still active with its published password the app listens on loopback only, unless
// the operator chose an interface with HOST.
import { config } from "../config/config";
export type ListenChoice = { host: string; notice: string | null };

const isLoopback = (host: string) => /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i.test(host);

export function listenHost(env: Record<string, string | undefined>, publishedDemoAccounts: { email: string }[]): ListenChoice {
  const emails = publishedDemoAccounts.map((a) => a.email).join(", ");
  const explicit = config(env).HOST;
  if (explicit) {
    const notice =
      publishedDemoAccounts.length && !isLoopback(explicit)
        ? `Warning: listening on ${explicit} (HOST) while the demo accounts ${emails} still have the passwords published in the README: anyone who can reach this address can sign in as them. Deactivate them in Admin → Users.`
        : null;
    return { host: explicit, notice };
  }
  if (publishedDemoAccounts.length) {
    return {
      host: "127.0.0.1",
      notice:
        `Listening on 127.0.0.1 only: the demo accounts ${emails} still have the passwords published in the README. ` +
        "Create your own admin, deactivate the demo accounts in Admin → Users and restart to listen on every interface, or set HOST (e.g. HOST=0.0.0.0) to choose the interface yourself.",
    };
  }
  return { host: "0.0.0.0", notice: null };
}
