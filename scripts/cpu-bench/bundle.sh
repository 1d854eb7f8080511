#!/usr/bin/env bash
# Builds .benchdev/: what `bench/prepare.js` needs to measure `biglm prepare` scaling on another x86-64 machine
# that has no Node and no network (a lent many-core device machine): a stripped Node, dist/ with the
# node_modules files prepare actually loads (traced), and the sample corpus. Then, on that machine:
#   bash .benchdev/run.sh        (results in $OUT/bench.log)
#
#   scripts/cpu-bench/bundle.sh  (needs `make install` and .bench/sample, which `make bench` creates)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
# shellcheck source=../lib/copy-traced.sh
. scripts/lib/copy-traced.sh
B=$ROOT/.benchdev
[ "$(uname -m)" = x86_64 ] || { echo "bundle.sh: build on x86-64" >&2; exit 1; }
[ -f .bench/sample/SAMPLE.json ] || { echo "bundle.sh: .bench/sample is missing: run make bench once" >&2; exit 1; }
git check-ignore -q .benchdev/x || { echo "bundle.sh: add /.benchdev/ to .git/info/exclude" >&2; exit 1; }
npx tsc -p tsconfig.json
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$B" "$STAGE/app"
XZ="xz -6 -T2"

# Which files prepare loads: one small quick-mode run, inline and with a pool (threads inherit the hook).
printf '{"text":"Hello world, a tiny document.","id":"1"}\n' > "$STAGE/a.jsonl"
cp "$STAGE/a.jsonl" "$STAGE/b.jsonl"
export TRACE_OUT=$STAGE/trace.txt
for w in 1 2; do
  node --import "$ROOT/scripts/gpu/trace-modules.mjs" dist/cli/biglm.js prepare --input "$STAGE/a.jsonl" --input "$STAGE/b.jsonl" \
    --out "$STAGE/run" --force --workers $w --no-progress > /dev/null 2>&1 || true
done
node --import "$ROOT/scripts/gpu/trace-modules.mjs" -e "require('tiktoken')" > /dev/null
find dist -type f ! -name '*.map' ! -name '*.d.ts' -exec cp --parents {} "$STAGE/app/" \;
cp package.json "$STAGE/app/"
{ sort -u "$TRACE_OUT"; find node_modules/piscina -type f | sed "s#^#$ROOT/#"; } | sort -u | copy_traced_files "$ROOT" "$STAGE/app"
tar -C "$STAGE/app" -cf - . | $XZ > "$B/app.tar.xz"
tar -C .bench -cf - sample | $XZ > "$B/sample.tar.xz"
if [ -f .gpu/node.tar.xz ] && [ "$(cat .gpu/node.version 2>/dev/null)" = "$(node --version)" ]; then
  cp .gpu/node.tar.xz "$B/node.tar.xz"
else
  mkdir -p "$STAGE/nodepkg/node/bin"
  cp "$(command -v node)" "$STAGE/nodepkg/node/bin/node"
  strip "$STAGE/nodepkg/node/bin/node"
  tar -C "$STAGE/nodepkg" -cf - node | $XZ > "$B/node.tar.xz"
fi
cp scripts/cpu-bench/run.sh "$B/run.sh"
du -sh "$B"/*
