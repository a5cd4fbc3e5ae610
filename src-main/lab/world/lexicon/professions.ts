// Professions. Russian keeps a feminine noun where the language has a usual one (учительница,
// певица) and the common noun otherwise (Анна — врач); the instrumental serves "работает кем".
import type { Profession } from '../types';

function prof(en: string, m: string, mIns: string, zh: string, f = m, fIns = mIns): Profession {
  return { en, ru: { m: { nom: m, ins: mIns }, f: { nom: f, ins: fIns } }, zh };
}

export const PROFESSIONS: readonly Profession[] = [
  prof('teacher', 'учитель', 'учителем', '老师', 'учительница', 'учительницей'),
  prof('doctor', 'врач', 'врачом', '医生'),
  prof('engineer', 'инженер', 'инженером', '工程师'),
  prof('pilot', 'пилот', 'пилотом', '飞行员'),
  prof('baker', 'пекарь', 'пекарем', '面包师'),
  prof('cook', 'повар', 'поваром', '厨师'),
  prof('singer', 'певец', 'певцом', '歌手', 'певица', 'певицей'),
  prof('writer', 'писатель', 'писателем', '作家', 'писательница', 'писательницей'),
  prof('painter', 'художник', 'художником', '画家', 'художница', 'художницей'),
  prof('farmer', 'фермер', 'фермером', '农民'),
  prof('driver', 'водитель', 'водителем', '司机'),
  prof('nurse', 'медбрат', 'медбратом', '护士', 'медсестра', 'медсестрой'),
  prof('lawyer', 'юрист', 'юристом', '律师'),
  prof('architect', 'архитектор', 'архитектором', '建筑师'),
  prof('musician', 'музыкант', 'музыкантом', '音乐家'),
  prof('journalist', 'журналист', 'журналистом', '记者', 'журналистка', 'журналисткой'),
  prof('gardener', 'садовник', 'садовником', '园丁'),
  prof('librarian', 'библиотекарь', 'библиотекарем', '图书管理员'),
  prof('programmer', 'программист', 'программистом', '程序员'),
  prof('dentist', 'стоматолог', 'стоматологом', '牙医'),
  prof('judge', 'судья', 'судьёй', '法官'),
  prof('actor', 'актёр', 'актёром', '演员', 'актриса', 'актрисой'),
  prof('photographer', 'фотограф', 'фотографом', '摄影师'),
  prof('carpenter', 'плотник', 'плотником', '木匠'),
  prof('accountant', 'бухгалтер', 'бухгалтером', '会计'),
];

export function professionByEn(en: string): Profession {
  const p = PROFESSIONS.find((x) => x.en === en);
  if (!p) throw new Error(`no profession "${en}" in the lexicon`);
  return p;
}
