// What a served variant's requests may reach: the key only from the variable the variant names
// (never a variable that holds another secret), only to the configured URL (no redirects), and
// only to hosts POLICY_ALLOWED_HOSTS allows when it is set.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../../server/db/prisma";
import { baseUrlRefusal } from "../../server/policy-variants/allowed-hosts";
import { callerFor, makeUser, refusal } from "../../server/testing/fixtures";
import { ensureDefaultPolicyVariant, variantBackendConfig } from "./open-backend";
import { OpenAiBackend } from "./openai-backend";

type Seen = { path: string; authorization: string | undefined };
function server(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const seen: Seen[] = [];
  const s = http.createServer((req, res) => {
    seen.push({ path: req.url ?? "", authorization: req.headers.authorization });
    req.resume();
    req.on("end", () => answer(req, res));
  });
  return { s, seen, url: () => `http://127.0.0.1:${(s.address() as AddressInfo).port}` };
}

const target = server((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
const redirecting = server((req, res) => res.writeHead(307, { location: `${target.url()}${req.url}` }).end());
beforeAll(async () => {
  await new Promise<void>((resolve) => target.s.listen(0, "127.0.0.1", resolve));
  await new Promise<void>((resolve) => redirecting.s.listen(0, "127.0.0.1", resolve));
});
afterAll(() => {
  target.s.close();
  redirecting.s.close();
});

const dialogue = { systemPrompt: null, turns: [{ role: "USER" as const, content: "Hi" }] };
const sampling = { temperature: 0.6, topP: 0.9, maxTokens: 4 };

describe("a served variant's outbound requests", () => {
  it("refuse a redirect instead of following it with the key", async () => {
    const backend = new OpenAiBackend({ baseUrl: `${redirecting.url()}/v1`, apiKey: "sk-secret", retries: 0 });
    await expect(backend.generate({ dialogue, sampling, n: 1 })).rejects.toThrow(/answered 307 \(a redirect to http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions\) to POST \/v1\/chat\/completions; redirects are not followed/);
    expect(redirecting.seen).toEqual([{ path: "/v1/chat/completions", authorization: "Bearer sk-secret" }]);
    expect(target.seen).toEqual([]);
  });

  it("send the key only from the POLICY_API_KEY variable the variant names", () => {
    const served = { backend: "OPENAI_COMPATIBLE" as const, modelPath: null, baseUrl: "http://gpu-1:8000/v1", modelName: null };
    const env = { POLICY_API_KEY: "global", POLICY_API_KEY_GPU1: "gpu1-key", DATABASE_URL: "postgresql://postgres:pw@db/app", NEXTAUTH_SECRET: "s" };
    expect(variantBackendConfig({ ...served, apiKeyEnv: "POLICY_API_KEY_GPU1" }, env)).toMatchObject({ apiKey: "gpu1-key" });
    expect(variantBackendConfig({ ...served, apiKeyEnv: null }, env)).toMatchObject({ apiKey: null });
    for (const name of ["DATABASE_URL", "NEXTAUTH_SECRET", "policy_api_key"]) {
      expect(() => variantBackendConfig({ ...served, apiKeyEnv: name }, env)).toThrow(`names ${name} for its API key; only POLICY_API_KEY or POLICY_API_KEY_<NAME> may hold one`);
    }
    expect(() => variantBackendConfig({ ...served, apiKeyEnv: "POLICY_API_KEY_GPU2" }, env)).toThrow("read from POLICY_API_KEY_GPU2, which is not set on this worker");
  });

  it("reach only the hosts POLICY_ALLOWED_HOSTS allows, when it is set", () => {
    const served = { backend: "OPENAI_COMPATIBLE" as const, modelPath: null, modelName: null, apiKeyEnv: null };
    const env = { POLICY_ALLOWED_HOSTS: "gpu-1:8000, *.inference.lab, [::1]:9000" };
    expect(variantBackendConfig({ ...served, baseUrl: "http://gpu-1:8000/v1" }, env)).toMatchObject({ baseUrl: "http://gpu-1:8000/v1" });
    expect(variantBackendConfig({ ...served, baseUrl: "https://a.inference.lab/v1" }, env)).toMatchObject({ baseUrl: "https://a.inference.lab/v1" });
    expect(baseUrlRefusal("http://[::1]:9000/v1", env)).toBeNull();
    expect(() => variantBackendConfig({ ...served, baseUrl: "http://gpu-1:9999/v1" }, env)).toThrow("gpu-1:9999 is not one of the policy servers allowed by POLICY_ALLOWED_HOSTS (gpu-1:8000, *.inference.lab, [::1]:9000)");
    expect(() => variantBackendConfig({ ...served, baseUrl: "http://inference.lab.evil.example/v1" }, env)).toThrow(/not one of the policy servers allowed/);
    expect(variantBackendConfig({ ...served, baseUrl: "http://anywhere:1/v1" }, {})).toMatchObject({ baseUrl: "http://anywhere:1/v1" });
  });

  it("are checked when an admin registers the variant", async () => {
    const admin = callerFor(await makeUser("ADMIN"));
    const base = { name: "served", backend: "OPENAI_COMPATIBLE" as const, baseUrl: "http://gpu-1:8000/v1", defaults: sampling };
    expect(await refusal(admin.policyVariants.create({ ...base, apiKeyEnv: "DATABASE_URL" }))).toBe(
      "apiKeyEnv: the name of an environment variable on the workers: POLICY_API_KEY or POLICY_API_KEY_<NAME> (capitals, digits, _)",
    );
    process.env.POLICY_ALLOWED_HOSTS = "gpu-1:8000";
    try {
      expect(await refusal(admin.policyVariants.create({ ...base, name: "elsewhere", baseUrl: "http://evil.example/v1" }))).toBe(
        "baseUrl: evil.example is not one of the policy servers allowed by POLICY_ALLOWED_HOSTS (gpu-1:8000).",
      );
      expect(await admin.policyVariants.create({ ...base, apiKeyEnv: "POLICY_API_KEY_GPU1" })).toMatchObject({ apiKeyEnv: "POLICY_API_KEY_GPU1" });
    } finally {
      delete process.env.POLICY_ALLOWED_HOSTS;
    }
    // The variable's value is never stored.
    expect(JSON.stringify(await prisma.policyVariant.findMany())).not.toContain("gpu1-key");
  });

  it("the default variant from POLICY_BASE_URL reads POLICY_API_KEY", async () => {
    await prisma.policyVariant.deleteMany();
    const created = await ensureDefaultPolicyVariant(prisma, "/tmp", { POLICY_BASE_URL: "http://gpu-1:8000/v1", POLICY_API_KEY: "k" });
    expect(created).toMatchObject({ baseUrl: "http://gpu-1:8000/v1", apiKeyEnv: "POLICY_API_KEY" });
  });
});
