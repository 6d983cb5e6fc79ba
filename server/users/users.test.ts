import { describe, expect, it } from "vitest";
import { authenticate } from "../auth/credentials";
import { prisma } from "../db/prisma";
import { callerFor, makeUser, TEST_PASSWORD } from "../testing/fixtures";

describe("user administration", () => {
  it("creates a user who can then sign in with the password, stored only as a hash", async () => {
    const admin = await makeUser("ADMIN");
    const created = await callerFor(admin).users.create({
      email: "  New.Person@Example.org ",
      name: "New Person",
      role: "RESEARCHER",
      password: "a long enough password",
    });
    expect(created.email).toBe("new.person@example.org");
    const row = await prisma.user.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.passwordHash).toMatch(/^\$2[aby]\$11\$/);
    expect(row.passwordHash).not.toContain("a long enough password");
    expect(await authenticate({ email: "new.person@example.org", password: "a long enough password" })).toMatchObject({
      id: created.id,
      role: "RESEARCHER",
    });
  });

  it("rejects bad input before writing anything", async () => {
    const admin = await makeUser("ADMIN");
    const before = await prisma.user.count();
    await expect(
      callerFor(admin).users.create({ email: "not-an-email", name: "", role: "ANNOTATOR", password: "short" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await prisma.user.count()).toBe(before);
  });

  it("refuses a second user with the same email", async () => {
    const admin = await makeUser("ADMIN");
    const existing = await makeUser("ANNOTATOR");
    await expect(
      callerFor(admin).users.create({ email: existing.email, name: "Twin", role: "ANNOTATOR", password: "long enough pw" }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: `A user with email ${existing.email} already exists.` });
  });

  it("changes roles and deactivates; a deactivated user cannot sign in", async () => {
    const admin = await makeUser("ADMIN");
    const user = await makeUser("ANNOTATOR");
    await callerFor(admin).users.changeRole({ userId: user.id, role: "RESEARCHER" });
    expect((await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).role).toBe("RESEARCHER");
    await callerFor(admin).users.setActive({ userId: user.id, active: false });
    expect(await authenticate({ email: user.email, password: TEST_PASSWORD })).toBeNull();
    await callerFor(admin).users.setActive({ userId: user.id, active: true });
    expect(await authenticate({ email: user.email, password: TEST_PASSWORD })).not.toBeNull();
  });

  it("never leaves the workspace without an active admin", async () => {
    await prisma.user.updateMany({ where: { role: "ADMIN" }, data: { role: "RESEARCHER" } });
    const only = await makeUser("ADMIN");
    await expect(callerFor(only).users.changeRole({ userId: only.id, role: "ANNOTATOR" })).rejects.toThrow(
      "Cannot demote the last active admin.",
    );
    await expect(callerFor(only).users.setActive({ userId: only.id, active: false })).rejects.toThrow(
      "Cannot deactivate the last active admin.",
    );
    const second = await makeUser("ADMIN");
    await callerFor(second).users.changeRole({ userId: only.id, role: "ANNOTATOR" });
    expect((await prisma.user.findUniqueOrThrow({ where: { id: only.id } })).role).toBe("ANNOTATOR");
  });

  it("reports an unknown user id clearly", async () => {
    const admin = await makeUser("ADMIN");
    await expect(callerFor(admin).users.setActive({ userId: "nope", active: false })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "No user with id nope.",
    });
  });
});

describe("sign-in check", () => {
  it("accepts the right password and rejects a wrong one or an unknown email alike", async () => {
    const user = await makeUser("ANNOTATOR");
    expect(await authenticate({ email: user.email.toUpperCase(), password: TEST_PASSWORD })).toMatchObject({ id: user.id });
    expect(await authenticate({ email: user.email, password: "wrong" })).toBeNull();
    expect(await authenticate({ email: "nobody@test.local", password: TEST_PASSWORD })).toBeNull();
    expect(await authenticate({ email: "", password: "" })).toBeNull();
  });
});
