#!/usr/bin/env bash
# Creates (or updates) the project's Python environment in .venv: PyTorch (CPU), transformers, tokenizers,
# safetensors, sacrebleu — used only by the interop checks (Hugging Face, PyTorch, sacreBLEU), bench/ and scale/.
# Espalier itself never needs Python. Exits non-zero, naming the package, when an install fails.
set -euo pipefail
cd "$(dirname "$0")/.."
py=${PYTHON:-python3}
command -v "$py" >/dev/null || { echo "python-env: no $py on PATH (Debian/Ubuntu: apt-get install python3 python3-venv)" >&2; exit 1; }
if [ ! -x .venv/bin/python ]; then
  echo "python-env: creating .venv with $($py --version)"
  "$py" -m venv .venv || { echo "python-env: '$py -m venv' failed (Debian/Ubuntu: apt-get install python3-venv)" >&2; exit 1; }
fi
# Machines without internet serve wheels from a local simple index; use it as the only index when it exists,
# so pip does not spend minutes retrying an unreachable default index.
if [ -z "${PIP_INDEX_URL:-}" ] && [ -d /opt/pypi/simple ]; then export PIP_INDEX_URL=file:///opt/pypi/simple; fi
# torch from its CPU wheel where the local folders hold it; the default index elsewhere.
pkgs=(torch transformers tokenizers safetensors sacrebleu)
missing=()
for p in "${pkgs[@]}"; do .venv/bin/python -c "import $p" 2>/dev/null || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "python-env: installing ${missing[*]}"
  .venv/bin/pip install --disable-pip-version-check -q "${missing[@]}"
fi
.venv/bin/python -c "import torch, transformers, tokenizers, safetensors, sacrebleu as s; print('python-env: torch', torch.__version__, '· transformers', transformers.__version__, '· tokenizers', tokenizers.__version__, '· sacrebleu', s.__version__)"
