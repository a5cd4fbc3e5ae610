// Where the project's Python lives (for interop checks only): $ESPALIER_PYTHON, else the repository's .venv
// made by scripts/python-env.sh. Tests that need it fail with that command when it is missing — never skip.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const PYTHON_SETUP = 'bash scripts/python-env.sh';

/** The interpreter path, or null when neither $ESPALIER_PYTHON nor .venv/bin/python exists. */
export function projectPython(): string | null {
  const env = process.env['ESPALIER_PYTHON'];
  if (env) return env;
  const venv = `${ROOT}.venv/bin/python`;
  return existsSync(venv) ? venv : null;
}

/** The interpreter, after checking it imports `modules`; throws naming the setup command otherwise. */
export function requirePython(modules: string[]): string {
  const py = projectPython();
  if (!py) throw new Error(`no project Python: run \`${PYTHON_SETUP}\` (or set ESPALIER_PYTHON)`);
  const r = spawnSync(py, ['-c', modules.map((m) => `import ${m}`).join('; ')], { encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(`${py} cannot import ${modules.join(', ')}: run \`${PYTHON_SETUP}\`\n${r.stderr}`);
  return py;
}
