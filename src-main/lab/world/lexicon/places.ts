// Countries and cities with their Russian case forms and Chinese names. Real geography, so the
// place facts in the corpora are true; the people who live there are invented.
import type { City, Country, RuGender } from '../types';

function country(en: string, nom: string, gen: string, loc: string, zh: string): Country {
  return { en, ru: { nom, gen, loc }, zh };
}

export const COUNTRIES = {
  france: country('France', 'Франция', 'Франции', 'во Франции', '法国'),
  germany: country('Germany', 'Германия', 'Германии', 'в Германии', '德国'),
  italy: country('Italy', 'Италия', 'Италии', 'в Италии', '意大利'),
  spain: country('Spain', 'Испания', 'Испании', 'в Испании', '西班牙'),
  russia: country('Russia', 'Россия', 'России', 'в России', '俄罗斯'),
  china: country('China', 'Китай', 'Китая', 'в Китае', '中国'),
  japan: country('Japan', 'Япония', 'Японии', 'в Японии', '日本'),
  egypt: country('Egypt', 'Египет', 'Египта', 'в Египте', '埃及'),
  austria: country('Austria', 'Австрия', 'Австрии', 'в Австрии', '奥地利'),
  poland: country('Poland', 'Польша', 'Польши', 'в Польше', '波兰'),
  canada: country('Canada', 'Канада', 'Канады', 'в Канаде', '加拿大'),
  norway: country('Norway', 'Норвегия', 'Норвегии', 'в Норвегии', '挪威'),
  australia: country('Australia', 'Австралия', 'Австралии', 'в Австралии', '澳大利亚'),
  turkey: country('Turkey', 'Турция', 'Турции', 'в Турции', '土耳其'),
} satisfies Record<string, Country>;

function city(
  en: string,
  nom: string,
  gen: string,
  loc: string,
  gender: RuGender,
  zh: string,
  c: Country,
  capital = false,
): City {
  return { en, ru: { nom, gen, loc, gender }, zh, country: c, capital };
}

const C = COUNTRIES;
// Indeclinable names (Токио, Осло, Торонто) keep one form in every case and are masculine, like "город".
export const CITIES: readonly City[] = [
  city('Paris', 'Париж', 'Парижа', 'в Париже', 'm', '巴黎', C.france, true),
  city('Lyon', 'Лион', 'Лиона', 'в Лионе', 'm', '里昂', C.france),
  city('Nice', 'Ницца', 'Ниццы', 'в Ницце', 'f', '尼斯', C.france),
  city('Berlin', 'Берлин', 'Берлина', 'в Берлине', 'm', '柏林', C.germany, true),
  city('Munich', 'Мюнхен', 'Мюнхена', 'в Мюнхене', 'm', '慕尼黑', C.germany),
  city('Hamburg', 'Гамбург', 'Гамбурга', 'в Гамбурге', 'm', '汉堡', C.germany),
  city('Rome', 'Рим', 'Рима', 'в Риме', 'm', '罗马', C.italy, true),
  city('Milan', 'Милан', 'Милана', 'в Милане', 'm', '米兰', C.italy),
  city('Venice', 'Венеция', 'Венеции', 'в Венеции', 'f', '威尼斯', C.italy),
  city('Madrid', 'Мадрид', 'Мадрида', 'в Мадриде', 'm', '马德里', C.spain, true),
  city('Barcelona', 'Барселона', 'Барселоны', 'в Барселоне', 'f', '巴塞罗那', C.spain),
  city('Moscow', 'Москва', 'Москвы', 'в Москве', 'f', '莫斯科', C.russia, true),
  city('Kazan', 'Казань', 'Казани', 'в Казани', 'f', '喀山', C.russia),
  city('Novosibirsk', 'Новосибирск', 'Новосибирска', 'в Новосибирске', 'm', '新西伯利亚', C.russia),
  city('Beijing', 'Пекин', 'Пекина', 'в Пекине', 'm', '北京', C.china, true),
  city('Shanghai', 'Шанхай', 'Шанхая', 'в Шанхае', 'm', '上海', C.china),
  city('Harbin', 'Харбин', 'Харбина', 'в Харбине', 'm', '哈尔滨', C.china),
  city('Tokyo', 'Токио', 'Токио', 'в Токио', 'm', '东京', C.japan, true),
  city('Osaka', 'Осака', 'Осаки', 'в Осаке', 'f', '大阪', C.japan),
  city('Cairo', 'Каир', 'Каира', 'в Каире', 'm', '开罗', C.egypt, true),
  city('Vienna', 'Вена', 'Вены', 'в Вене', 'f', '维也纳', C.austria, true),
  city('Warsaw', 'Варшава', 'Варшавы', 'в Варшаве', 'f', '华沙', C.poland, true),
  city('Krakow', 'Краков', 'Кракова', 'в Кракове', 'm', '克拉科夫', C.poland),
  city('Toronto', 'Торонто', 'Торонто', 'в Торонто', 'm', '多伦多', C.canada),
  city('Ottawa', 'Оттава', 'Оттавы', 'в Оттаве', 'f', '渥太华', C.canada, true),
  city('Oslo', 'Осло', 'Осло', 'в Осло', 'm', '奥斯陆', C.norway, true),
  city('Bergen', 'Берген', 'Бергена', 'в Бергене', 'm', '卑尔根', C.norway),
  city('Sydney', 'Сидней', 'Сиднея', 'в Сиднее', 'm', '悉尼', C.australia),
  city('Canberra', 'Канберра', 'Канберры', 'в Канберре', 'f', '堪培拉', C.australia, true),
  city('Istanbul', 'Стамбул', 'Стамбула', 'в Стамбуле', 'm', '伊斯坦布尔', C.turkey),
  city('Ankara', 'Анкара', 'Анкары', 'в Анкаре', 'f', '安卡拉', C.turkey, true),
];

export const ALL_COUNTRIES: readonly Country[] = Object.values(COUNTRIES);

export function cityByEn(en: string): City {
  const c = CITIES.find((x) => x.en === en);
  if (!c) throw new Error(`no city "${en}" in the lexicon`);
  return c;
}
