// A GGUF v3 writer: enough of the format (https://github.com/ggml-org/ggml/blob/master/docs/gguf.md)
// to write a model of the llama architecture with F32 or F16 tensors. Metadata, then tensor infos,
// then tensor data, each tensor aligned to ALIGNMENT bytes.
import fs from "node:fs";
import path from "node:path";

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
const GGML_TYPE_F16 = 1;

export type MetadataValue =
  | { type: "u32"; value: number }
  | { type: "f32"; value: number }
  | { type: "bool"; value: boolean }
  | { type: "string"; value: string }
  | { type: "string[]"; value: string[] }
  | { type: "f32[]"; value: Float32Array }
  | { type: "i32[]"; value: Int32Array };

/**
 * dims in GGML order: dims[0] is the innermost (contiguous) dimension. `type` is how the values
 * are stored in the file (default F32); F16 halves the size, as real checkpoints are stored.
 */
export type Tensor = { name: string; dims: number[]; data: Float32Array; type?: "f32" | "f16" };

const f32View = new Float32Array(1);
const u32View = new Uint32Array(f32View.buffer);

/** IEEE 754 binary16 bits of a float, rounded to nearest even (what numpy's astype(float16) gives). */
export function toFloat16Bits(value: number): number {
  f32View[0] = value;
  const x = u32View[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0); // Inf, NaN
  let e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow: Inf
  if (e <= 0) {
    if (e < -10) return sign; // underflow: ±0
    mantissa |= 0x800000; // subnormal: shift in the implicit bit
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = mantissa & ((1 << shift) - 1);
    let bits = mantissa >>> shift;
    if (rest > half || (rest === half && bits & 1)) bits++;
    return sign | bits;
  }
  const rest = mantissa & 0x1fff;
  let bits = (e << 10) | (mantissa >>> 13);
  if (rest > 0x1000 || (rest === 0x1000 && bits & 1)) bits++; // may carry into the exponent, which is right
  return sign | bits;
}

function tensorBytes(tensor: Tensor): Buffer {
  if ((tensor.type ?? "f32") === "f32") return Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  const half = new Uint16Array(tensor.data.length);
  for (let i = 0; i < half.length; i++) half[i] = toFloat16Bits(tensor.data[i]!);
  return Buffer.from(half.buffer);
}

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
    const f16 = tensor.type === "f16";
    head.u32(f16 ? GGML_TYPE_F16 : GGML_TYPE_F32);
    head.u64(offset);
    offsets.push(offset);
    offset += Math.ceil((tensor.data.length * (f16 ? 2 : 4)) / ALIGNMENT) * ALIGNMENT;
  }
  head.pad(ALIGNMENT);
  const fd = fs.openSync(file, "w");
  try {
    fs.writeSync(fd, head.toBuffer());
    for (const tensor of tensors) {
      const bytes = tensorBytes(tensor);
      fs.writeSync(fd, bytes);
      const rest = bytes.length % ALIGNMENT;
      if (rest) fs.writeSync(fd, Buffer.alloc(ALIGNMENT - rest));
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes `file` with `write` unless it exists. The file is written under a temporary name and
 * renamed, so a concurrent reader (another worker starting) never sees half a model.
 */
export function writeFileOnce(file: string, write: (temporary: string) => void): string {
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}-${Date.now()}.tmp`;
  try {
    write(temporary);
    fs.renameSync(temporary, file);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  return file;
}
