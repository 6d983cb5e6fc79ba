import type { Role } from "@prisma/client";

/** Where each role lands after signing in. */
export const roleHome: Record<Role, string> = {
  ANNOTATOR: "/annotate",
  RESEARCHER: "/research",
  ADMIN: "/admin",
};

/**
 * Which roles may use each area. An admin can do everything; a researcher reads the data;
 * an annotator labels. Used by both the tRPC procedure bases and the page guards.
 */
export const areaRoles = {
  annotate: ["ANNOTATOR", "ADMIN"],
  research: ["RESEARCHER", "ADMIN"],
  admin: ["ADMIN"],
} as const satisfies Record<string, readonly Role[]>;

export type Area = keyof typeof areaRoles;

export function mayEnter(role: Role, area: Area): boolean {
  return (areaRoles[area] as readonly Role[]).includes(role);
}

/** Why a role may not use an area (the message every transport sends), or null when it may. */
export function areaRefusal(role: Role, area: Area): string | null {
  return mayEnter(role, area) ? null : `This needs the ${(areaRoles[area] as readonly Role[]).join(" or ")} role; you are ${role}.`;
}
