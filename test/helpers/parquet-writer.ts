// Test-only: writes a tiny, uncompressed Parquet file by hand (Thrift compact protocol), since no writer is installed.
// Columns are flat: UTF-8 strings (required or optional, PLAIN encoding) or required INT64. One data page per chunk.

export interface ParquetColumn {
  name: string;
  type: 'string' | 'int64';
  /** Optional string columns may hold nulls (definition levels are written). */
  optional?: boolean;
  values: (string | Uint8Array | bigint | null)[];
}

/** Thrift compact encoding of just the shapes Parquet's footer and page headers need. */
class Compact {
  bytes: number[] = [];
  private last: number[] = [0];

  varint(n: bigint | number): void {
    let v = BigInt(n);
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }
  private zigzag(n: bigint | number): void {
    const v = BigInt(n);
    this.varint(v >= 0n ? v << 1n : (-v << 1n) - 1n);
  }
  private header(id: number, type: number): void {
    const delta = id - this.last[this.last.length - 1]!;
    if (delta > 0 && delta <= 15) this.bytes.push((delta << 4) | type);
    else {
      this.bytes.push(type);
      this.zigzag(id);
    }
    this.last[this.last.length - 1] = id;
  }
  i32(id: number, v: number): void {
    this.header(id, 5);
    this.zigzag(v);
  }
  i64(id: number, v: bigint | number): void {
    this.header(id, 6);
    this.zigzag(v);
  }
  binary(id: number, s: string): void {
    this.header(id, 8);
    const b = Buffer.from(s, 'utf8');
    this.varint(b.length);
    this.bytes.push(...b);
  }
  struct(id: number, body: () => void): void {
    this.header(id, 12);
    this.inStruct(body);
  }
  inStruct(body: () => void): void {
    this.last.push(0);
    body();
    this.bytes.push(0);
    this.last.pop();
  }
  list(id: number, elemType: 'i32' | 'binary' | 'struct', items: (() => void)[]): void {
    this.header(id, 9);
    const t = elemType === 'i32' ? 5 : elemType === 'binary' ? 8 : 12;
    if (items.length < 15) this.bytes.push((items.length << 4) | t);
    else {
      this.bytes.push(0xf0 | t);
      this.varint(items.length);
    }
    for (const item of items) item();
  }
  rawI32(v: number): void {
    this.zigzag(v);
  }
  rawBinary(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.varint(b.length);
    this.bytes.push(...b);
  }
}

function le32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

function pageData(col: ParquetColumn): Buffer {
  const parts: Buffer[] = [];
  if (col.optional) {
    // Definition levels (bit width 1) as RLE runs of length 1, prefixed by their byte length.
    const runs: number[] = [];
    for (const v of col.values) runs.push(1 << 1, v === null ? 0 : 1);
    parts.push(le32(runs.length), Buffer.from(runs));
  }
  for (const v of col.values) {
    if (v === null) continue;
    if (col.type === 'int64') {
      const b = Buffer.alloc(8);
      b.writeBigInt64LE(BigInt(v as bigint));
      parts.push(b);
    } else {
      const b = typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v as Uint8Array);
      parts.push(le32(b.length), b);
    }
  }
  return Buffer.concat(parts);
}

/** Builds a file with the given columns split into row groups of `rowsPerGroup` rows. */
export function writeParquet(columns: ParquetColumn[], rowsPerGroup = Infinity): Buffer {
  const rows = columns[0]?.values.length ?? 0;
  const out: Buffer[] = [Buffer.from('PAR1')];
  let pos = 4;
  const groups: { rows: number; chunks: { offset: number; size: number; col: ParquetColumn; n: number }[] }[] = [];
  for (let start = 0; start < rows; start += Math.min(rowsPerGroup, rows)) {
    const end = Math.min(rows, start + rowsPerGroup);
    const chunks: { offset: number; size: number; col: ParquetColumn; n: number }[] = [];
    for (const full of columns) {
      const col = { ...full, values: full.values.slice(start, end) };
      const data = pageData(col);
      const h = new Compact();
      h.inStruct(() => {
        h.i32(1, 0); // DATA_PAGE
        h.i32(2, data.length);
        h.i32(3, data.length);
        h.struct(5, () => {
          h.i32(1, col.values.length);
          h.i32(2, 0); // PLAIN
          h.i32(3, 3); // RLE definition levels
          h.i32(4, 3); // RLE repetition levels
        });
      });
      // inStruct wrote a top-level struct terminator; a page header is a bare struct, which is the same bytes.
      const page = Buffer.concat([Buffer.from(h.bytes), data]);
      chunks.push({ offset: pos, size: page.length, col, n: col.values.length });
      out.push(page);
      pos += page.length;
    }
    groups.push({ rows: end - start, chunks });
  }
  const m = new Compact();
  m.inStruct(() => {
    m.i32(1, 1);
    m.list(2, 'struct', [
      () =>
        m.inStruct(() => {
          m.binary(4, 'schema');
          m.i32(5, columns.length);
        }),
      ...columns.map(
        (c) => () =>
          m.inStruct(() => {
            m.i32(1, c.type === 'int64' ? 2 : 6); // INT64 | BYTE_ARRAY
            m.i32(3, c.optional ? 1 : 0); // OPTIONAL | REQUIRED
            m.binary(4, c.name);
            if (c.type === 'string') m.i32(6, 0); // converted type UTF8
          }),
      ),
    ]);
    m.i64(3, rows);
    m.list(
      4,
      'struct',
      groups.map(
        (g) => () =>
          m.inStruct(() => {
            m.list(
              1,
              'struct',
              g.chunks.map(
                (ch) => () =>
                  m.inStruct(() => {
                    m.i64(2, ch.offset);
                    m.struct(3, () => {
                      m.i32(1, ch.col.type === 'int64' ? 2 : 6);
                      m.list(2, 'i32', [() => m.rawI32(0), () => m.rawI32(3)]);
                      m.list(3, 'binary', [() => m.rawBinary(ch.col.name)]);
                      m.i32(4, 0); // UNCOMPRESSED
                      m.i64(5, ch.n);
                      m.i64(6, ch.size);
                      m.i64(7, ch.size);
                      m.i64(9, ch.offset);
                    });
                  }),
              ),
            );
            m.i64(
              2,
              g.chunks.reduce((s, c) => s + c.size, 0),
            );
            m.i64(3, g.rows);
          }),
      ),
    );
  });
  const meta = Buffer.from(m.bytes);
  out.push(meta, le32(meta.length), Buffer.from('PAR1'));
  return Buffer.concat(out);
}
