import { z } from "zod";

export const roleSchema = z.enum(["ANNOTATOR", "RESEARCHER", "ADMIN"]);

export const createUserInput = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid email address"),
  name: z.string().trim().min(1, "Enter a name").max(120),
  role: roleSchema,
  password: z.string().min(10, "Use at least 10 characters").max(200),
});
export type CreateUserInput = z.infer<typeof createUserInput>;

export const changeRoleInput = z.object({ userId: z.string().min(1), role: roleSchema });
export type ChangeRoleInput = z.infer<typeof changeRoleInput>;

export const setActiveInput = z.object({ userId: z.string().min(1), active: z.boolean() });
export type SetActiveInput = z.infer<typeof setActiveInput>;
