# One entry point for people, CI (.ci/run) and the Dockerfile's install step.
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
Q      ?=
PYTEST_ARGS ?=

export HF_HUB_OFFLINE := 1
export HF_HUB_DISABLE_PROGRESS_BARS := 1
export TOKENIZERS_PARALLELISM := false

# Where `notesbot` keeps the exported model (index/config.py): NOTESBOT_MODEL_CACHE
# from the environment or .env, else the user's cache folder.
MODEL_CACHE = $${NOTESBOT_MODEL_CACHE:-$$(sed -n 's/^NOTESBOT_MODEL_CACHE=//p' .env 2>/dev/null | tail -n 1)}
MODEL_CACHE_DEFAULT = $${XDG_CACHE_HOME:-$$HOME/.cache}/notesbot/models
# docker, podman or buildah; the last two need --format docker to keep HEALTHCHECK.
BUILDER ?= docker

.PHONY: install ask index test lint bench image clean

install: $(STAMP)

$(STAMP): pyproject.toml scripts/install.sh
	./scripts/install.sh $(VENV) dev
	@touch $@

ask: install
	@$(BIN)/notesbot ask "$(Q)"

index: install
	$(BIN)/notesbot index

test: install
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/hadolint Dockerfile

bench: install
	$(BIN)/python scripts/bench

image:
	$(BUILDER) build $(if $(filter docker,$(BUILDER)),,--format docker) -t notesbot .

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache .mypy_cache
	@cache="$(MODEL_CACHE)"; cache="$${cache:-$(MODEL_CACHE_DEFAULT)}"; \
	echo "kept: the exported model, shared by every checkout, in $$cache (rm -rf it to free ~90 MB)"
