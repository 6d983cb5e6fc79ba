import type { ReactNode } from "react";
import { AreaLayout } from "../_components/AppShell";

export const dynamic = "force-dynamic";

export default function Layout({ children }: { children: ReactNode }) {
  return <AreaLayout area="admin">{children}</AreaLayout>;
}
