// Public API of the frozen substrate: build (glyph, binary-id, random, imported), save/load, render, neighbours.
// The model loads substrates only through loadSubstrate; everything else here is for the builder, the CLI and the app.
import type { TokenPiece } from '../tokenizer/types';
import { type Bitmap, type RenderOptions, renderPiece } from './render';
import type { UnifontFont } from './unifont';

export { buildSubstrate, DEFAULT_DIM, type BuildOptions, type BuiltSubstrate, type QualityReport } from './build';
export { loadSubstrate, saveSubstrate, substrateId, SUBSTRATE_BUILDER_VERSION, SUBSTRATE_KINDS } from './format';
export type { Substrate, SubstrateKind, SubstrateMeta } from './format';
export { nearestTokens, pieceLabel, type Collisions, type Neighbour } from './report';
export { bitmapToText, type Bitmap, type Grid, type RenderOptions, type Squeeze } from './render';
export { loadUnifont, parseUnifontHex, type Glyph, type UnifontFont } from './unifont';
export { defaultFontSearch, findSystemUnifont, resolveFontPath, HOW_TO_GET_UNIFONT, type FontSearch } from './discover';
export { decodeNpy, encodeNpy } from './npy';

/** The bitmap a glyph substrate computes for one token (a plain string is taken as a text token). */
export function renderToken(piece: TokenPiece | string, font: UnifontFont, opts: RenderOptions = {}): Bitmap {
  return renderPiece(font, typeof piece === 'string' ? { kind: 'text', text: piece } : piece, opts);
}
