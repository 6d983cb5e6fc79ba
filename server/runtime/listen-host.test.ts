// While demo accounts keep their published passwords, `npm start` listens on loopback only
// unless HOST says otherwise, and says why.
import { describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS, demoAccountsWithPublishedPassword } from "../auth/demo-accounts";
import { hashPassword } from "../auth/password";
import { prisma } from "../db/prisma";
import { setActive } from "../users/users";
import { listenHost } from "./listen-host";

describe("where npm start listens", () => {
  it("finds the demo accounts that still have their published password, and only those", async () => {
    expect(await demoAccountsWithPublishedPassword(prisma)).toEqual([]);
    const users = await Promise.all(
      DEMO_ACCOUNTS.slice(0, 3).map(async (a) => prisma.user.create({ data: { email: a.email, name: a.name, role: a.role, passwordHash: await hashPassword(a.password) } })),
    );
    expect((await demoAccountsWithPublishedPassword(prisma)).map((a) => a.email).sort()).toEqual(DEMO_ACCOUNTS.slice(0, 3).map((a) => a.email).sort());

    // One changed password, one deactivated account: only the third is left.
    await prisma.user.update({ where: { id: users[0]!.id }, data: { passwordHash: await hashPassword("a password of their own") } });
    await prisma.user.create({ data: { email: "my-admin@test.local", name: "Own admin", role: "ADMIN", passwordHash: await hashPassword("whatever it is") } });
    await setActive(prisma, { userId: users[1]!.id, active: false });
    expect(await demoAccountsWithPublishedPassword(prisma)).toEqual([{ email: users[2]!.email, role: users[2]!.role }]);
  });

  it("listens on loopback while demo accounts are open, unless HOST is set", () => {
    const open = [{ email: "admin@demo.local" }];
    const loopback = listenHost({}, open);
    expect(loopback.host).toBe("127.0.0.1");
    expect(loopback.notice).toMatch(/^Listening on 127\.0\.0\.1 only: the demo accounts admin@demo\.local still have the passwords published in the README\. .*HOST/);

    expect(listenHost({}, [])).toEqual({ host: "0.0.0.0", notice: null });
    expect(listenHost({ HOST: "0.0.0.0" }, open)).toMatchObject({ host: "0.0.0.0", notice: expect.stringMatching(/^Warning: listening on 0\.0\.0\.0 \(HOST\)/) });
    expect(listenHost({ HOST: "127.0.0.1" }, open)).toEqual({ host: "127.0.0.1", notice: null });
    expect(listenHost({ HOST: "10.1.2.3" }, [])).toEqual({ host: "10.1.2.3", notice: null });
  });
});
