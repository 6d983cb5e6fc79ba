import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import { makeBatch } from "../testing/batches";
import { callerFor, makeUser } from "../testing/fixtures";
import { sessionCookieFor } from "../testing/session-cookie";
import { SUBMIT_PATH, submitResultSchema } from "./annotation.schema";
import { serveSubmit } from "./submit-endpoint";

// The endpoint on a real HTTP server, as the web server mounts it, against the test database.
let server: http.Server;
let base: string;
beforeAll(async () => {
  server = http.createServer((req, res) => void serveSubmit(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(async () => {
  await prisma.batch.updateMany({ where: { status: "OPEN" }, data: { status: "CLOSED" } });
});

async function leased() {
  await makeBatch({ pairs: 3 });
  const annotator = await makeUser("ANNOTATOR");
  const task = (await callerFor(annotator).annotate.current())!;
  return { annotator, task, cookie: await sessionCookieFor(annotator.id) };
}

function post(body: unknown, headers: Record<string, string>) {
  return fetch(`${base}${SUBMIT_PATH}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const judgement = (assignmentId: string) => ({ assignmentId, pick: "LEFT", strength: "BETTER", timeOnTaskMs: 4_000 });

describe(`POST ${SUBMIT_PATH}`, () => {
  it("saves the judgement of the signed-in annotator and answers with the next pair, dates as ISO text", async () => {
    const { annotator, task, cookie } = await leased();
    const response = await post({ ...judgement(task.assignmentId), comment: " too long " }, { cookie });
    expect(response.status).toBe(200);
    const result = submitResultSchema.parse(await response.json());
    expect(result.undoUntil.getTime()).toBeGreaterThan(Date.now());
    expect(result.next?.assignmentId).toBeTruthy();
    expect(result.next?.assignmentId).not.toBe(task.assignmentId);
    const saved = await prisma.comparison.findUniqueOrThrow({ where: { id: result.comparisonId } });
    expect(saved).toMatchObject({ annotatorId: annotator.id, strength: "BETTER", timeOnTaskMs: 4_000, comment: "too long" });
    const next = await prisma.assignment.findUniqueOrThrow({ where: { id: result.next!.assignmentId } });
    expect(next.annotatorId).toBe(annotator.id);
  });

  it("refuses without a session, to a role that does not annotate, and from another site, writing nothing", async () => {
    const { task, cookie } = await leased();
    const researcher = await makeUser("RESEARCHER");
    const before = await prisma.comparison.count();

    const anonymous = await post(judgement(task.assignmentId), {});
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: "Sign in first." });

    const wrongRole = await post(judgement(task.assignmentId), { cookie: await sessionCookieFor(researcher.id) });
    expect(wrongRole.status).toBe(403);
    expect((await wrongRole.json()).error).toBe("This needs the ANNOTATOR or ADMIN role; you are RESEARCHER.");

    const crossSite = await post(judgement(task.assignmentId), { cookie, "sec-fetch-site": "cross-site" });
    expect(crossSite.status).toBe(403);
    expect((await crossSite.json()).error).toContain("Cross-site request refused");

    expect(await prisma.comparison.count()).toBe(before);
  });

  it("names what is wrong with the body, writing nothing", async () => {
    const { task, cookie } = await leased();
    const before = await prisma.comparison.count();

    const badStrength = await post({ ...judgement(task.assignmentId), strength: "GREAT" }, { cookie });
    expect(badStrength.status).toBe(400);
    expect((await badStrength.json()).error).toMatch(/^Invalid input: strength: /);

    const notJson = await post("{pick: LEFT", { cookie });
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error).toBe("The body is not valid JSON.");

    const form = await fetch(`${base}${SUBMIT_PATH}`, { method: "POST", headers: { cookie, "content-type": "text/plain" }, body: "{}" });
    expect(form.status).toBe(415);

    const huge = await post({ ...judgement(task.assignmentId), comment: "x".repeat(100_000) }, { cookie });
    expect(huge.status).toBe(413);

    const get = await fetch(`${base}${SUBMIT_PATH}`, { headers: { cookie } });
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");

    expect(await prisma.comparison.count()).toBe(before);
  });

  it("answers a refusal of the domain with its status and message", async () => {
    const { task, cookie } = await leased();
    expect((await post(judgement(task.assignmentId), { cookie })).status).toBe(200);
    const again = await post(judgement(task.assignmentId), { cookie });
    expect(again.status).toBe(409);
    expect((await again.json()).error).toBe("You already labelled this pair.");

    const other = await leased();
    const notYours = await post(judgement(task.assignmentId), { cookie: other.cookie });
    expect(notYours.status).toBe(403);
    expect((await notYours.json()).error).toBe("This pair is not assigned to you.");
  });
});
