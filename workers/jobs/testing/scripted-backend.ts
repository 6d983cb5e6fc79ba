// A policy backend for tests of the job machinery (never registered in a real worker): each
// sample is a fixed text that names its seed, produced after `delayMs`, streamed in two parts and
// stopped by the abort signal. It makes "the worker is in the middle of a generation" a state a
// test can wait for and hold, which the tiny model passes through too quickly to catch.
import type { Generation, GenerateRequest, PolicyBackend } from "../../policy/policy-backend";

export function scriptedBackend(delayMs: number, onGenerate?: (request: GenerateRequest) => void): PolicyBackend {
  const generate = async (request: GenerateRequest): Promise<Generation[]> => {
    onGenerate?.(request);
    const texts = Array.from({ length: request.n }, (_, i) => `Sample with seed ${(request.sampling.seed ?? 0) + i}.`);
    texts.forEach((text, i) => request.onText?.(i, text.slice(0, 6)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, delayMs);
      request.signal?.addEventListener("abort", () => {
        clearTimeout(timer);
        reject(request.signal!.reason);
      }, { once: true });
    });
    return texts.map((text) => ({ text, tokenCount: 4, finishReason: "stop" as const, durationMs: delayMs }));
  };
  // Only what jobs call; the embedding side of the interface is not used by these tests.
  return { description: `scripted (${delayMs} ms)`, generate, close: async () => {} } as unknown as PolicyBackend;
}
