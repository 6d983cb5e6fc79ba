// Stepping several token generators together. node-llama-cpp batches the decodes that are queued
// in the same tick of the event loop; n independent `for await` loops drift apart (the sequence
// that samples last misses the batch, so 4 sequences decode in batches of 3 and 1). Asking every
// running generator for its next token in one `Promise.all` per step keeps each step one full batch.

export type StepDecision = "continue" | "stop";

/**
 * Runs `generators` in lock step until each is done or `onToken` says stop for it. A generator
 * that finishes leaves the next step at once, so the others never wait on it. `onDone` is called
 * once per generator that ends by itself (returned), in step order. Checks `signal` between steps.
 */
export async function stepTogether<T>(
  generators: AsyncGenerator<T, void, void>[],
  onToken: (index: number, value: T) => StepDecision,
  onDone: (index: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  let running = generators.map((_, i) => i);
  try {
    while (running.length > 0) {
      signal?.throwIfAborted();
      const steps = await Promise.all(running.map((i) => generators[i]!.next()));
      const next: number[] = [];
      const leaving: number[] = [];
      steps.forEach((step, k) => {
        const i = running[k]!;
        if (step.done) onDone(i);
        else if (onToken(i, step.value) === "continue") next.push(i);
        else leaving.push(i);
      });
      running = next;
      // A generator stopped by the caller is closed without waiting for it (it frees its sampler).
      for (const i of leaving) void generators[i]!.return();
    }
  } finally {
    await Promise.all(running.map((i) => generators[i]!.return()));
  }
}
