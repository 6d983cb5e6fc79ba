// Lock-step stepping, with generators that record when each asks for a token: every running
// generator is asked in the same tick (one batch per step), a finished one leaves at once.
import { describe, expect, it } from "vitest";
import { stepTogether } from "./lockstep";

function recorder() {
  const asks: { index: number; tick: number }[] = [];
  let tick = 0;
  const clock = setInterval(() => tick++, 0);
  async function* generator(index: number, length: number, delayMs: number) {
    for (let i = 0; i < length; i++) {
      asks.push({ index, tick });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      yield i;
    }
    asks.push({ index, tick }); // the final ask, answered "done"
  }
  return { asks, generator, stop: () => clearInterval(clock) };
}

describe("stepTogether", () => {
  it("asks every running generator in the same tick, and lets a finished one leave", async () => {
    const { asks, generator, stop } = recorder();
    const done: number[] = [];
    const tokens = new Map<number, number[]>();
    // Different speeds, different lengths: unsynchronised loops would drift apart.
    await stepTogether(
      [generator(0, 5, 1), generator(1, 2, 7), generator(2, 5, 3)],
      (index, value) => {
        tokens.set(index, [...(tokens.get(index) ?? []), value]);
        return "continue";
      },
      (index) => done.push(index),
    );
    stop();
    expect(done).toEqual([1, 0, 2]);
    expect([...tokens.entries()].sort()).toEqual([
      [0, [0, 1, 2, 3, 4]],
      [1, [0, 1]],
      [2, [0, 1, 2, 3, 4]],
    ]);
    // Asks grouped by step: each step's asks share one tick.
    const steps = [3, 3, 3, 2, 2, 2];
    let at = 0;
    for (const size of steps) {
      const group = asks.slice(at, at + size);
      expect(new Set(group.map((a) => a.tick)).size).toBe(1);
      at += size;
    }
    expect(at).toBe(asks.length);
  });

  it("stops a generator when asked, closing it, and checks the signal between steps", async () => {
    const { generator, stop } = recorder();
    let closed = false;
    async function* watched() {
      try {
        yield* generator(0, 100, 0);
      } finally {
        closed = true;
      }
    }
    let seen = 0;
    await stepTogether([watched(), generator(1, 3, 0)], (index) => (index === 0 && ++seen === 2 ? "stop" : "continue"), () => {});
    expect(seen).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(closed).toBe(true);

    const controller = new AbortController();
    let count = 0;
    const run = stepTogether([generator(0, 100, 0)], () => (++count === 3 && controller.abort(), "continue"), () => {}, controller.signal);
    await expect(run).rejects.toMatchObject({ name: "AbortError" });
    expect(count).toBe(3);
    stop();
  });
});
