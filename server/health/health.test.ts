// /api/health tells anyone whether the platform is up, and only admins anything more.
import { describe, expect, it } from "vitest";
import { GET } from "../../app/api/health/route";
import { createApiToken } from "../api-tokens/api-tokens";
import { prisma } from "../db/prisma";
import type { DbOrTx } from "../db/types";
import { makeUser } from "../testing/fixtures";
import { healthFor } from "./health";

const get = (headers: Record<string, string> = {}) => GET(new Request("http://localhost/api/health", { headers }));

describe("health endpoint", () => {
  it("answers up or down and nothing else to the public, and the details to admins", async () => {
    await prisma.workerProcess.create({ data: { id: "gpu-7:4242:abc", hostname: "gpu-7.internal", pid: 4242 } });

    const anonymous = await get();
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ status: "ok" });

    const researcher = await makeUser("RESEARCHER");
    const { token: researcherToken } = await createApiToken(prisma, researcher.id, { name: "script" });
    expect(await (await get({ authorization: `Bearer ${researcherToken}` })).json()).toEqual({ status: "ok" });
    // A bad token is just the public answer.
    expect(await (await get({ authorization: "Bearer pp_nonsense" })).json()).toEqual({ status: "ok" });

    const admin = await makeUser("ADMIN");
    const { token } = await createApiToken(prisma, admin.id, { name: "monitoring" });
    const details = await get({ authorization: `Bearer ${token}` });
    expect(details.status).toBe(200);
    expect(await details.json()).toMatchObject({
      status: "ok",
      database: { ok: true, migrations: expect.any(Number) },
      workers: [{ id: "gpu-7:4242:abc", hostname: "gpu-7.internal", pid: 4242 }],
    });
  });

  it("does not show the database's error to the public when it is down", async () => {
    const broken = { $queryRaw: () => Promise.reject(new Error('password authentication failed for user "postgres" at 10.0.0.5:5432')) } as unknown as DbOrTx;
    expect(await healthFor(broken, null)).toEqual({ status: 503, body: { status: "degraded" } });
    const admin = await makeUser("ADMIN");
    expect(await healthFor(broken, admin)).toMatchObject({ status: 503, body: { status: "degraded", database: { ok: false, error: expect.stringContaining("password authentication failed") } } });
  });
});
