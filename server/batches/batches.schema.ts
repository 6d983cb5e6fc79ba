import { z } from "zod";

export const updateBatchInput = z.object({
  batchId: z.string().min(1),
  status: z.enum(["DRAFT", "OPEN", "CLOSED"]).optional(),
  priority: z.number().int().min(-1000).max(1000).optional(),
  goldRate: z.number().min(0, "goldRate: between 0 and 1").max(1, "goldRate: between 0 and 1").optional(),
});
export type UpdateBatchInput = z.infer<typeof updateBatchInput>;

export const batchPairsInput = z.object({
  batchId: z.string().min(1),
  limit: z.number().int().min(1).max(200).default(50),
  cursor: z.string().nullish(),
});
export type BatchPairsInput = z.infer<typeof batchPairsInput>;
