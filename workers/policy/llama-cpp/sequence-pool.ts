// The sequences of one context, lent to generations. Concurrent requests (prompt writing samples
// responses A and B at once, often from one model) each take the sequences they need and run side
// by side; node-llama-cpp decodes what they queue in one tick together. Requests are served in
// order of arrival, so a large one is not starved by a stream of small ones.

export class SequencePool<S> {
  private readonly free: S[];
  private readonly waiting: { count: number; resolve: (items: S[]) => void; reject: (error: unknown) => void }[] = [];
  private closedWith?: Error;

  constructor(items: S[]) {
    this.free = [...items];
    this.size = items.length;
  }

  readonly size: number;

  /** `count` items (at most the pool's size), once that many are free and earlier requests are served. */
  acquire(count: number, signal?: AbortSignal): Promise<S[]> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (count < 1 || count > this.size) return Promise.reject(new Error(`Cannot take ${count} of ${this.size} sequences.`));
    if (this.waiting.length === 0 && this.free.length >= count) return Promise.resolve(this.free.splice(0, count));
    return new Promise<S[]>((resolve, reject) => {
      const entry = {
        count,
        resolve: (items: S[]) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(items);
        },
        reject,
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(entry);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal!.reason);
        this.serve(); // the next in line may fit now
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  release(items: S[]) {
    this.free.push(...items);
    this.serve();
  }

  /** Fails every waiting and future request (the context is being disposed). */
  close(error = new Error("The model's context was closed.")) {
    this.closedWith = error;
    for (const entry of this.waiting.splice(0)) entry.reject(error);
  }

  private serve() {
    while (this.waiting.length > 0 && this.free.length >= this.waiting[0]!.count) {
      const entry = this.waiting.shift()!;
      entry.resolve(this.free.splice(0, entry.count));
    }
  }
}
