/** Byte streams in tests: feed a buffer in pieces, collect what comes out. */

/** All chunks of a stream, concatenated. */
export async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of stream) out.push(c);
  return Buffer.concat(out);
}

/** `b` in pieces of `size` bytes (the last one shorter). */
export async function* pieces(b: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}
