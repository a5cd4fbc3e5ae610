// Schema v5: datasets gain a kind ('text' corpora for training, 'benchmark' files for evaluation, with their task,
// layout and translation pair), user-set languages, and language shares recounted by words instead of letters.
import type { Migration } from './types';

// SQLite cannot widen a CHECK constraint in place (formats gain 'json' and 'tsv'): the table is rebuilt.
const SQL = `
CREATE TABLE datasets_v5 (
  id           TEXT PRIMARY KEY,
  project_id   TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  source_path  TEXT NOT NULL,
  text_path    TEXT,
  format       TEXT NOT NULL CHECK (format IN ('txt', 'jsonl', 'csv', 'parquet', 'json', 'tsv')),
  field        TEXT,
  split        TEXT NOT NULL CHECK (split IN ('train', 'val', 'test')),
  sha256       TEXT NOT NULL,
  text_sha256  TEXT,
  bytes        INTEGER NOT NULL CHECK (bytes >= 0),
  characters   INTEGER NOT NULL CHECK (characters >= 0),
  records      INTEGER NOT NULL CHECK (records >= 0),
  tokens       INTEGER,
  tokenizer_id TEXT REFERENCES tokenizers(id) ON DELETE SET NULL,
  scripts      TEXT NOT NULL DEFAULT '{}',
  created_at   INTEGER NOT NULL,
  language     TEXT,
  languages    TEXT NOT NULL DEFAULT '{}',
  -- 'benchmark': an evaluation file (records = its items); never training text.
  kind         TEXT NOT NULL DEFAULT 'text' CHECK (kind IN ('text', 'benchmark')),
  task         TEXT CHECK (task IN ('mc', 'qa', 'bleu')),
  bench_format TEXT CHECK (bench_format IN ('mmlu-csv', 'squad-json', 'mc-jsonl', 'pairs-tsv', 'pairs-jsonl')),
  pair         TEXT,
  -- JSON list of language codes the user chose; NULL: the detected mix is shown.
  languages_set TEXT,
  UNIQUE (project_id, name),
  -- IS NOT NULL is 0 or 1, never NULL, so each comparison is decided (a NULL would pass a CHECK).
  CHECK ((kind = 'benchmark') = (task IS NOT NULL) AND (kind = 'benchmark') = (bench_format IS NOT NULL))
) STRICT;
INSERT INTO datasets_v5 (id, project_id, name, source_path, text_path, format, field, split, sha256, text_sha256, bytes,
  characters, records, tokens, tokenizer_id, scripts, created_at, language, languages)
SELECT id, project_id, name, source_path, text_path, format, field, split, sha256, text_sha256, bytes,
  characters, records, tokens, tokenizer_id, scripts, created_at, language, languages FROM datasets;
DROP TABLE datasets;
ALTER TABLE datasets_v5 RENAME TO datasets;
CREATE INDEX datasets_sha256 ON datasets(sha256);
CREATE INDEX datasets_language ON datasets(project_id, language);
CREATE INDEX datasets_kind ON datasets(project_id, kind);
`;

// A frozen copy of the v5 guess (lib/datasets/scripts.ts may be refined later; a migration must not change).
const LANGUAGE: Record<string, string> = { Latin: 'en', Cyrillic: 'ru', Han: 'zh' };
const LETTERS_PER_WORD: Record<string, number> = { Latin: 4.8, Cyrillic: 6.2, Han: 1.6, Hiragana: 2, Katakana: 3 };

function sharesByWords(scriptsJson: string): { language: string | null; languages: Record<string, number> } {
  let scripts: Record<string, unknown>;
  try {
    scripts = JSON.parse(scriptsJson) as Record<string, unknown>;
  } catch {
    return { language: null, languages: {} };
  }
  const num = (k: string) => (typeof scripts[k] === 'number' ? (scripts[k] as number) : 0);
  const kana = num('Hiragana') + num('Katakana');
  const japanese = kana > 0.1 * (num('Han') + kana);
  const words: Record<string, number> = {};
  let total = 0;
  for (const [script, n] of Object.entries(scripts)) {
    if (typeof n !== 'number' || n <= 0 || script === 'Common') continue;
    const lang = script === 'Han' && japanese ? 'other' : (LANGUAGE[script] ?? 'other');
    const w = n / (LETTERS_PER_WORD[script] ?? 4.8);
    words[lang] = (words[lang] ?? 0) + w;
    total += w;
  }
  if (total === 0) return { language: null, languages: {} };
  const languages: Record<string, number> = {};
  let best: string | null = null;
  for (const lang of ['en', 'ru', 'zh', 'other']) {
    const w = words[lang] ?? 0;
    if (w <= 0) continue;
    languages[lang] = Math.round((w / total) * 1e4) / 1e4;
    if (best === null || w > (words[best] ?? 0)) best = lang;
  }
  return { language: best, languages };
}

export const migration005: Migration = {
  version: 5,
  name: 'benchmark datasets and editable languages',
  up(db) {
    db.exec(SQL);
    const rows = db.prepare('SELECT id, scripts FROM datasets').all() as { id: string; scripts: string }[];
    const update = db.prepare('UPDATE datasets SET language = ?, languages = ? WHERE id = ?');
    for (const row of rows) {
      const g = sharesByWords(row.scripts);
      update.run(g.language, JSON.stringify(g.languages), row.id);
    }
  },
};
