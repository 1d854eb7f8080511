#!/usr/bin/env bash
# CPU scaling of `biglm prepare` on a quiet many-core machine: bench/prepare.js with 1, 2, 4, 8 workers.
# Runs from the bundle scripts/cpu-bench/bundle.sh builds (.benchdev/); needs no Node and no network.
set -uo pipefail
B=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-/tmp/benchdev-out}; mkdir -p "$OUT"
W=$(mktemp -d); cd "$W"
exec > >(tee -a "$OUT/bench.log") 2>&1
unx() { if command -v xz >/dev/null; then tar -xJf "$1"; else python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), sys.stdout.buffer)' "$1" | tar -xf -; fi; }
mkdir node && (cd node && unx "$B/node.tar.xz"); unx "$B/app.tar.xz"; mkdir -p .bench && (cd .bench && unx "$B/sample.tar.xz")
NODE=$(ls -d "$W"/node/*/bin/node "$W"/node/bin/node 2>/dev/null | head -1)
export PATH=$(dirname "$NODE"):$PATH
echo "node $(node --version); cpus $(nproc); $(lscpu | grep -m1 'Model name'); $(lscpu | grep -m1 'Thread(s) per core')"
echo "=== all cores: workers 1,2,4,8, with the raw tokenizer comparison and the 2-thread ceiling"
BENCH_RAW=1 BENCH_WORKERS=1,2,4,8 timeout 240 node dist/bench/prepare.js
echo "done"
