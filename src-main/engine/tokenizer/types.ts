// The tokenizer's public shape, shared by the substrate builder, the model and the app.

/** What one vocabulary entry stands for. Byte tokens cover any string the characters do not. */
export type TokenPiece =
  { kind: 'special'; text: string } | { kind: 'byte'; byte: number } | { kind: 'text'; text: string };

export interface TokenizerLike {
  /** SHA-256 (hex) of the ordered vocabulary. */
  readonly id: string;
  readonly size: number;
  /** Entry i describes token id i. */
  readonly pieces: readonly TokenPiece[];
  readonly specials: { pad: number; bos: number; eos: number; unk: number };
  encode(text: string): Int32Array;
  decode(ids: ArrayLike<number>): string;
}
