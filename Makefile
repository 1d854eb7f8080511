# biglm — every target installs what it needs on a fresh machine.
# `make train` runs the whole job on the bundled sample; `make test` runs the test suite.

SHELL := /bin/bash
NODE  := node
BIGLM := $(NODE) dist/cli/biglm.js
SAMPLE_DIR := data/sample
RUNS := runs

.PHONY: install build test prepare bench train train-smoke sample mix-sample clean

install: node_modules/.installed build

# npm ci only when the lock changed: `make install` stays idempotent and quick.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

build: node_modules/.installed
	npx tsc -p tsconfig.json

test: install
	npx vitest run

$(SAMPLE_DIR)/SAMPLE.json: | install
	$(BIGLM) sample --out $(SAMPLE_DIR)

sample: install $(SAMPLE_DIR)/SAMPLE.json

prepare: sample
	$(BIGLM) prepare configs/sample.json --out $(RUNS)/sample

# Corpus-mix experiment on the sample: e-mail vs Brown, a sweep of four mixtures, and a Megatron export.
mix-sample: sample
	$(BIGLM) prepare --input $(SAMPLE_DIR)/mail  --out $(RUNS)/sample-mail --tokenizer gpt2
	$(BIGLM) prepare --input $(SAMPLE_DIR)/brown --out $(RUNS)/sample-brown --tokenizer gpt2
	$(BIGLM) mix configs/mix-sample.json --out $(RUNS)/mix-sample --force
	$(BIGLM) export $(RUNS)/mix-sample/even --format megatron --out $(RUNS)/mix-sample/export/even_text_document

bench: install
	@for b in dist/bench/*.js; do echo "== $$b"; $(NODE) $$b || exit 1; done

train: prepare
	@echo "The trainer has not landed yet: 'make train' ran the data half (sample → prepare)."
	$(BIGLM) inspect $(RUNS)/sample --docs 2

train-smoke: install
	@echo "train-smoke: the trainer has not landed yet."

clean:
	rm -rf dist $(RUNS) $(SAMPLE_DIR) .bench node_modules/.installed
