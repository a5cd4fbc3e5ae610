// Colours and objects: things a person owns one of (with a colour) and things a person has several of.
// Russian forms are written out by hand (nom gen dat acc ins prep | gen. plural); Chinese carries its measure word.
import type { Colour, RuGender, Thing } from '../types';

function colour(en: string, stem: string, soft: boolean, zh: string): Colour {
  return { en, ru: { stem, soft }, zh };
}

export const COLOURS: readonly Colour[] = [
  colour('red', 'красн', false, '红色'),
  colour('blue', 'син', true, '蓝色'),
  colour('green', 'зелён', false, '绿色'),
  colour('yellow', 'жёлт', false, '黄色'),
  colour('white', 'бел', false, '白色'),
  colour('black', 'чёрн', false, '黑色'),
  colour('grey', 'сер', false, '灰色'),
  colour('brown', 'коричнев', false, '棕色'),
  colour('orange', 'оранжев', false, '橙色'),
  colour('pink', 'розов', false, '粉色'),
  colour('purple', 'фиолетов', false, '紫色'),
];

/** `forms`: "nom gen dat acc ins prep | genPl", space-separated. */
function thing(
  en: string,
  enPlural: string,
  zh: string,
  mw: string,
  gender: RuGender,
  animate: boolean,
  forms: string,
  colours?: string[],
): Thing {
  const [sg, pl] = forms.split('|').map((s) => s.trim());
  const [nom, gen, dat, acc, ins, prep] = sg!.split(/\s+/);
  if (!nom || !gen || !dat || !acc || !ins || !prep || !pl) throw new Error(`thing ${en}: bad forms "${forms}"`);
  return {
    en,
    enPlural,
    zh,
    mw,
    ru: { nom, gen, dat, acc, ins, prep, genPl: pl, gender, animate },
    ...(colours ? { colours } : {}),
  };
}

/** Owned one at a time and described by colour ("owns a red car"). */
export const OWNABLE: readonly Thing[] = [
  thing('car', 'cars', '汽车', '辆', 'f', false, 'машина машины машине машину машиной машине | машин'),
  thing(
    'bicycle',
    'bicycles',
    '自行车',
    '辆',
    'm',
    false,
    'велосипед велосипеда велосипеду велосипед велосипедом велосипеде | велосипедов',
  ),
  thing('umbrella', 'umbrellas', '雨伞', '把', 'm', false, 'зонт зонта зонту зонт зонтом зонте | зонтов'),
  thing('hat', 'hats', '帽子', '顶', 'f', false, 'шляпа шляпы шляпе шляпу шляпой шляпе | шляп'),
  thing('jacket', 'jackets', '夹克', '件', 'f', false, 'куртка куртки куртке куртку курткой куртке | курток'),
  thing('bag', 'bags', '包', '个', 'f', false, 'сумка сумки сумке сумку сумкой сумке | сумок'),
  thing('boat', 'boats', '船', '艘', 'f', false, 'лодка лодки лодке лодку лодкой лодке | лодок'),
  thing('guitar', 'guitars', '吉他', '把', 'f', false, 'гитара гитары гитаре гитару гитарой гитаре | гитар'),
  thing(
    'phone',
    'phones',
    '手机',
    '部',
    'm',
    false,
    'телефон телефона телефону телефон телефоном телефоне | телефонов',
  ),
  thing('lamp', 'lamps', '灯', '盏', 'f', false, 'лампа лампы лампе лампу лампой лампе | ламп'),
  thing('armchair', 'armchairs', '扶手椅', '把', 'n', false, 'кресло кресла креслу кресло креслом кресле | кресел'),
  thing('house', 'houses', '房子', '座', 'm', false, 'дом дома дому дом домом доме | домов'),
  thing('scarf', 'scarves', '围巾', '条', 'm', false, 'шарф шарфа шарфу шарф шарфом шарфе | шарфов'),
  thing(
    'computer',
    'computers',
    '电脑',
    '台',
    'm',
    false,
    'компьютер компьютера компьютеру компьютер компьютером компьютере | компьютеров',
  ),
  thing('parrot', 'parrots', '鹦鹉', '只', 'm', true, 'попугай попугая попугаю попугая попугаем попугае | попугаев', [
    'green',
    'blue',
    'red',
    'yellow',
    'white',
    'grey',
  ]),
  thing('horse', 'horses', '马', '匹', 'f', true, 'лошадь лошади лошади лошадь лошадью лошади | лошадей', [
    'white',
    'black',
    'brown',
    'grey',
  ]),
];

/** Counted ("has three cats"); never coloured, and disjoint from OWNABLE so facts cannot contradict. */
export const COUNTABLE: readonly Thing[] = [
  thing('cat', 'cats', '猫', '只', 'f', true, 'кошка кошки кошке кошку кошкой кошке | кошек'),
  thing('dog', 'dogs', '狗', '只', 'f', true, 'собака собаки собаке собаку собакой собаке | собак'),
  thing('rabbit', 'rabbits', '兔子', '只', 'm', true, 'кролик кролика кролику кролика кроликом кролике | кроликов'),
  thing('fish', 'fish', '鱼', '条', 'f', true, 'рыбка рыбки рыбке рыбку рыбкой рыбке | рыбок'),
  thing('book', 'books', '书', '本', 'f', false, 'книга книги книге книгу книгой книге | книг'),
  thing(
    'pencil',
    'pencils',
    '铅笔',
    '支',
    'm',
    false,
    'карандаш карандаша карандашу карандаш карандашом карандаше | карандашей',
  ),
  thing('cup', 'cups', '杯子', '个', 'f', false, 'чашка чашки чашке чашку чашкой чашке | чашек'),
  thing('chair', 'chairs', '椅子', '把', 'm', false, 'стул стула стулу стул стулом стуле | стульев'),
  thing('cactus', 'cacti', '仙人掌', '盆', 'm', false, 'кактус кактуса кактусу кактус кактусом кактусе | кактусов'),
  thing('mirror', 'mirrors', '镜子', '面', 'n', false, 'зеркало зеркала зеркалу зеркало зеркалом зеркале | зеркал'),
  thing('candle', 'candles', '蜡烛', '支', 'f', false, 'свеча свечи свече свечу свечой свече | свечей'),
  thing('key', 'keys', '钥匙', '把', 'm', false, 'ключ ключа ключу ключ ключом ключе | ключей'),
];

export function coloursFor(t: Thing): readonly Colour[] {
  const allowed = t.colours;
  return allowed ? COLOURS.filter((c) => allowed.includes(c.en)) : COLOURS;
}

export function thingByEn(en: string): Thing {
  const t = [...OWNABLE, ...COUNTABLE].find((x) => x.en === en);
  if (!t) throw new Error(`no thing "${en}" in the lexicon`);
  return t;
}

export function colourByEn(en: string): Colour {
  const c = COLOURS.find((x) => x.en === en);
  if (!c) throw new Error(`no colour "${en}" in the lexicon`);
  return c;
}
