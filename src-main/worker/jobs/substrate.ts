// 'substrate' job: builds (or reuses) the project's tokenizer from its training texts, then a frozen substrate
// for it (glyph needs GNU Unifont: the given fontPath or a system install); main registers both.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildSubstrate, resolveFontPath, saveSubstrate } from '../../engine/substrate';
import { buildTokenizer, loadTokenizer, readCorpusFile, saveTokenizer } from '../../engine/tokenizer';
import { SubstrateParams } from '../job-types';
import type { JobHandler } from '../runtime';

export const substrateJob: JobHandler = async (raw, ctx) => {
  const p = SubstrateParams.parse(raw);
  // Fail before the slow part: a missing font is the commonest problem, and its message says what to do.
  const fontPath = p.kind === 'glyph' ? resolveFontPath(p.fontPath) : null;
  ctx.progress(0.02, 'reading the training texts');
  const texts = p.corpora.map((c) => readCorpusFile(c.file));
  ctx.stopIfAsked();
  let reused = false;
  let tok;
  if (p.reuseTokenizerFile && existsSync(p.reuseTokenizerFile)) {
    tok = loadTokenizer(p.reuseTokenizerFile);
    reused = true;
    ctx.log(`reusing tokenizer ${tok.id.slice(0, 12)}… (${tok.size} tokens)`);
  } else {
    ctx.progress(0.05, `building a tokenizer with ${p.ngrams} n-grams`);
    tok = buildTokenizer(texts, { ngrams: p.ngrams });
    ctx.log(`built tokenizer ${tok.id.slice(0, 12)}…: ${tok.size} tokens (${tok.ngrams} n-grams)`);
  }
  const tokenizerFile = join(p.tokenizersDir, `${tok.id}.json`);
  // Content-addressed: an existing file with this name already holds exactly this vocabulary.
  if (!existsSync(tokenizerFile)) saveTokenizer(tok, tokenizerFile);
  ctx.stopIfAsked();

  ctx.progress(0.2, `building the ${p.kind} substrate`);
  const sub = buildSubstrate(tok, {
    kind: p.kind,
    dim: p.dim,
    font: fontPath ?? undefined,
    grid: p.grid,
    seed: p.seed,
    matrix: p.matrixPath,
    onProgress: (stage, done, total) =>
      ctx.progress(0.2 + 0.7 * (total > 0 ? done / total : 0), `${stage} ${done}/${total}`),
  });
  const file = join(p.substratesDir, `${sub.id}.safetensors`);
  if (!existsSync(file)) saveSubstrate(file, sub);
  const { collisions } = sub.report;
  ctx.log(
    `substrate ${sub.id.slice(0, 12)}… [${sub.vocabSize} × ${sub.dim}], ${collisions.tokens} tokens share a ${p.kind === 'glyph' ? 'bitmap' : 'row'}`,
  );

  ctx.progress(0.95, 'counting tokens');
  const datasetTokens: Record<string, number> = {};
  p.corpora.forEach((c, i) => (datasetTokens[c.datasetId] = tok.encode(texts[i]!).length));
  ctx.progress(1, `${sub.kind} substrate ready`);
  return {
    tokenizer: { id: tok.id, vocabSize: tok.size, ngrams: tok.ngrams, file: tokenizerFile, reused },
    substrate: {
      id: sub.id,
      kind: sub.kind,
      dim: sub.dim,
      vocabSize: sub.vocabSize,
      file,
      meta: { ...sub.meta },
      collisions: collisions.tokens,
      collisionGroups: collisions.groups,
      fontPath,
    },
    datasetTokens,
  };
};
