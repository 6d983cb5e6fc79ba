// Issue 13 item 10: an export naming an unknown round, batch or source is refused naming it
// (it used to answer 200 with an empty file); an import without a source says which parameter.
import { describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import { parseImportQuery } from "../import/import-request";
import { callerFor, makeUser } from "../testing/fixtures";
import { parseExportRequest } from "./export-request";

const url = (query: string) => new URL(`http://localhost/api/export?${query}`);

describe("what an export or import names must exist", () => {
  it("refuses unknown rounds, batches and sources with their names, and takes known ones", async () => {
    const { token } = await callerFor(await makeUser("RESEARCHER")).apiTokens.create({ name: "s" });
    const headers = new Headers({ authorization: `Bearer ${token}` });
    const round = await prisma.round.create({ data: { number: 4, name: "RLHF-V4" } });
    const batch = await prisma.batch.create({ data: { roundId: round.id, name: "Week 1" } });
    await prisma.datasetImport.create({ data: { kind: "PREFERENCES", sourceName: "Anthropic/hh-rlhf", fileName: "f.jsonl", fileSha256: "0".repeat(64), format: "hh-rlhf", rows: 1, inserted: 1, duplicates: 0 } });

    expect(await parseExportRequest(prisma, url("format=raw&batches=nope"), headers)).toEqual({ ok: false, status: 400, error: "Invalid export: batches: no batch with id nope" });
    expect(await parseExportRequest(prisma, url(`format=raw&rounds=${round.id},gone`), headers)).toEqual({ ok: false, status: 400, error: "Invalid export: rounds: no round with id gone" });
    expect(await parseExportRequest(prisma, url("format=raw&sources=team,Anthropic/hh-rlfh"), headers)).toEqual({
      ok: false,
      status: 400,
      error: 'Invalid export: sources: no imported source named "Anthropic/hh-rlfh" ("team" is the team\'s own labels)',
    });
    expect(await parseExportRequest(prisma, url(`format=raw&rounds=${round.id}&batches=${batch.id}&sources=team,Anthropic/hh-rlhf`), headers)).toMatchObject({ ok: true });
  });

  it("an import without a source names the parameter", () => {
    expect(parseImportQuery(new URL("http://localhost/api/import?fileName=p.jsonl"))).toEqual({
      ok: false,
      status: 400,
      error: "Invalid import: source: name the source of the data (?source=Anthropic/hh-rlhf, or your team's name for its own prompts); it is stored as the import's sourceName",
    });
    expect(parseImportQuery(new URL("http://localhost/api/import?fileName=p.jsonl&source=red-team"))).toMatchObject({ ok: true, options: { sourceName: "red-team" } });
  });
});
