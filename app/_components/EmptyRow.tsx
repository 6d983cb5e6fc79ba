// A table with no rows says so, in the table itself, instead of showing its headers alone.
import type { ReactNode } from "react";

export function EmptyRow({ colSpan, children }: { colSpan: number; children: ReactNode }) {
  return (
    <tr className="empty-row" data-testid="empty-row">
      <td colSpan={colSpan}>{children}</td>
    </tr>
  );
}
