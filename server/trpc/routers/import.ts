// Imports (admins): start an uploaded file's import as a worker job (the upload and its preview
// come through app/api/import/upload; the page follows the job with jobs.watch), list past
// imports, and an import's prompts.
import { TRPCError } from "@trpc/server";
import { startImportInput } from "../../import/import.schema";
import { importPrompts, importPromptsInput, listImports } from "../../import/import-queries";
import { FileError, ImportRowError } from "../../import/readers";
import { startImport } from "../../import/start-import";
import { adminProcedure, createTRPCRouter } from "../trpc";

export const importRouter = createTRPCRouter({
  start: adminProcedure.input(startImportInput).mutation(async ({ ctx, input }) => {
    try {
      return await startImport(ctx.db, input, ctx.user.id);
    } catch (error) {
      if (error instanceof FileError || error instanceof ImportRowError) {
        throw new TRPCError({ code: "BAD_REQUEST", message: `Nothing was imported. ${error.message}` });
      }
      throw error;
    }
  }),
  list: adminProcedure.query(({ ctx }) => listImports(ctx.db)),
  prompts: adminProcedure.input(importPromptsInput).query(({ ctx, input }) => importPrompts(ctx.db, input)),
});
