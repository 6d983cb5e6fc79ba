// The vocabulary's zod schemas, for every boundary that takes a strength, safety label, protocol or side.
import { z } from "zod";
import { MARGIN_KINDS, PROTOCOL_VALUES, SAFETY_LABEL_VALUES, SIDE_VALUES, STRENGTH_VALUES } from "./vocabulary";

export const strengthSchema = z.enum(STRENGTH_VALUES);
/** "Chosen unsafe, other safe" is not a value: the safer response is by definition the better one. */
export const safetyLabelSchema = z.enum(SAFETY_LABEL_VALUES);
export const protocolSchema = z.enum(PROTOCOL_VALUES);
export const sideSchema = z.enum(SIDE_VALUES);
export const marginKindSchema = z.enum(MARGIN_KINDS);
