// `espalier world`: writes the built-in demo world (EN/RU/ZH corpora, QA, multiple choice, translation) to a folder.
import { existsSync, statSync } from 'node:fs';
import { generateWorld, writeWorld, type WorldManifest, type WorldScale } from '../../lab/world/index';
import { UserError } from '../../common/errors';
import { defineCommand, num, optStr, str } from '../command';

type WorldResult = WorldManifest & { out: string; seconds: number };

const SCALES: readonly WorldScale[] = ['quick', 'default'];

export default defineCommand({
  path: ['world'],
  summary: 'generate the demo world (corpora en-ru and en-zh, QA, multiple choice, translation pairs) from a seed',
  options: [
    {
      name: 'out',
      kind: 'string',
      metavar: 'DIR',
      required: true,
      description: 'folder to write the files and manifest.json into',
    },
    { name: 'seed', kind: 'number', metavar: 'N', default: 1, description: 'the world seed (same seed, same bytes)' },
    {
      name: 'scale',
      kind: 'string',
      metavar: 'quick|default',
      default: 'default',
      description: 'quick: ~220 KB corpora; default: ~1.2 MB corpora',
    },
  ],
  async run(opts, _positionals, ctx): Promise<WorldResult> {
    const out = str(opts, 'out');
    const scale = optStr(opts, 'scale') as WorldScale;
    if (!SCALES.includes(scale))
      throw new UserError(`option --scale must be one of ${SCALES.join(', ')}, got "${scale}"`);
    const seed = num(opts, 'seed');
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
      throw new UserError(`option --seed must be an integer from 0 to 4294967295, got ${seed}`);
    if (existsSync(out) && !statSync(out).isDirectory())
      throw new UserError(`--out ${out}: exists and is not a folder; name a folder`);
    const t0 = performance.now();
    const world = generateWorld({ seed, scale });
    const manifest = writeWorld(out, world);
    const seconds = Math.round((performance.now() - t0) / 10) / 100;
    const bytes = manifest.files.reduce((s, f) => s + f.bytes, 0);
    ctx.log(
      `wrote the ${scale} world (seed ${seed}, ${manifest.files.length} files, ${(bytes / 1e6).toFixed(2)} MB) to ${out} in ${seconds} s`,
    );
    return { ...manifest, out, seconds };
  },
  human(result) {
    const r = result as WorldResult;
    const lines = [`world ${r.id.slice(0, 16)}  seed ${r.seed}  scale ${r.scale}  → ${r.out}`];
    for (const f of r.files) lines.push(`  ${f.name.padEnd(22)} ${String(f.bytes).padStart(9)} B  ${f.description}`);
    const q = r.stats.qa.en;
    lines.push(
      `  people ${r.stats.people.total} (held out ${r.stats.people.heldOut}), facts ${r.stats.facts}, QA ${q.questions} per language (${q.impossible} unanswerable), MC ${r.stats.mc.items}`,
    );
    return lines.join('\n');
  },
});
