// `espalier substrate show`: one token's bitmap as text and its nearest tokens by cosine, to inspect a substrate.
import {
  bitmapToText,
  loadSubstrate,
  loadUnifont,
  nearestTokens,
  pieceLabel,
  renderToken,
  resolveFontPath,
  type Grid,
  type Squeeze,
} from '../../engine/substrate/index';
import type { Tokenizer } from '../../engine/tokenizer/index';
import { UserError } from '../../common/errors';
import { defineCommand, num, optNum, optStr, str } from '../command';
import { loadVocab } from '../vocab';

interface SubstrateShowResult {
  substrate: string;
  kind: string;
  token: string;
  id: number;
  /** Rows of the bitmap (█ ink, · background); null for kinds without a font. */
  bitmap: string[] | null;
  nearest: { id: number; token: string; cosine: number }[];
}

/** Finds the token id for what the user typed: a token's text, a special like <eos>, or a byte label like <0x41>. */
function findToken(tok: Tokenizer, text: string, vocabPath: string): number {
  const i = tok.pieces.findIndex((p) => pieceLabel(p) === text);
  if (i >= 0) return i;
  const ids = [...tok.encode(text)];
  const parts = ids.map((id) => JSON.stringify(pieceLabel(tok.pieces[id]!))).join(' ');
  throw new UserError(`"${text}" is not one token of ${vocabPath}; it encodes as ${ids.length} tokens: ${parts}`);
}

export default defineCommand({
  path: ['substrate', 'show'],
  summary: "print one token's substrate bitmap as text and its nearest tokens by cosine",
  options: [
    { name: 'substrate', kind: 'string', metavar: 'FILE', required: true, description: 'a substrate .safetensors' },
    {
      name: 'vocab',
      kind: 'string',
      metavar: 'FILE',
      required: true,
      description: 'the tokenizer.json it was built for',
    },
    { name: 'token', kind: 'string', metavar: 'TEXT', description: 'the token to show (text, <eos>, <0x41>)' },
    { name: 'id', kind: 'number', metavar: 'N', description: 'the token to show, by id' },
    { name: 'k', kind: 'number', metavar: 'N', default: 5, description: 'how many neighbours' },
    {
      name: 'font',
      kind: 'string',
      metavar: 'FILE',
      description: 'glyph substrates: the Unifont to draw with (default: a system Unifont)',
    },
  ],
  async run(opts, _positionals, ctx): Promise<SubstrateShowResult> {
    const subPath = str(opts, 'substrate');
    const vocabPath = str(opts, 'vocab');
    const sub = loadSubstrate(subPath);
    const tok = loadVocab(vocabPath);
    if (tok.id !== sub.meta.tokenizerId) {
      throw new UserError(
        `${vocabPath}: vocabulary ${tok.id.slice(0, 12)}… is not the one ${subPath} was built for (${String(sub.meta.tokenizerId).slice(0, 12)}…)`,
      );
    }
    const text = optStr(opts, 'token');
    const byId = optNum(opts, 'id');
    if ((text === undefined) === (byId === undefined))
      throw new UserError('give exactly one of --token TEXT or --id N');
    let id: number;
    if (text !== undefined) id = findToken(tok, text, vocabPath);
    else {
      id = byId!;
      if (!Number.isInteger(id) || id < 0 || id >= tok.size)
        throw new UserError(`--id ${id} is outside the vocabulary (0…${tok.size - 1})`);
    }
    const k = num(opts, 'k');
    if (!Number.isInteger(k) || k < 1) throw new UserError(`option --k expects a positive integer, got ${k}`);

    let bitmap: string[] | null = null;
    if (sub.kind === 'glyph') {
      const font = loadUnifont(resolveFontPath(optStr(opts, 'font')));
      if (sub.meta.fontSha256 && font.sha256 !== sub.meta.fontSha256) {
        ctx.log(
          `note: ${font.source} is not the font this substrate was built with (${sub.meta.fontFile ?? 'unknown'}); the bitmap may differ`,
        );
      }
      const grid = (sub.meta.grid ?? 16) as Grid;
      const squeeze = (sub.meta.squeeze ?? 'subsample') as Squeeze;
      bitmap = bitmapToText(renderToken(tok.pieces[id]!, font, { grid, squeeze }));
    }
    const nearest = nearestTokens(sub.matrix, sub.dim, id, k).map((n) => ({
      id: n.id,
      token: pieceLabel(tok.pieces[n.id]!),
      cosine: Number(n.cosine.toFixed(4)),
    }));
    return { substrate: sub.id, kind: sub.kind, token: pieceLabel(tok.pieces[id]!), id, bitmap, nearest };
  },
  human(result) {
    const r = result as SubstrateShowResult;
    const lines = [`token ${JSON.stringify(r.token)} (id ${r.id}) in ${r.kind} substrate ${r.substrate.slice(0, 12)}…`];
    if (r.bitmap) lines.push(...r.bitmap);
    else lines.push(`(a ${r.kind} substrate has no bitmap)`);
    lines.push(`nearest ${r.nearest.length} by cosine:`);
    for (const n of r.nearest) lines.push(`  ${n.cosine.toFixed(4)}  ${JSON.stringify(n.token)} (id ${n.id})`);
    return lines.join('\n');
  },
});
