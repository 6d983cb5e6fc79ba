// Rows for PostgreSQL's `COPY … FROM STDIN (FORMAT binary)`, written straight into one Buffer.
//
// Why binary rather than text: text COPY needs every value escaped (a regular expression over
// every byte of every response), joined into one big string and encoded to UTF-8 again, and
// PostgreSQL then scans it all once more for delimiters and escapes. In binary, a value is its
// length and its UTF-8 bytes, written by Buffer#write in one native pass, and PostgreSQL copies
// it as it is. Format: https://www.postgresql.org/docs/current/sql-copy.html (Binary Format).
//
// Column types written here: text (and enums, whose binary form is their label), text[], int4
// and bool. The caller writes each row's values in the COPY statement's column order.

const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
/** The type of text[]'s elements (pg_type: a fixed, built-in OID). */
const TEXT_OID = 25;

/**
 * Memory for COPY payloads, used again from chunk to chunk: a fresh multi-megabyte buffer per
 * table and chunk would be page-faulted in afresh each time.
 * Each buffer owns its whole ArrayBuffer (never Node's shared pool), so it can be handed to
 * another thread and back.
 */
export class CopyBufferPool {
  private free: ArrayBuffer[] = [];
  private kept = 0;

  /** `size`: a new buffer's least size; `keep`: how many bytes at most wait here to be used again. */
  constructor(
    private readonly size = 1 << 20,
    private readonly keep = 64 << 20,
  ) {}

  /** The smallest free buffer of at least `atLeast` bytes, or a new one. */
  take(atLeast = 0): ArrayBuffer {
    let best = -1;
    this.free.forEach((b, i) => {
      if (b.byteLength >= atLeast && (best === -1 || b.byteLength < this.free[best]!.byteLength)) best = i;
    });
    if (best === -1) return Buffer.allocUnsafeSlow(Math.max(this.size, atLeast)).buffer as ArrayBuffer;
    const [buffer] = this.free.splice(best, 1);
    this.kept -= buffer!.byteLength;
    return buffer!;
  }

  give(buffer: ArrayBuffer) {
    if (buffer.byteLength === 0 || this.kept + buffer.byteLength > this.keep) return;
    this.free.push(buffer);
    this.kept += buffer.byteLength;
  }
}

export class BinaryCopyRows {
  private buffer: Buffer;
  private at = 0;
  rows = 0;

  constructor(private readonly pool = new CopyBufferPool(1 << 16, 0)) {
    this.buffer = Buffer.from(pool.take());
    this.at = SIGNATURE.copy(this.buffer, 0);
    this.buffer.writeInt32BE(0, this.at); // flags: no OIDs
    this.buffer.writeInt32BE(0, this.at + 4); // no header extension
    this.at += 8;
  }

  private reserve(bytes: number) {
    if (this.at + bytes <= this.buffer.length) return;
    const grown = Buffer.from(this.pool.take(Math.max(this.buffer.length * 2, this.at + bytes)));
    this.buffer.copy(grown, 0, 0, this.at);
    this.pool.give(this.buffer.buffer as ArrayBuffer);
    this.buffer = grown;
  }

  /** Starts a row of `fields` values. */
  row(fields: number): this {
    this.reserve(2);
    this.buffer.writeInt16BE(fields, this.at);
    this.at += 2;
    this.rows++;
    return this;
  }

  text(value: string | null): this {
    if (value === null) return this.null();
    // A UTF-16 code unit is at most 3 bytes of UTF-8; the length is filled in once written.
    this.reserve(4 + value.length * 3);
    const written = this.buffer.write(value, this.at + 4, "utf8");
    this.buffer.writeInt32BE(written, this.at);
    this.at += 4 + written;
    return this;
  }

  int(value: number): this {
    this.reserve(8);
    this.buffer.writeInt32BE(4, this.at);
    this.buffer.writeInt32BE(value, this.at + 4);
    this.at += 8;
    return this;
  }

  bool(value: boolean): this {
    this.reserve(5);
    this.buffer.writeInt32BE(1, this.at);
    this.buffer[this.at + 4] = value ? 1 : 0;
    this.at += 5;
    return this;
  }

  /** A text value kept in an arena (its place, from TextArena#put), copied as it is. */
  stored(arena: TextArena, place: number): this {
    if (place < 0) return this.null();
    const bytes = 4 + arena.bytes.readInt32BE(place);
    this.reserve(bytes);
    arena.bytes.copy(this.buffer, this.at, place, place + bytes);
    this.at += bytes;
    return this;
  }

  /** A text[] of values kept in an arena: a one-dimensional array with no nulls, lower bound 1. */
  textArray(arena: TextArena, places: readonly number[]): this {
    let bytes = 20; // dimensions, null flag, element type, length, lower bound
    for (const place of places) bytes += 4 + arena.bytes.readInt32BE(place);
    this.reserve(4 + bytes);
    this.buffer.writeInt32BE(bytes, this.at);
    this.buffer.writeInt32BE(1, this.at + 4);
    this.buffer.writeInt32BE(0, this.at + 8);
    this.buffer.writeInt32BE(TEXT_OID, this.at + 12);
    this.buffer.writeInt32BE(places.length, this.at + 16);
    this.buffer.writeInt32BE(1, this.at + 20);
    this.at += 24;
    for (const place of places) {
      const field = 4 + arena.bytes.readInt32BE(place);
      arena.bytes.copy(this.buffer, this.at, place, place + field);
      this.at += field;
    }
    return this;
  }

  null(): this {
    this.reserve(4);
    this.buffer.writeInt32BE(-1, this.at);
    this.at += 4;
    return this;
  }

  /** The whole COPY payload: header, rows and the end-of-data marker, at the start of its own ArrayBuffer. */
  finish(): Buffer {
    this.reserve(2);
    this.buffer.writeInt16BE(-1, this.at);
    this.at += 2;
    return this.buffer.subarray(0, this.at);
  }
}

/**
 * Text kept as UTF-8 bytes, off V8's heap, between reading a row and writing it: thousands of
 * rows wait for their chunk's lookup, and as strings they would be copied by every young-
 * generation garbage collection and then promoted (measured: a quarter of the importer's
 * time went to the collector). Each value is stored as a binary COPY field (length, bytes),
 * so writing it is one copy.
 */
export class TextArena {
  bytes: Buffer;
  private at = 0;

  constructor(private readonly pool: CopyBufferPool) {
    this.bytes = Buffer.from(pool.take());
  }

  /** Stores the text; returns its place (-1 for null). */
  put(value: string | null): number {
    if (value === null) return -1;
    const need = 4 + value.length * 3;
    if (this.at + need > this.bytes.length) {
      const grown = Buffer.from(this.pool.take(Math.max(this.bytes.length * 2, this.at + need)));
      this.bytes.copy(grown, 0, 0, this.at);
      this.pool.give(this.bytes.buffer as ArrayBuffer);
      this.bytes = grown;
    }
    const place = this.at;
    const written = this.bytes.write(value, place + 4, "utf8");
    this.bytes.writeInt32BE(written, place);
    this.at += 4 + written;
    return place;
  }

  /** Gives the memory back; the places are void from now on. */
  release() {
    this.pool.give(this.bytes.buffer as ArrayBuffer);
    this.bytes = Buffer.alloc(0);
  }
}
