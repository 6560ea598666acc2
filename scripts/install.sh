#!/usr/bin/env sh
# One install path for the Makefile, CI and the Dockerfile.
#   scripts/install.sh [VENV] [EXTRAS]     defaults: .venv dev
# TORCH_INDEX_URL (optional): where to take the CPU torch wheel from, e.g.
#   https://download.pytorch.org/whl/cpu in an image build on a networked host.
set -eu
venv="${1:-.venv}"
extras="${2-dev}"  # "" (given) means no extras: the image's runtime install
python="${PYTHON:-python3.11}"
command -v "$python" >/dev/null 2>&1 || python=python3

if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
pip="$venv/bin/python -m pip"
# torch first and pinned: unpinned, pip resolves a multi-GB CUDA build.
if [ -n "${TORCH_INDEX_URL:-}" ]; then
    $pip install --quiet --index-url "$TORCH_INDEX_URL" torch==2.13.0
else
    $pip install --quiet torch==2.13.0
fi
if [ -n "$extras" ]; then
    $pip install --quiet -e ".[$extras]"
else
    $pip install --quiet .
fi
