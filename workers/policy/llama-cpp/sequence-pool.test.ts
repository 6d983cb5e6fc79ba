import { describe, expect, it } from "vitest";
import { SequencePool } from "./sequence-pool";

describe("SequencePool", () => {
  it("lends free items at once and serves waiting requests in order of arrival", async () => {
    const pool = new SequencePool(["a", "b", "c", "d"]);
    const first = await pool.acquire(3);
    expect(first).toEqual(["a", "b", "c"]);
    const order: string[] = [];
    const big = pool.acquire(2).then((items) => (order.push("big"), items));
    // One is free, but the earlier request for two goes first.
    const small = pool.acquire(1).then((items) => (order.push("small"), items));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(order).toEqual([]);
    pool.release(first);
    expect(await big).toEqual(["d", "a"]);
    expect(await small).toEqual(["b"]);
    expect(order).toEqual(["big", "small"]);
  });

  it("drops an aborted request from the line, refuses impossible ones, and fails waiters on close", async () => {
    const pool = new SequencePool([1, 2]);
    const held = await pool.acquire(2);
    const controller = new AbortController();
    const aborted = pool.acquire(2, controller.signal);
    const next = pool.acquire(1);
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: "AbortError" });
    pool.release(held);
    expect(await next).toEqual([1]);
    await expect(pool.acquire(3)).rejects.toThrow("Cannot take 3 of 2 sequences.");
    const waiting = pool.acquire(2);
    pool.close();
    await expect(waiting).rejects.toThrow("closed");
    await expect(pool.acquire(1)).rejects.toThrow("closed");
  });
});
