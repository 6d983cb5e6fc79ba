// The HTTP backend against the server labs deploy, llama.cpp's own llama-server (built from the
// llama.cpp source node-llama-cpp ships, cached per machine; the first run on a fresh machine
// builds it, ~8 minutes on 2 cores), on loopback with the tiny Llama 2. The failure cases use
// small servers written here: one that never answers, and a proxy in front of the real
// llama-server that fails the first requests.
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import llamaTokenizer from "llama-tokenizer-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { llama2AnsweredTokens, llama2ChatText, llama2ChatTokens } from "../../server/prompts/llama2-chat";
import { LlamaCppBackend } from "./llama-cpp-backend";
import { ensureLlamaServer, LLAMA2_CHAT_TEMPLATE } from "./llama-server/llama-server";
import { type RunningLlamaServer, startLlamaServer } from "./llama-server/start-llama-server";
import { ensureTinyModel } from "./open-backend";
import { chatMessages, OpenAiBackend } from "./openai-backend";
import type { ChatDialogue } from "./policy-backend";
import { multiTurnDialogue } from "./testing/dialogues";

const dialogue = multiTurnDialogue;
const sampling = { temperature: 0.8, topP: 0.9, maxTokens: 16 };

let server: RunningLlamaServer;
let embeddings: RunningLlamaServer;
let lastPooling: RunningLlamaServer;
let modelPath: string;
const closers: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  const binary = await ensureLlamaServer((line) => console.log(`[llama-server build] ${line}`));
  modelPath = ensureTinyModel(fs.mkdtempSync(path.join(os.tmpdir(), "openai-backend-")));
  // Four slots for n = 4. The tiny GGUF has no chat template (llama-server would use ChatML), so
  // it gets Meta's, as a Hugging Face Llama 2 chat checkpoint carries it.
  [server, embeddings, lastPooling] = await Promise.all([
    startLlamaServer(binary, modelPath, ["--jinja", "--chat-template-file", LLAMA2_CHAT_TEMPLATE, "-np", "4", "-c", "4096", "-t", "1", "--no-warmup"]),
    // Also llama.cpp's built-in Llama 2 template, to show where it differs from Meta's.
    startLlamaServer(binary, modelPath, ["--embeddings", "--pooling", "mean", "--no-jinja", "--chat-template", "llama2-sys", "-c", "1024", "-t", "1", "--no-warmup"]),
    startLlamaServer(binary, modelPath, ["--embeddings", "--pooling", "last", "-c", "1024", "-t", "1", "--no-warmup"]),
  ]);
}, 30 * 60_000); // a fresh machine builds llama-server first

afterAll(async () => {
  for (const close of closers) await close();
  await server?.stop();
  await embeddings?.stop();
  await lastPooling?.stop();
});

function cosine(a: ArrayLike<number>, b: ArrayLike<number>) {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(aa * bb);
}

/** A loopback HTTP server; `handle` gets the request number (1, 2, …). */
async function localServer(handle: (n: number, req: http.IncomingMessage, res: http.ServerResponse, body: string) => void) {
  let count = 0;
  const local = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => handle(++count, req, res, body));
  });
  await new Promise<void>((resolve) => local.listen(0, "127.0.0.1", resolve));
  closers.push(() => {
    local.closeAllConnections();
    return new Promise<void>((resolve) => local.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(local.address() as net.AddressInfo).port}`, requests: () => count };
}

/** Forwards a request to the real llama-server and streams its answer back. */
async function forward(req: http.IncomingMessage, res: http.ServerResponse, body: string) {
  const answer = await fetch(`${server.url}${req.url}`, { method: req.method, headers: { "content-type": "application/json" }, body });
  res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
  Readable.fromWeb(answer.body as never).pipe(res);
}

describe("OpenAI-compatible backend against llama-server", () => {
  it("reaches the model as Meta's reference token ids (llama-server with Meta's chat template)", async () => {
    const post = async (path: string, body: object) => (await fetch(`${server.url}${path}`, { method: "POST", body: JSON.stringify(body) })).json();
    const messages = chatMessages(dialogue);
    const { prompt } = (await post("/apply-template", { messages })) as { prompt: string };
    // The text is Hugging Face's rendering less the leading <s>, which the tokenizer adds as an id.
    expect(`<s>${prompt}`).toBe(llama2ChatText(dialogue));
    // Tokenized as llama-server tokenizes a chat prompt (BOS added, "<s>"/"</s>" parsed as ids).
    const { tokens } = (await post("/tokenize", { content: prompt, add_special: true, parse_special: true })) as { tokens: number[] };
    const reference = llama2ChatTokens(dialogue, (text) => llamaTokenizer.encode(text, false) as number[]);
    expect(tokens).toEqual(reference);
    // And the model was fed exactly that many tokens for the chat completion itself.
    const completion = (await post("/v1/chat/completions", { messages, max_tokens: 1, cache_prompt: false })) as { usage: { prompt_tokens: number } };
    expect(completion.usage.prompt_tokens).toBe(reference.length);
  });

  it("shows llama.cpp's built-in llama2-sys template right for one turn only", async () => {
    const render = async (d: ChatDialogue) =>
      ((await (await fetch(`${embeddings.url}/apply-template`, { method: "POST", body: JSON.stringify({ messages: chatMessages(d) }) })).json()) as { prompt: string }).prompt;
    const single: ChatDialogue = { systemPrompt: dialogue.systemPrompt, turns: dialogue.turns.slice(0, 1) };
    expect(`<s>${await render(single)}`).toBe(llama2ChatText(single));
    // Multi-turn: "[/INST]Blue.</s>[INST]" where Meta has "[/INST] Blue. </s><s>[INST]".
    expect(await render(dialogue)).toContain("[/INST]Blue.</s>[INST]");
    expect(llama2ChatText(dialogue)).toContain("[/INST] Blue. </s><s>[INST]");
  });

  it("streams n = 4 samples, each to maxTokens, with exact token counts", async () => {
    const backend = new OpenAiBackend({ baseUrl: `${server.url}/v1`, modelName: "tiny" });
    const streamed = new Map<number, string[]>();
    const samples = await backend.generate({
      dialogue,
      n: 4,
      sampling: { ...sampling, seed: 3 },
      onText: (index, text) => streamed.set(index, [...(streamed.get(index) ?? []), text]),
    });
    expect(samples).toHaveLength(4);
    for (const [index, sample] of samples.entries()) {
      expect(sample).toMatchObject({ tokenCount: sampling.maxTokens, finishReason: "length" });
      const texts = streamed.get(index)!;
      expect(texts.length).toBeGreaterThan(1);
      expect(texts.at(-1)).toBe(sample.text);
      texts.slice(1).forEach((text, k) => expect(text.startsWith(texts[k]!)).toBe(true));
    }
    expect(new Set(samples.map((s) => s.text)).size).toBe(4);
  });

  it("gives the same samples for the same seed, and others for another seed", async () => {
    const backend = new OpenAiBackend({ baseUrl: server.url });
    const run = (seed: number) => backend.generate({ dialogue, n: 2, sampling: { ...sampling, seed } });
    const a = await run(7);
    expect((await run(7)).map((s) => s.text)).toEqual(a.map((s) => s.text));
    expect((await run(8)).map((s) => s.text)).not.toEqual(a.map((s) => s.text));
  });

  it("embeds as the llama.cpp backend does (mean pooling on both)", async () => {
    const texts = ["The cat sat on the mat.", "Completely different words here"];
    const served = await new OpenAiBackend({ baseUrl: embeddings.url }).embed(texts);
    const local = await LlamaCppBackend.open({ modelPath });
    closers.push(() => local.close());
    const direct = await local.embed(texts);
    expect(served.map((v) => v.length)).toEqual([64, 64]);
    expect(cosine(served[0]!, direct[0]!)).toBeGreaterThan(0.999);
    expect(cosine(served[1]!, direct[1]!)).toBeGreaterThan(0.999);
    expect(cosine(served[0]!, direct[1]!)).toBeLessThan(0.99);
  });

  it("embeds chat-formatted token ids as the model reads them, pooled as the server was started", async () => {
    const backend = new OpenAiBackend({ baseUrl: embeddings.url });
    const { encode, bos, eos } = backend.tokenizer();
    const formatted = [llama2AnsweredTokens(dialogue, "Bleu.", encode, { bos, eos }), llama2AnsweredTokens(dialogue, "Rouge, and a longer answer.", encode, { bos, eos })];
    const local = await LlamaCppBackend.open({ modelPath });
    closers.push(() => local.close());
    // Ids sent as ids: no BOS added in front of the formatted input's own, text mixed in between.
    const served = await backend.embed([{ tokens: formatted[0]! }, "The cat sat on the mat.", { tokens: formatted[1]! }]);
    const direct = await local.embed([{ tokens: formatted[0]! }, "The cat sat on the mat.", { tokens: formatted[1]! }], { pooling: "mean" });
    for (const i of [0, 1, 2]) expect(cosine(served[i]!, direct[i]!)).toBeGreaterThan(0.999);
    expect(cosine(served[0]!, served[2]!)).toBeLessThan(0.999);
    // llama-server --pooling last reads the last token, as the llama.cpp backend's "last" does.
    const servedLast = await new OpenAiBackend({ baseUrl: lastPooling.url }).embed(formatted.map((tokens) => ({ tokens })));
    const directLast = await local.embed(formatted.map((tokens) => ({ tokens })), { pooling: "last" });
    for (const i of [0, 1]) expect(cosine(servedLast[i]!, directLast[i]!)).toBeGreaterThan(0.999);
    expect(cosine(servedLast[0]!, served[0]!)).toBeLessThan(0.99);
    await expect(backend.embed([{ tokens: formatted[0]! }], { pooling: "last" })).rejects.toThrow(/pools embeddings as its server was started/);
    expect(backend.source).toEqual({ backend: "OPENAI_COMPATIBLE", baseUrl: embeddings.url, modelName: null });
    expect(backend.embedPoolings).toEqual([]);
  });

  it("stops when aborted mid-stream", async () => {
    const backend = new OpenAiBackend({ baseUrl: server.url });
    const controller = new AbortController();
    let calls = 0;
    const run = backend.generate({
      dialogue,
      n: 1,
      sampling: { ...sampling, maxTokens: 1000 },
      signal: controller.signal,
      onText: () => ++calls === 3 && controller.abort(),
    });
    await expect(run).rejects.toMatchObject({ name: "AbortError" });
    expect(calls).toBe(3);
  });

  it("retries a 503 and a 429 with backoff, then answers from the real server", async () => {
    const proxy = await localServer((n, req, res, body) => {
      if (n === 1) res.writeHead(503).end("loading model");
      else if (n === 2) res.writeHead(429).end("slow down");
      else void forward(req, res, body);
    });
    const backend = new OpenAiBackend({ baseUrl: proxy.url, minBackoffMs: 20 });
    const started = Date.now();
    const samples = await backend.generate({ dialogue, n: 2, sampling: { ...sampling, seed: 7 } });
    expect(proxy.requests()).toBe(3);
    expect(samples.map((s) => s.tokenCount)).toEqual([sampling.maxTokens, sampling.maxTokens]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(20 + 40 - 30); // two backoffs (jittered)
  });

  it("gives up after the retries with an error naming the server and the status", async () => {
    const failing = await localServer((_, __, res) => res.writeHead(500, "Internal Server Error").end("out of memory"));
    const backend = new OpenAiBackend({ baseUrl: failing.url, retries: 2, minBackoffMs: 5 });
    await expect(backend.generate({ dialogue, n: 1, sampling })).rejects.toThrow(
      `Policy server ${failing.url} answered 500 Internal Server Error to POST /v1/chat/completions: out of memory (after 3 attempts)`,
    );
    expect(failing.requests()).toBe(3);
  });

  it("does not retry a client error, and says what the server said", async () => {
    const refusing = await localServer((_, __, res) => res.writeHead(400, "Bad Request").end('{"error":{"message":"n is too large"}}'));
    const backend = new OpenAiBackend({ baseUrl: refusing.url, minBackoffMs: 5 });
    await expect(backend.embed(["x"])).rejects.toThrow(`Policy server ${refusing.url} answered 400 Bad Request to POST /v1/embeddings: {"error":{"message":"n is too large"}}`);
    expect(refusing.requests()).toBe(1);
  });

  it("retries a refused connection and then names the unreachable server", async () => {
    const closed = await localServer(() => {});
    const url = closed.url;
    await closers.pop()!(); // nothing listens there now
    const backend = new OpenAiBackend({ baseUrl: url, retries: 1, minBackoffMs: 5 });
    await expect(backend.generate({ dialogue, n: 1, sampling })).rejects.toThrow(new RegExp(`Cannot reach the policy server ${url} .*ECONNREFUSED.*after 2 attempts`));
  });

  it("times out a server that accepts the connection and never answers, without retrying", async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => {
      sockets.push(socket);
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    closers.push(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    const url = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
    const backend = new OpenAiBackend({ baseUrl: url, timeoutMs: 300, minBackoffMs: 5 });
    await expect(backend.generate({ dialogue, n: 1, sampling })).rejects.toThrow(`Policy server ${url} did not answer POST /v1/chat/completions within 300 ms.`);
    // One connection: a timeout is not retried (the error above says it gave up after its timeout).
    expect(sockets).toHaveLength(1);
  });

  it("times out a stream that stops sending", async () => {
    const stalling = await localServer((_, __, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: "Hel" } }] })}\n\n`); // then nothing
    });
    const backend = new OpenAiBackend({ baseUrl: stalling.url, timeoutMs: 300 });
    const texts: string[] = [];
    await expect(backend.generate({ dialogue, n: 1, sampling, onText: (_, text) => texts.push(text) })).rejects.toThrow(
      `Policy server ${stalling.url} sent nothing for 300 ms during POST /v1/chat/completions.`,
    );
    expect(texts).toEqual(["Hel"]);
  });

  it("keeps at most `concurrency` requests in flight", async () => {
    let inFlight = 0;
    let most = 0;
    const held: http.ServerResponse[] = [];
    const answer = (res: http.ServerResponse) => {
      // Counted out before the answer is sent, so the client cannot start another one first.
      inFlight--;
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: "Hi" }, finish_reason: "length" }] })}\n\ndata: [DONE]\n\n`);
    };
    const counting = await localServer((n, _req, res) => {
      most = Math.max(most, ++inFlight);
      // Each answer waits for a second request to be in flight (or for the last of the five),
      // so the client's parallelism shows whatever the timing; one at a time would never end.
      held.push(res);
      if (held.length === 2 || n === 5) held.splice(0).forEach(answer);
    });
    const backend = new OpenAiBackend({ baseUrl: counting.url, concurrency: 2 });
    const all = await Promise.all(Array.from({ length: 5 }, (_, i) => backend.generate({ dialogue, n: 1, sampling: { ...sampling, maxTokens: 4, seed: i } })));
    expect(all.flat()).toHaveLength(5);
    expect(most).toBe(2);
  });
});
