// Issue 13 item 11: health is not "ok" while no worker runs (jobs would wait for ever), and a
// worker that is stopping leaves the live workers at once, saying so, instead of being listed
// for another minute. The second test runs the real worker process (workers/main.ts).
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import { makeUser } from "../testing/fixtures";
import { waitFor } from "../testing/wait-for";
import { healthFor, NO_WORKER } from "./health";

describe("health and workers", () => {
  it("is degraded (still 200) while no worker has checked in, with the reason for admins; ok once one has", async () => {
    await prisma.workerProcess.deleteMany();
    const admin = await makeUser("ADMIN");
    expect(await healthFor(prisma, null)).toEqual({ status: 200, body: { status: "degraded" } });
    expect(await healthFor(prisma, admin)).toMatchObject({ status: 200, body: { status: "degraded", workers: [], problems: [NO_WORKER] } });
    // A worker last seen long ago does not count.
    await prisma.workerProcess.create({ data: { id: "old:1:a", hostname: "old", pid: 1, lastSeenAt: new Date(Date.now() - 10 * 60_000) } });
    expect((await healthFor(prisma, null)).body).toEqual({ status: "degraded" });
    await prisma.workerProcess.create({ data: { id: "gpu-1:2:b", hostname: "gpu-1", pid: 2 } });
    expect(await healthFor(prisma, admin)).toMatchObject({ status: 200, body: { status: "ok", problems: [] } });
    await prisma.workerProcess.deleteMany();
  });

  it("a worker stopped with Ctrl-C leaves the live workers as soon as it starts stopping, and says so", async () => {
    const worker = spawn(process.execPath, ["--import", "tsx", "workers/main.ts"], {
      env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL, WORKER_JOB_TYPES: "IMPORT" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    worker.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    worker.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => worker.once("exit", (code) => resolve(code)));
    try {
      await waitFor(async () => output, (o) => /Worker \S+ ready/.test(o), 90_000);
      const id = /Worker (\S+) ready/.exec(output)![1]!;
      expect((await healthFor(prisma, null)).body).toEqual({ status: "ok" });

      worker.kill("SIGINT");
      await waitFor(async () => output, (o) => o.includes(`Worker ${id} stopping (SIGINT)`), 30_000);
      // Printed once it has left: gone from the list while it is still stopping.
      expect(await prisma.workerProcess.findUnique({ where: { id } })).toBeNull();
      expect((await healthFor(prisma, null)).body).toEqual({ status: "degraded" });
      expect(await exited).toBe(0);
      expect(output).toContain(`Worker ${id} stopped.`);
    } finally {
      if (worker.exitCode === null) worker.kill("SIGKILL");
    }
  }, 120_000);
});
