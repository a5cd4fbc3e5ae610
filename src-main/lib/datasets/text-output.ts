// Where extracted text goes (memory, or a file written atomically) and the statistics gathered on the way.
import { createHash } from 'node:crypto';
import { mkdirSync, promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ScriptCounter } from './scripts';

/** Anything with the tokenizer's encode (engine/tokenizer's Tokenizer and TokenizerLike qualify). */
export interface TokenCounting {
  encode(text: string): ArrayLike<number>;
}

const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * Counts tokens over a stream of text. Pieces are cut just after whitespace: no n-gram contains
 * whitespace, so greedy longest-match encoding has a token boundary there and the sum over pieces
 * equals the count for the whole text (long runs without whitespace are cut anyway, off by ≤ 1).
 */
export class TokenCounter {
  tokens = 0;
  private pending = '';

  constructor(private readonly tokenizer: TokenCounting) {}

  add(text: string): void {
    this.pending += text;
    if (this.pending.length >= 1 << 16) this.flush(false);
  }

  flush(final: boolean): void {
    const p = this.pending;
    let cut = p.length;
    if (!final) {
      let i = p.length - 1;
      while (i >= 0 && !SPACE.has(p.charCodeAt(i))) i--;
      if (i < 0 && p.length < 1 << 20) return;
      if (i >= 0) cut = i + 1;
    }
    if (cut > 0) this.tokens += this.tokenizer.encode(p.slice(0, cut)).length;
    this.pending = p.slice(cut);
  }
}

export class TextOutput {
  readonly scripts = new ScriptCounter();
  readonly tokens: TokenCounter | undefined;
  textBytes = 0;
  /** Whether anything but whitespace was written. */
  hasText = false;
  endsWithNewline = false;
  private readonly hash = createHash('sha256');
  private text = '';
  private queued: Buffer[] = [];
  private handle: fsp.FileHandle | undefined;
  private readonly tmp: string | undefined;

  private constructor(
    private readonly destination: string | undefined,
    tokenizer: TokenCounting | undefined,
  ) {
    this.tokens = tokenizer ? new TokenCounter(tokenizer) : undefined;
    this.tmp = destination
      ? join(dirname(destination), `.${basename(destination)}.${process.pid}.${Date.now()}.tmp`)
      : undefined;
  }

  /** Without a destination the text is kept in memory and returned by finish(). */
  static async open(destination: string | undefined, tokenizer?: TokenCounting): Promise<TextOutput> {
    const out = new TextOutput(destination, tokenizer);
    if (out.tmp) {
      mkdirSync(dirname(out.tmp), { recursive: true });
      out.handle = await fsp.open(out.tmp, 'w');
    }
    return out;
  }

  write(s: string): void {
    if (s.length === 0) return;
    const bytes = Buffer.from(s, 'utf8');
    this.hash.update(bytes);
    this.textBytes += bytes.length;
    this.scripts.add(s);
    this.tokens?.add(s);
    if (!this.hasText && /\S/.test(s)) this.hasText = true;
    this.endsWithNewline = s.endsWith('\n');
    // V8 concatenates lazily (a rope), so this does not copy the text so far on every call.
    if (this.handle) this.queued.push(bytes);
    else this.text += s;
  }

  /** Writes what is queued; awaiting it between input chunks bounds memory to about one chunk. */
  async drain(): Promise<void> {
    if (!this.handle || this.queued.length === 0) return;
    const bufs = this.queued;
    this.queued = [];
    await this.handle.writev(bufs);
  }

  /** Flushes, fsyncs and renames into place; returns the text when kept in memory. */
  async finish(): Promise<{ text?: string; textSha256: string; tokens: number | null }> {
    this.tokens?.flush(true);
    const digest = this.hash.digest('hex');
    const tokens = this.tokens ? this.tokens.tokens : null;
    if (!this.handle) return { text: this.text, textSha256: digest, tokens };
    await this.drain();
    await this.handle.sync();
    await this.handle.close();
    this.handle = undefined;
    await fsp.rename(this.tmp!, this.destination!);
    return { textSha256: digest, tokens };
  }

  /** Removes the partial temp file; the destination is never touched on failure. */
  async abort(): Promise<void> {
    this.text = '';
    this.queued = [];
    if (this.handle) {
      await this.handle.close().catch(() => undefined);
      this.handle = undefined;
    }
    if (this.tmp) await fsp.rm(this.tmp, { force: true });
  }
}
