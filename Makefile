# Two commands set everything up on a fresh machine: `make run` and `make test`.
VENV   ?= .venv
PYTHON ?= $(shell command -v python3.11 || command -v python3)
BIN    := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install index run test lint bench bench-scale eval browser clean

# torch is installed on its own first: pip finds the local CPU wheel of exactly 2.13.0 that way,
# and nothing later pulls a CUDA build.
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed ## create .venv and install the project with its dev tools

index: install ## build the index if missing or stale
	$(BIN)/assistant index

run: index ## serve the chat UI on 127.0.0.1:7860
	$(BIN)/assistant serve

test: install ## check the gold files against their corpora, then run every test (browser tests run when a Chromium is found; under CI=true they must)
	python3 eval/check_gold.py --quiet
	if [ -d eval/extra-corpus ]; then python3 eval/check_gold.py --quiet --corpus eval/extra-corpus --gold eval/extra-corpus/gold.jsonl; fi
	$(BIN)/pytest

lint: install ## ruff and mypy
	$(BIN)/ruff check assistant tests eval scripts
	$(BIN)/mypy

eval: index ## full system and baselines on the test split: eval/out/report.{md,html}, results.jsonl
	$(BIN)/assistant eval --split test

bench: index ## latency and build-time benchmark
	$(BIN)/python scripts/bench.py

bench-scale: install ## generated corpora of 4/40/400 documents, then FAISS + BM25 at 100k and 1M synthetic passages
	$(BIN)/python scripts/scale_bench.py

browser: ## install Debian's chromium for the UI tests (needs root)
	bash scripts/install-browser.sh

clean:
	rm -rf $(VENV) data
