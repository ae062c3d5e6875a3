// TLS presentation-language reader and writer with MLS variable-length vectors (RFC 9420 §2.1.2).

/** Builds a byte string field by field. */
export class TlsWriter {
  readonly #parts: Buffer[] = [];

  u8(value: number): this {
    this.#parts.push(Buffer.from([value & 0xff]));
    return this;
  }

  u16(value: number): this {
    return this.#fixed(2, (b) => b.writeUInt16BE(value));
  }

  u32(value: number): this {
    return this.#fixed(4, (b) => b.writeUInt32BE(value >>> 0));
  }

  u64(value: bigint): this {
    return this.#fixed(8, (b) => b.writeBigUInt64BE(value));
  }

  /** A big-endian integer of `bytes` bytes, written by `write`. */
  #fixed(bytes: number, write: (b: Buffer) => unknown): this {
    const b = Buffer.alloc(bytes);
    write(b);
    this.#parts.push(b);
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.#parts.push(Buffer.from(bytes));
    return this;
  }

  /** `opaque x<V>`: a varint length followed by the bytes. */
  vector(bytes: Uint8Array): this {
    this.#parts.push(encodeVarint(bytes.length), Buffer.from(bytes));
    return this;
  }

  bytes(): Buffer {
    return Buffer.concat(this.#parts);
  }
}

/** RFC 9420 varint: 2-bit length prefix, 1, 2 or 4 bytes, values below 2^30. */
export function encodeVarint(value: number): Buffer {
  if (value < 0x40) return Buffer.from([value]);
  if (value < 0x4000) return Buffer.from([0x40 | (value >> 8), value & 0xff]);
  if (value < 0x40000000) {
    const b = Buffer.alloc(4);
    b.writeUInt32BE((0x80000000 | value) >>> 0);
    return b;
  }
  throw new RangeError(`MLS vector of ${value} bytes is too long`);
}

/** Reads fields in order; every read throws on truncated input so a malformed message is rejected. */
export class TlsReader {
  readonly #buf: Buffer;
  #pos = 0;

  constructor(buf: Buffer) {
    this.#buf = buf;
  }

  get offset(): number {
    return this.#pos;
  }

  get remaining(): number {
    return this.#buf.length - this.#pos;
  }

  #take(n: number): Buffer {
    if (this.#pos + n > this.#buf.length)
      throw new Error(`MLS message truncated: needed ${n} bytes at offset ${this.#pos}`);
    const out = this.#buf.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return out;
  }

  u8(): number {
    return this.#take(1).readUInt8(0);
  }

  u16(): number {
    return this.#take(2).readUInt16BE(0);
  }

  u32(): number {
    return this.#take(4).readUInt32BE(0);
  }

  u64(): bigint {
    return this.#take(8).readBigUInt64BE(0);
  }

  varint(): number {
    const first = this.u8();
    const prefix = first >> 6;
    if (prefix === 0) return first;
    if (prefix === 1) return ((first & 0x3f) << 8) | this.u8();
    if (prefix === 2) return (((first & 0x3f) << 24) | (this.u8() << 16) | (this.u16() & 0xffff)) >>> 0;
    throw new Error('MLS varint with the reserved 0b11 prefix');
  }

  vector(): Buffer {
    return this.#take(this.varint());
  }

  /** A vector whose content is a sequence of items, each read by `item`. */
  list<T>(item: (r: TlsReader) => T): T[] {
    const inner = new TlsReader(this.vector());
    const out: T[] = [];
    while (inner.remaining > 0) out.push(item(inner));
    return out;
  }

  /** The bytes from `start` to the current position. */
  slice(start: number): Buffer {
    return this.#buf.subarray(start, this.#pos);
  }

  rest(): Buffer {
    return this.#take(this.remaining);
  }
}
