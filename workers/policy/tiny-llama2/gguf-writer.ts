// A GGUF v3 writer: enough of the format (https://github.com/ggml-org/ggml/blob/master/docs/gguf.md)
// to write a model of the llama architecture with F32 tensors. Metadata, then tensor infos,
// then tensor data, each tensor aligned to ALIGNMENT bytes.
import fs from "node:fs";

export const ALIGNMENT = 32;

const enum ValueType {
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
}
const GGML_TYPE_F32 = 0;

export type MetadataValue =
  | { type: "u32"; value: number }
  | { type: "f32"; value: number }
  | { type: "bool"; value: boolean }
  | { type: "string"; value: string }
  | { type: "string[]"; value: string[] }
  | { type: "f32[]"; value: Float32Array }
  | { type: "i32[]"; value: Int32Array };

/** dims in GGML order: dims[0] is the innermost (contiguous) dimension. */
export type Tensor = { name: string; dims: number[]; data: Float32Array };

class Bytes {
  private chunks: Buffer[] = [];
  length = 0;
  push(buffer: Buffer) {
    this.chunks.push(buffer);
    this.length += buffer.length;
  }
  u32(v: number) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }
  i32(v: number) {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.push(b);
  }
  u64(v: number) {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  f32(v: number) {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.push(b);
  }
  string(s: string) {
    const b = Buffer.from(s, "utf8");
    this.u64(b.length);
    this.push(b);
  }
  pad(alignment: number) {
    const rest = this.length % alignment;
    if (rest) this.push(Buffer.alloc(alignment - rest));
  }
  toBuffer() {
    return Buffer.concat(this.chunks);
  }
}

function writeValue(out: Bytes, value: MetadataValue) {
  switch (value.type) {
    case "u32":
      out.u32(ValueType.UINT32);
      return out.u32(value.value);
    case "f32":
      out.u32(ValueType.FLOAT32);
      return out.f32(value.value);
    case "bool":
      out.u32(ValueType.BOOL);
      return out.push(Buffer.from([value.value ? 1 : 0]));
    case "string":
      out.u32(ValueType.STRING);
      return out.string(value.value);
    case "string[]":
      out.u32(ValueType.ARRAY);
      out.u32(ValueType.STRING);
      out.u64(value.value.length);
      for (const s of value.value) out.string(s);
      return;
    case "f32[]":
      out.u32(ValueType.ARRAY);
      out.u32(ValueType.FLOAT32);
      out.u64(value.value.length);
      return out.push(Buffer.from(value.value.buffer, value.value.byteOffset, value.value.byteLength));
    case "i32[]":
      out.u32(ValueType.ARRAY);
      out.u32(ValueType.INT32);
      out.u64(value.value.length);
      return out.push(Buffer.from(value.value.buffer, value.value.byteOffset, value.value.byteLength));
  }
}

export function writeGguf(file: string, metadata: Record<string, MetadataValue>, tensors: Tensor[]) {
  const head = new Bytes();
  head.push(Buffer.from("GGUF", "ascii"));
  head.u32(3);
  head.u64(tensors.length);
  head.u64(Object.keys(metadata).length);
  for (const [key, value] of Object.entries(metadata)) {
    head.string(key);
    writeValue(head, value);
  }
  let offset = 0;
  const offsets: number[] = [];
  for (const tensor of tensors) {
    const expected = tensor.dims.reduce((a, b) => a * b, 1);
    if (expected !== tensor.data.length) throw new Error(`${tensor.name}: ${tensor.data.length} values for dims ${tensor.dims.join("×")}`);
    head.string(tensor.name);
    head.u32(tensor.dims.length);
    for (const d of tensor.dims) head.u64(d);
    head.u32(GGML_TYPE_F32);
    head.u64(offset);
    offsets.push(offset);
    offset += Math.ceil(tensor.data.byteLength / ALIGNMENT) * ALIGNMENT;
  }
  head.pad(ALIGNMENT);
  const fd = fs.openSync(file, "w");
  try {
    fs.writeSync(fd, head.toBuffer());
    for (const tensor of tensors) {
      const bytes = Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
      fs.writeSync(fd, bytes);
      const rest = bytes.length % ALIGNMENT;
      if (rest) fs.writeSync(fd, Buffer.alloc(ALIGNMENT - rest));
    }
  } finally {
    fs.closeSync(fd);
  }
}
