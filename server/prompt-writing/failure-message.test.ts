// A failed writing job tells its annotator that it failed, not what the policy server answered:
// the upstream's words (and its URL) are for admins.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import { stopJobProducer } from "../jobs/job-queue";
import { callerFor, makeUser } from "../testing/fixtures";
import { WRITING_FAILED_MESSAGE } from "./prompt-writing";

const upstream = 'Policy server http://10.0.0.7:8000 answered 401 Unauthorized to POST /v1/chat/completions: {"error":"invalid key sk-live-4f2a… for org lab-internal"}';

beforeAll(async () => {
  await prisma.policyVariant.create({ data: { name: "failing", backend: "OPENAI_COMPATIBLE", baseUrl: "http://10.0.0.7:8000/v1", defaults: { temperature: 0.8, topP: 0.9, maxTokens: 32 } } });
});
afterAll(() => stopJobProducer());

async function failedJobOf(role: "ANNOTATOR" | "ADMIN") {
  const user = await makeUser(role);
  const caller = callerFor(user);
  const { jobId } = await caller.promptWriting.write({ protocol: "HELPFULNESS", message: `Will this fail for ${role}?` });
  await prisma.job.update({ where: { id: jobId }, data: { status: "FAILED", error: upstream, finishedAt: new Date() } });
  return caller.promptWriting.job({ jobId });
}

describe("a failed prompt-writing job", () => {
  it("shows the annotator a plain message and the admin the details", async () => {
    expect((await failedJobOf("ANNOTATOR")).error).toBe(WRITING_FAILED_MESSAGE);
    expect((await failedJobOf("ADMIN")).error).toBe(upstream);
  });
});
