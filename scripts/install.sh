#!/usr/bin/env sh
# One install path for the Makefile, CI and the Dockerfile.
#   scripts/install.sh [VENV] [EXTRAS]     defaults: .venv dev
# EXTRAS: "dev" (tests, linters; includes "export"), "export" (torch and
# sentence-transformers, to export the model to ONNX once), or "" for the
# runtime alone: onnxruntime and tokenizers serve, no torch.
#
# Wherever torch is installed it is the CPU-only build, taken from
# TORCH_INDEX_URL (default: the PyTorch CPU index) or from pip's own
# configuration (a mirror, a find-links folder); plain PyPI has only the CUDA
# build, gigabytes of it. pip's configuration (PIP_INDEX_URL,
# PIP_EXTRA_INDEX_URL, PIP_CERT, pip.conf ...) applies to every step.
set -eu
venv="${1:-.venv}"
extras="${2-dev}"
python="${PYTHON:-python3.11}"
command -v "$python" >/dev/null 2>&1 || python=python3
torch_index="${TORCH_INDEX_URL-https://download.pytorch.org/whl/cpu}"
# Keep in step with the export extra in pyproject.toml.
torch_version=2.13.0

say() { echo "install.sh: $*" >&2; }

# An empty pip setting (an image build argument left unset) means "not set".
for name in PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_TRUSTED_HOST PIP_CERT PIP_FIND_LINKS; do
    eval "value=\${$name-}"
    if [ -z "$value" ]; then unset "$name"; fi
done

if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
pip="$venv/bin/python -m pip"
pip_opts="--progress-bar off"

case ",$extras," in
*,dev,* | *,export,*)
    # torch first, pinned to its CPU build ("+cpu" on Linux; macOS and Windows
    # wheels are CPU-only as they are).
    if [ "$(uname -s)" = Linux ]; then spec="torch==$torch_version+cpu"; else spec="torch==$torch_version"; fi
    # pip's own sources first (a mirror, a wheel folder: asked quietly, as
    # plain PyPI says no at once), else the PyTorch CPU index besides them.
    # shellcheck disable=SC2086
    if [ -z "$torch_index" ] || $pip install --dry-run --quiet --no-deps "$spec" >/dev/null 2>&1; then
        say "$spec from pip's configured sources"
        set --
    else
        say "$spec from $torch_index"
        set -- --extra-index-url "$torch_index"
    fi
    # shellcheck disable=SC2086
    if ! $pip install $pip_opts "$@" "$spec"; then
        say "error: no CPU-only torch $torch_version (see pip's error above)."
        say "  Point TORCH_INDEX_URL at a reachable copy of https://download.pytorch.org/whl/cpu,"
        say "  or put the wheel in a folder and set PIP_FIND_LINKS to it. Only the model export"
        say "  needs torch: 'scripts/install.sh VENV \"\"' installs the runtime without it."
        exit 1
    fi
    ;;
esac

# shellcheck disable=SC2086
if [ -n "$extras" ]; then
    $pip install $pip_opts -e ".[$extras]"
else
    $pip install $pip_opts .
fi
