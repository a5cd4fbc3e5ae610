// Real-world test inputs, read from the Debian packages `.ci/run` installs (never from outside the repository):
// GNU Unifont, the Debian FAQ in English/Russian/Chinese, and fortunes-zh. A missing one fails with its install command.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

interface Source {
  path: string;
  pkg: string;
  /** Turns the installed file's bytes into the test text. */
  read(bytes: Buffer): string;
}

const FAQ = '/usr/share/doc/debian/FAQ';
const gunzipText = (b: Buffer) => gunzipSync(b).toString('utf8');
// fortune files colour their titles with ANSI escapes (ESC [ … m); the tests want the poems.
// eslint-disable-next-line no-control-regex -- matching the escape character is the point
const stripAnsi = (b: Buffer) => b.toString('utf8').replace(/\x1b\[[0-9;]*m/g, '');

/** The corpora, by the file name tests see. */
const CORPORA = {
  'debian-faq.en.txt': { path: `${FAQ}/debian-faq.en.txt.gz`, pkg: 'debian-faq', read: gunzipText },
  'debian-faq.ru.txt': { path: `${FAQ}/debian-faq.ru.txt.gz`, pkg: 'debian-faq-ru', read: gunzipText },
  'debian-faq.zh-cn.txt': { path: `${FAQ}/debian-faq.zh-cn.txt.gz`, pkg: 'debian-faq-zh-cn', read: gunzipText },
  'fortunes-zh.song100.txt': { path: '/usr/share/games/fortunes/song100.u8', pkg: 'fortunes-zh', read: stripAnsi },
} satisfies Record<string, Source>;
export type CorpusName = keyof typeof CORPORA;
export const CORPUS_NAMES = Object.keys(CORPORA) as CorpusName[];

export const UNIFONT_SYSTEM_PATH = '/usr/share/unifont/unifont.hex';
/** A plain-text file that is certainly not a font (the debian-faq package's copyright notice). */
export const NOT_A_FONT_PATH = '/usr/share/doc/debian-faq/copyright';

function installed(path: string, pkg: string): string {
  if (!existsSync(path)) throw new Error(`test fixture ${path} is missing: install it with \`sudo apt-get install -y ${pkg}\``);
  return path;
}

/** GNU Unifont 15.0.01 as the Debian `unifont` package installs it. */
export function unifontPath(): string {
  return installed(UNIFONT_SYSTEM_PATH, 'unifont');
}

/** The debian-faq copyright notice, a text file that is not a .hex font. */
export function notAFontPath(): string {
  return installed(NOT_A_FONT_PATH, 'debian-faq');
}

const texts = new Map<CorpusName, string>();
/** A corpus as text (decompressed in memory). */
export function corpusText(name: CorpusName): string {
  let t = texts.get(name);
  if (t === undefined) {
    const src: Source = CORPORA[name];
    t = src.read(readFileSync(installed(src.path, src.pkg)));
    texts.set(name, t);
  }
  return t;
}

let dir: string | null = null;
/** A temporary folder holding every corpus as a plain UTF-8 file under its name; removed when the process exits. */
export function corporaDir(): string {
  if (dir) return dir;
  const d = mkdtempSync(join(tmpdir(), 'espalier-fixtures-'));
  process.once('exit', () => rmSync(d, { recursive: true, force: true }));
  mkdirSync(d, { recursive: true });
  for (const name of CORPUS_NAMES) writeFileSync(join(d, name), corpusText(name));
  dir = d;
  return d;
}

/** The path of one corpus as a plain UTF-8 file (for code under test that reads files). */
export function corpusFile(name: CorpusName): string {
  return join(corporaDir(), name);
}
