import { redirect } from "next/navigation";
import { currentUser } from "~/server/auth/current-user";
import { roleHome } from "~/server/auth/roles";

export const dynamic = "force-dynamic";

export default async function Home() {
  const user = await currentUser();
  redirect(user ? roleHome[user.role] : "/signin");
}
