// (dialogue, response) inputs for feature tests: pairs of responses to a few multi-turn prompts.
import type { FeatureInput } from "../extractor";
import type { FeatureExtractor, FormattedInput } from "../extractor";

const topics = ["the sea", "bread", "a bicycle", "the moon", "jazz", "tea"];

/** `pairs` pairs: responses A and B to the same prompt, adjacent, as a training set lists them. */
export function pairInputs(pairs: number, tag = ""): FeatureInput[] {
  const inputs: FeatureInput[] = [];
  for (let i = 0; i < pairs; i++) {
    const topic = topics[i % topics.length]!;
    const dialogue = {
      systemPrompt: i % 3 === 0 ? "You are a helpful, respectful and honest assistant." : null,
      turns: [
        { role: "USER" as const, content: `Tell me about ${topic}.${tag}` },
        { role: "ASSISTANT" as const, content: `Here is something about ${topic}.` },
        { role: "USER" as const, content: `And one more thing, number ${i}?` },
      ],
    };
    inputs.push({ dialogue, response: `Sure: ${topic} is lovely (${i}).` }, { dialogue, response: `No idea about ${topic}, sorry ${i}.` });
  }
  return inputs;
}

/** An extractor that counts what reaches the model, around a real one. */
export class CountingExtractor implements FeatureExtractor {
  calls = 0;
  embedded = 0;
  constructor(
    readonly inner: FeatureExtractor,
    private readonly change: (vector: Float32Array) => Float32Array = (vector) => vector,
    private readonly reportedDims: number | null | undefined = undefined,
  ) {}
  get identity() {
    return this.inner.identity;
  }
  get key() {
    return this.inner.key;
  }
  get dims() {
    return this.reportedDims === undefined ? this.inner.dims : this.reportedDims;
  }
  get description() {
    return this.inner.description;
  }
  format(input: FeatureInput) {
    return this.inner.format(input);
  }
  async embed(inputs: FormattedInput[], signal?: AbortSignal) {
    this.calls++;
    this.embedded += inputs.length;
    return (await this.inner.embed(inputs, signal)).map(this.change);
  }
}
