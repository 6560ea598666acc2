# One entry point for people, CI (.ci/run) and the Dockerfile's install step.
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
Q      ?=
PYTEST_ARGS ?=

export HF_HUB_OFFLINE := 1
export HF_HUB_DISABLE_PROGRESS_BARS := 1
export TOKENIZERS_PARALLELISM := false

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
	docker build -t notesbot .

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache .mypy_cache
