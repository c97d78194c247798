/**
 * Building blocks of the backends' launchers.yaml schemas. Option values become scheduler
 * directive lines of the job script, so each must fit on one line.
 */
import { z } from "zod";

/** A non-empty value without line breaks (a line break would add a line to the job script). */
export const oneLine = z.string().min(1).regex(/^[^\n\r]*$/, "must fit on one line");

/** An optional directive value. */
export const optionalValue = oneLine.optional();

/** Extra directives, written verbatim after the ones made from resources. */
export const extraDirectives = z.array(oneLine).default([]);

/**
 * A positive whole number (`array_parallelism: 4`), kept as its decimal text: launcher options
 * reach the drivers as strings.
 */
export const countValue = z
  .union([z.number().int().positive(), z.string().regex(/^[1-9][0-9]*$/, "must be a positive whole number")])
  .transform((v) => String(v))
  .optional();
