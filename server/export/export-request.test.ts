import { describe, expect, it } from "vitest";
import { userForApiToken } from "../api-tokens/api-tokens";
import { prisma } from "../db/prisma";
import { callerFor, makeUser } from "../testing/fixtures";
import { parseExportRequest } from "./export-request";

const url = (query: string) => new URL(`http://localhost/api/export?${query}`);
const bearer = (token: string) => new Headers({ authorization: `Bearer ${token}` });

describe("export requests", () => {
  it("accept a researcher's API token until it is revoked or the user deactivated", async () => {
    const researcher = await makeUser("RESEARCHER");
    const caller = callerFor(researcher);
    const { token, id } = await caller.apiTokens.create({ name: "cluster" });
    expect(token).toMatch(/^pp_[A-Za-z0-9_-]{43}$/);
    const row = await prisma.apiToken.findUniqueOrThrow({ where: { id } });
    expect(row.tokenHash).not.toContain(token);

    const ok = await parseExportRequest(prisma, url("format=trl&margin=small&aggregate=majority&testFraction=0.05"), bearer(token));
    expect(ok).toMatchObject({ ok: true, user: { id: researcher.id }, as: "zip", options: { format: "trl", margin: "small", testFraction: 0.05 } });
    expect((await prisma.apiToken.findUniqueOrThrow({ where: { id } })).lastUsedAt).toBeInstanceOf(Date);
    expect((await caller.apiTokens.list()).map((t) => t.name)).toEqual(["cluster"]);

    await caller.apiTokens.revoke({ tokenId: id });
    expect(await parseExportRequest(prisma, url("format=trl"), bearer(token))).toMatchObject({ ok: false, status: 401 });
    await expect(callerFor(await makeUser("RESEARCHER")).apiTokens.revoke({ tokenId: id })).rejects.toMatchObject({ code: "NOT_FOUND" });

    const second = await caller.apiTokens.create({ name: "laptop" });
    await prisma.user.update({ where: { id: researcher.id }, data: { deactivatedAt: new Date() } });
    expect(await userForApiToken(prisma, second.token)).toBeNull();
  });

  it("refuse annotators, strangers, and bad options with the field named", async () => {
    const annotator = await makeUser("ADMIN");
    await prisma.user.update({ where: { id: annotator.id }, data: { role: "ANNOTATOR" } });
    const { token } = await callerFor({ ...annotator, role: "ADMIN" }).apiTokens.create({ name: "x" });
    expect(await parseExportRequest(prisma, url("format=trl"), bearer(token))).toEqual({
      ok: false,
      status: 403,
      error: "Exports need the RESEARCHER or ADMIN role; you are ANNOTATOR.",
    });
    expect(await parseExportRequest(prisma, url("format=trl"), bearer("pp_forged"))).toMatchObject({ ok: false, status: 401 });
    expect(await parseExportRequest(prisma, url("format=trl"), new Headers())).toMatchObject({ ok: false, status: 401 });

    const researcher = await callerFor(await makeUser("RESEARCHER")).apiTokens.create({ name: "y" });
    const bad = await parseExportRequest(prisma, url("format=parquet&margin=huge"), bearer(researcher.token));
    expect(bad).toMatchObject({ ok: false, status: 400 });
    expect((bad as { error: string }).error).toMatch(/format: .*margin: /);
    expect(await parseExportRequest(prisma, url("format=trl&testFraction=0.1&as=jsonl"), bearer(researcher.token))).toMatchObject({
      ok: false,
      error: "as: a train/test split has two files; ask for a zip",
    });
  });
});
