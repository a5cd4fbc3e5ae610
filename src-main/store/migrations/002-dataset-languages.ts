// Schema v2: datasets gain a language guess and a language mix, backfilled from the scripts counted at import.
import type { Migration } from './types';

// A frozen copy of the v2 guess: a migration must give the same result forever, even when the
// importer's own heuristic (lib/datasets/scripts.ts) is refined later.
const SCRIPT_LANGUAGE: Record<string, string> = { Latin: 'en', Cyrillic: 'ru', Han: 'zh' };

function guessFromScripts(scriptsJson: string): { language: string | null; languages: Record<string, number> } {
  let scripts: Record<string, unknown>;
  try {
    scripts = JSON.parse(scriptsJson) as Record<string, unknown>;
  } catch {
    return { language: null, languages: {} };
  }
  const counts: Record<string, number> = {};
  let total = 0;
  for (const [script, n] of Object.entries(scripts)) {
    if (typeof n !== 'number' || n <= 0 || script === 'Common' || script === 'Inherited') continue;
    const lang = SCRIPT_LANGUAGE[script] ?? 'other';
    counts[lang] = (counts[lang] ?? 0) + n;
    total += n;
  }
  if (total === 0) return { language: null, languages: {} };
  const languages: Record<string, number> = {};
  let best: string | null = null;
  for (const [lang, n] of Object.entries(counts)) {
    languages[lang] = Math.round((n / total) * 1e4) / 1e4;
    if (best === null || n > (counts[best] ?? 0)) best = lang;
  }
  return { language: best, languages };
}

export const migration002: Migration = {
  version: 2,
  name: 'dataset languages',
  up(db) {
    db.exec(`
      ALTER TABLE datasets ADD COLUMN language TEXT;
      ALTER TABLE datasets ADD COLUMN languages TEXT NOT NULL DEFAULT '{}';
      CREATE INDEX datasets_language ON datasets(project_id, language);
    `);
    const rows = db.prepare('SELECT id, scripts FROM datasets').all() as { id: string; scripts: string }[];
    const update = db.prepare('UPDATE datasets SET language = ?, languages = ? WHERE id = ?');
    for (const row of rows) {
      const g = guessFromScripts(row.scripts);
      update.run(g.language, JSON.stringify(g.languages), row.id);
    }
  },
};
