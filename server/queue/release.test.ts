// Issue 13 item 7: a lease given back returns its place to the queue at once; the pair is still
// never served twice to the one who gave it back, and a finished assignment is left alone.
import { describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import { makeBatch } from "../testing/batches";
import { callerFor, makeUser } from "../testing/fixtures";

describe("giving a lease back", () => {
  it("frees the pair's place now, for someone else, and only the holder's open lease", async () => {
    const { pairIds } = await makeBatch({ pairs: 1, overlap: 1, priority: 50 });
    const [admin, annotator] = [await makeUser("ADMIN"), await makeUser("ANNOTATOR")];
    const held = await callerFor(admin).annotate.current();
    expect(held?.assignmentId).toBeDefined();
    // The pair's only place is held: nobody else gets it.
    expect((await callerFor(annotator).annotate.current())?.assignmentId ?? null).toBeNull();

    expect(await callerFor(annotator).annotate.release({ assignmentId: held!.assignmentId })).toEqual({ released: false });
    expect(await callerFor(admin).annotate.release({ assignmentId: held!.assignmentId })).toEqual({ released: true });
    expect(await callerFor(admin).annotate.release({ assignmentId: held!.assignmentId })).toEqual({ released: false });

    const next = await callerFor(annotator).annotate.current();
    const assignment = await prisma.assignment.findUniqueOrThrow({ where: { id: next!.assignmentId } });
    expect(assignment.pairId).toBe(pairIds[0]);
    // Not served again to the admin who gave it back.
    expect(await callerFor(admin).annotate.current()).toBeNull();

    // A labelled pair's assignment is left as it is.
    await callerFor(annotator).annotate.submit({ assignmentId: next!.assignmentId, pick: "LEFT", strength: "BETTER", timeOnTaskMs: 10 });
    const before = await prisma.assignment.findUniqueOrThrow({ where: { id: next!.assignmentId } });
    expect(await callerFor(annotator).annotate.release({ assignmentId: next!.assignmentId })).toEqual({ released: false });
    expect(await prisma.assignment.findUniqueOrThrow({ where: { id: next!.assignmentId } })).toEqual(before);
  });
});
