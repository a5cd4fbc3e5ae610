// Real multilingual text from Debian packages that .ci/run installs (debian-faq, debian-faq-ru, debian-faq-zh-cn,
// fortunes-zh); a missing package fails the test with the install command.
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export const DEBIAN_TEXTS = {
  en: '/usr/share/doc/debian/FAQ/debian-faq.en.txt.gz',
  ru: '/usr/share/doc/debian/FAQ/debian-faq.ru.txt.gz',
  zh: '/usr/share/doc/debian/FAQ/debian-faq.zh-cn.txt.gz',
  song100: '/usr/share/games/fortunes/song100.u8',
} as const;

const PACKAGES = 'apt-get install debian-faq debian-faq-ru debian-faq-zh-cn fortunes-zh';

export function debianText(name: keyof typeof DEBIAN_TEXTS): string {
  const path = DEBIAN_TEXTS[name];
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`${PACKAGES}\``);
  const bytes = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}
