import { JobStatus, JobType } from "@prisma/client";
import { describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import { callerFor, makeUser } from "../testing/fixtures";
import { enqueueJob } from "./enqueue";
import { JOB_STATUSES, JOB_TYPES } from "./jobs.schema";
import { queueNameFor } from "./job-queue";

describe("jobs", () => {
  it("spells the statuses and types as the database does", () => {
    expect([...JOB_STATUSES]).toEqual(Object.values(JobStatus));
    expect([...JOB_TYPES]).toEqual(Object.values(JobType));
    expect(queueNameFor("PAIR_GENERATION")).toBe("job-pair-generation");
  });

  it("lists jobs newest first with counts, and shows one with its log to admins", async () => {
    const admin = await makeUser("ADMIN");
    const first = await enqueueJob(prisma, { type: "IMPORT", parameters: { file: "a.jsonl" }, createdById: admin.id });
    const second = await enqueueJob(prisma, { type: "PAIR_GENERATION", parameters: {}, createdById: null });
    await prisma.jobLogLine.create({ data: { jobId: first.id, message: "hello" } });
    const caller = callerFor(admin);

    const all = await caller.jobs.list({});
    expect(all.jobs.map((j) => j.id)).toEqual([second.id, first.id]);
    expect(all.counts).toEqual({ QUEUED: 2 });
    expect(all.jobs[1]!.createdBy?.name).toBe(admin.name);
    expect((await caller.jobs.list({ type: "IMPORT" })).jobs.map((j) => j.id)).toEqual([first.id]);

    const detail = await caller.jobs.get({ jobId: first.id });
    expect(detail).toMatchObject({ id: first.id, parameters: { file: "a.jsonl" }, status: "QUEUED" });
    expect(detail.log.map((l) => l.message)).toEqual(["hello"]);
    await expect(caller.jobs.get({ jobId: "nope" })).rejects.toThrow("No job nope.");
    await expect(caller.jobs.list({ status: "DONE" as never })).rejects.toThrow(/status/);
  });
});
