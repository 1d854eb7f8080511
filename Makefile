# biglm — every target installs what it needs on a fresh machine.
# `make train` runs the whole job on the bundled sample; `make test` runs the test suite.

SHELL := /bin/bash
NODE  := node
BIGLM := $(NODE) dist/cli/biglm.js
SAMPLE_DIR := data/sample
RUNS := runs

.PHONY: install build test prepare mask prepare-train mask-train bench fuzz train train-smoke sample mix-sample slurm-up slurm-down clean

RUN_SAMPLE := $(RUNS)/sample
EXAMPLES   := $(RUNS)/sample-examples
TRAIN_OUT  := $(RUNS)/train-tiny
# make train's data: the same sample and stages with a 2,048-token vocabulary (each token 4× as frequent,
# the softmax 4× cheaper: what a 10-minute CPU budget can learn from).
TRAIN_RUN      := $(RUNS)/sample-2k
TRAIN_EXAMPLES := $(RUNS)/sample-2k-examples
PROMPT     ?= The jury said that the election
PROMPT2    ?= Thank you for your order. Your
PROMPT3    ?= In the morning the old man

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

# Filters, exact + near dedup, PII, an 8k BPE trained on the kept text, tokenization (resumes when rerun).
prepare: sample
	$(BIGLM) prepare configs/sample.json --out $(RUN_SAMPLE)

# BiGLM examples: [BOS] doc [EOS] packed into 128-token rows, split/span masking, a held-out split.
mask: prepare
	rm -rf $(EXAMPLES)
	$(BIGLM) mask $(RUN_SAMPLE) --out $(EXAMPLES) --seq-len 128

# Corpus-mix experiment on the sample: e-mail vs Brown, a sweep of four mixtures, and a Megatron export.
mix-sample: sample
	$(BIGLM) prepare --input $(SAMPLE_DIR)/mail  --out $(RUNS)/sample-mail --tokenizer gpt2
	$(BIGLM) prepare --input $(SAMPLE_DIR)/brown --out $(RUNS)/sample-brown --tokenizer gpt2
	$(BIGLM) mix configs/mix-sample.json --out $(RUNS)/mix-sample --force
	$(BIGLM) export $(RUNS)/mix-sample/even --format megatron --out $(RUNS)/mix-sample/export/even_text_document

bench: install
	@for b in dist/bench/*.js; do \
	  case $$b in */train-check.js) echo "== $$b: skipped, the GPU check's trainer entry point (scripts/gpu), not a benchmark"; continue;; esac; \
	  echo "== $$b"; $(NODE) $$b || exit 1; done

# Thousands of seeded mutants per input format through the readers (not part of `make test`, which runs
# 30 per format): prints tried / clean / crashed / hung / invariant broken / peak RSS. FUZZ_MUTANTS=N to change.
FUZZ_MUTANTS ?= 2000
fuzz: install
	$(NODE) dist/bench/fuzz/readers.js --mutants $(FUZZ_MUTANTS)

prepare-train: sample
	$(BIGLM) prepare configs/sample-2k.json --out $(TRAIN_RUN)

mask-train: prepare-train
	rm -rf $(TRAIN_EXAMPLES)
	$(BIGLM) mask $(TRAIN_RUN) --out $(TRAIN_EXAMPLES) --seq-len 128

# The whole job: sample → prepare (2k vocabulary) → mask → train a tiny BiGLM → evaluate → generate.
# Starts the training over.
train: mask-train
	rm -rf $(TRAIN_OUT)
	$(BIGLM) train configs/train-tiny.json --examples $(TRAIN_EXAMPLES) --out $(TRAIN_OUT)
	$(BIGLM) eval --checkpoint $(TRAIN_OUT) --examples $(TRAIN_EXAMPLES)
	$(BIGLM) generate --checkpoint $(TRAIN_OUT) --prompt "$(PROMPT)" --steps
	$(BIGLM) generate --checkpoint $(TRAIN_OUT) --prompt "$(PROMPT2)"
	$(BIGLM) generate --checkpoint $(TRAIN_OUT) --prompt "$(PROMPT3)"
	@echo
	@echo "checkpoint: $(TRAIN_OUT)/checkpoints/latest (safetensors + config.json)"
	@echo "loss curve: $(TRAIN_OUT)/loss.svg   metrics: $(TRAIN_OUT)/metrics.jsonl   data report: $(TRAIN_RUN)/report.txt"
	@echo "reports to open in a browser: $(TRAIN_RUN)/report.html $(TRAIN_EXAMPLES)/report.html $(TRAIN_OUT)/report.html"

# About a minute: the same path on a small slice, for CI and quick checks.
train-smoke: mask-train
	rm -rf $(RUNS)/train-smoke
	$(BIGLM) train configs/train-tiny.json --examples $(TRAIN_EXAMPLES) --out $(RUNS)/train-smoke --smoke
	$(BIGLM) generate --checkpoint $(RUNS)/train-smoke --prompt "$(PROMPT)" --iterations 2

# A one-node Slurm cluster on this machine (Debian; root or sudo), for trying --executor slurm.
slurm-up:
	sudo bash scripts/slurm-cluster.sh install
	sudo bash scripts/slurm-cluster.sh start /tmp/biglm-slurm

slurm-down:
	sudo bash scripts/slurm-cluster.sh stop /tmp/biglm-slurm

clean:
	rm -rf dist $(RUNS) $(SAMPLE_DIR) .bench node_modules/.installed
