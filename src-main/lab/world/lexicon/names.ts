// Invented given names built from syllables that have fixed Russian and Chinese transliterations,
// so that an unlimited supply of fresh names stays readable in all three scripts.
import type { Rng } from '../../../engine/util/rng';
import { declineName } from '../grammar/ru';
import type { PersonName, Sex } from '../types';
import { ALL_COUNTRIES, CITIES } from './places';
import { PROFESSIONS } from './professions';
import { COUNTABLE, OWNABLE } from './things';

/** [English, Russian, Chinese] for one syllable. */
type Syl = readonly [string, string, string];

// Vowel-only syllables may open a name but never stand inside one (no "Koe…" hiatus).
const INITIAL_ONLY: readonly Syl[] = [
  ['a', 'а', '阿'],
  ['e', 'э', '埃'],
  ['i', 'и', '伊'],
  ['u', 'у', '乌'],
];

const OPEN: readonly Syl[] = [
  ['ba', 'ба', '巴'],
  ['be', 'бе', '贝'],
  ['bo', 'бо', '博'],
  ['da', 'да', '达'],
  ['de', 'де', '德'],
  ['do', 'до', '多'],
  ['ga', 'га', '加'],
  ['go', 'го', '戈'],
  ['ka', 'ка', '卡'],
  ['ke', 'ке', '克'],
  ['ki', 'ки', '基'],
  ['ko', 'ко', '科'],
  ['la', 'ла', '拉'],
  ['le', 'ле', '莱'],
  ['li', 'ли', '利'],
  ['lo', 'ло', '洛'],
  ['ma', 'ма', '马'],
  ['me', 'ме', '梅'],
  ['mi', 'ми', '米'],
  ['mo', 'мо', '莫'],
  ['na', 'на', '纳'],
  ['ne', 'не', '内'],
  ['ni', 'ни', '尼'],
  ['no', 'но', '诺'],
  ['pa', 'па', '帕'],
  ['pe', 'пе', '佩'],
  ['po', 'по', '波'],
  ['ri', 'ри', '里'],
  ['ro', 'ро', '罗'],
  ['ru', 'ру', '鲁'],
  ['sa', 'са', '萨'],
  ['se', 'се', '塞'],
  ['so', 'со', '索'],
  ['ta', 'та', '塔'],
  ['te', 'те', '特'],
  ['ti', 'ти', '蒂'],
  ['to', 'то', '托'],
  ['va', 'ва', '瓦'],
  ['ve', 'ве', '韦'],
  ['vi', 'ви', '维'],
  ['vo', 'во', '沃'],
  ['za', 'за', '扎'],
  ['zo', 'зо', '佐'],
];

// Female names end in -a or -ia (first declension in Russian); Chinese uses the customary feminine characters.
const FEMALE_END: readonly Syl[] = [
  ['na', 'на', '娜'],
  ['ra', 'ра', '拉'],
  ['la', 'ла', '拉'],
  ['ta', 'та', '塔'],
  ['sa', 'са', '莎'],
  ['da', 'да', '达'],
  ['ka', 'ка', '卡'],
  ['lina', 'лина', '莉娜'],
  ['rina', 'рина', '丽娜'],
  ['nia', 'ния', '妮娅'],
  ['lia', 'лия', '莉娅'],
  ['mira', 'мира', '米拉'],
];

// Male names end in a hard consonant (second declension: -а, -у, -а, -ом, -е).
const MALE_END: readonly Syl[] = [
  ['mir', 'мир', '米尔'],
  ['lan', 'лан', '兰'],
  ['ton', 'тон', '顿'],
  ['dan', 'дан', '丹'],
  ['ris', 'рис', '里斯'],
  ['vik', 'вик', '维克'],
  ['rad', 'рад', '拉德'],
  ['tor', 'тор', '托尔'],
  ['gor', 'гор', '戈尔'],
  ['mas', 'мас', '马斯'],
  ['ros', 'рос', '罗斯'],
  ['sel', 'сел', '塞尔'],
  ['dor', 'дор', '多尔'],
  ['nik', 'ник', '尼克'],
  ['var', 'вар', '瓦尔'],
  ['mon', 'мон', '蒙'],
  ['len', 'лен', '伦'],
  ['bert', 'берт', '伯特'],
  ['mid', 'мид', '米德'],
  ['ron', 'рон', '龙'],
];

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A name from its three written forms; Russian cases are derived by the declension rules. */
export function makeName(en: string, ru: string, zh: string, sex: Sex): PersonName {
  return { en, ru: declineName(ru, sex), zh };
}

/** One random name: one or two opening syllables and a gendered ending. */
export function randomName(rng: Rng, sex: Sex): PersonName {
  const parts: Syl[] = [];
  const opening = rng.int(2) + 1;
  for (let i = 0; i < opening; i++) {
    const pool = i === 0 && rng.int(6) === 0 ? INITIAL_ONLY : OPEN;
    parts.push(pool[rng.int(pool.length)]!);
  }
  const end = sex === 'f' ? FEMALE_END : MALE_END;
  parts.push(end[rng.int(end.length)]!);
  const en = capitalise(parts.map((p) => p[0]).join(''));
  const ru = capitalise(parts.map((p) => p[1]).join(''));
  const zh = parts.map((p) => p[2]).join('');
  return makeName(en, ru, zh, sex);
}

// Syllable strings that happen to spell a word, often one of our own (со-ба-ка is "dog", Pa-ris a city).
const COMMON_WORDS = [
  'ракета',
  'лопата',
  'монета',
  'работа',
  'суббота',
  'погода',
  'дорога',
  'корова',
  'минута',
  'газета',
  'планета',
  'помада',
  'кабина',
  'малина',
  'калина',
  'кала',
  'века',
  'лиса',
  'коса',
  'рука',
  'барон',
  'лимон',
  'мотор',
  'помидор',
  'коридор',
  'салон',
  'банан',
  'диван',
  'туман',
];
const NOT_NAMES: ReadonlySet<string> = new Set(
  [
    ...COMMON_WORDS,
    ...CITIES.flatMap((c) => [c.en, c.ru.nom]),
    ...ALL_COUNTRIES.flatMap((c) => [c.en, c.ru.nom]),
    ...[...OWNABLE, ...COUNTABLE].flatMap((t) => [t.en, t.ru.nom]),
    ...PROFESSIONS.flatMap((p) => [p.en, p.ru.m.nom, p.ru.f.nom]),
  ].map((w) => w.toLowerCase()),
);
// Chinese runs words together, so a name must not hide inside a place or noun (波兰 is Poland, 多伦 starts 多伦多).
const ZH_WORDS: readonly string[] = [
  ...CITIES.map((c) => c.zh),
  ...ALL_COUNTRIES.map((c) => c.zh),
  ...[...OWNABLE, ...COUNTABLE].map((t) => t.zh),
  ...PROFESSIONS.map((p) => p.zh),
];

/**
 * Draws names until all three forms are new to `taken` and to `also` (Chinese merges l/r, so two
 * English names can share a Chinese one), then records them in `taken`. `avoidZh`: Chinese names
 * that must neither contain nor be contained in the new one (people side by side in one paragraph).
 */
export function uniqueName(
  rng: Rng,
  sex: Sex,
  taken: Set<string>,
  also?: ReadonlySet<string>,
  avoidZh?: readonly string[],
): PersonName {
  for (let tries = 0; ; tries++) {
    // Tens of thousands of names exist per sex; running out means the caller asked for far too many.
    if (tries > 200_000) throw new Error('uniqueName: no unused name left (too many people for the syllable tables)');
    const n = randomName(rng, sex);
    if (
      NOT_NAMES.has(n.ru.nom.toLowerCase()) ||
      NOT_NAMES.has(n.en.toLowerCase()) ||
      ZH_WORDS.some((w) => w.includes(n.zh))
    )
      continue;
    if (avoidZh?.some((z) => z.includes(n.zh) || n.zh.includes(z))) continue;
    const keys = nameKeys(n);
    if (keys.some((k) => taken.has(k) || also?.has(k))) continue;
    for (const k of keys) taken.add(k);
    return n;
  }
}

/** The keys `uniqueName` records, for seeding `taken` with names already in use. */
export function nameKeys(n: PersonName): string[] {
  return [`en:${n.en}`, `ru:${n.ru.nom}`, `zh:${n.zh}`];
}
