#!/usr/bin/env bash
# Builds .gpu/ (git-ignored): everything scripts/gpu/check.sh needs on a GPU machine that has no network
# and perhaps no Node.js, small enough to travel with the repository (tens of MB):
#
#   node.tar.xz      this machine's Node (x86-64, stripped; the check uses the machine's own Node >= 20 if any)
#   app.tar.xz       dist/ and node_modules/ cut down to the files the trainer loads (bench/train-check.js,
#                    traced while it trains, generates and imports the WebGPU packages), plus *.wasm beside them
#   examples.tar.xz  the smallest training shard and the first held-out shard of EXAMPLES, with the tokenizer
#   lib/             Vulkan loader and what NVIDIA's Vulkan driver links against (Debian .debs, unpacked);
#                    the check puts on the library path only those the machine lacks
#   check.sh, summarize.py, train-tiny.json
#
#   scripts/gpu/bundle.sh [EXAMPLES]     EXAMPLES: masked examples (default runs/sample-2k-examples, `make mask-train`)
#
# Needs npm ci (with the optional packages webgpu and @tensorflow/tfjs-backend-webgpu), apt-get and xz.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
# shellcheck source=../lib/copy-traced.sh
. scripts/lib/copy-traced.sh
EXAMPLES=$(realpath "${1:-runs/sample-2k-examples}")
G=$ROOT/.gpu
[ "$(uname -m)" = x86_64 ] || { echo "bundle.sh: the GPU machine is x86-64; build the bundle on x86-64" >&2; exit 1; }
for p in webgpu @tensorflow/tfjs-backend-webgpu @tensorflow/tfjs-backend-wasm; do
  [ -d "node_modules/$p" ] || { echo "bundle.sh: node_modules/$p is missing; run npm ci" >&2; exit 1; }
done
[ -f "$EXAMPLES/manifest.json" ] || { echo "bundle.sh: $EXAMPLES/manifest.json not found (make mask, or pass an examples directory)" >&2; exit 1; }
git check-ignore -q .gpu/x || { echo "bundle.sh: .gpu/ is not git-ignored; add /.gpu/ to .git/info/exclude" >&2; exit 1; }

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$G"
npx tsc -p tsconfig.json
XZ="xz -9 -T2"

# --- examples: one training shard (the smallest), one held-out shard, the tokenizer they were made with.
TOK=$(node --input-type=module -e "
const m = await import('$ROOT/dist/model/data.js');
const d = process.argv[1];
console.log(await m.tokenizerRef(d, await m.readExamplesManifest(d)));" "$EXAMPLES")
[ -f "$TOK/tokenizer.tiktoken" ] || { echo "bundle.sh: the examples' tokenizer '$TOK' is not a trained vocabulary directory" >&2; exit 1; }
mkdir -p "$STAGE/examples"
node --input-type=module -e "
import { readFileSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import * as path from 'node:path';
const [src, dst] = process.argv.slice(1);
const m = JSON.parse(readFileSync(path.join(src, 'manifest.json'), 'utf8'));
const train = [...m.shards].sort((a, b) => a.rows - b.rows)[0];
const valid = m.valid_shards.slice(0, 1);
for (const s of [train, ...valid]) {
  mkdirSync(path.dirname(path.join(dst, s.path)), { recursive: true });
  copyFileSync(path.join(src, s.path), path.join(dst, s.path));
}
delete m.source; // the prepared run stays behind; the tokenizer travels inside the examples
m.tokenizer.path = 'tokenizer';
m.shards = [train];
m.valid_shards = valid;
m.note = 'cut down by scripts/gpu/bundle.sh from ' + src;
writeFileSync(path.join(dst, 'manifest.json'), JSON.stringify(m, null, 2) + '\n');
console.log('examples: ' + train.path + ' (' + train.rows + ' rows), valid ' + valid.map((v) => v.path + ' (' + v.rows + ' rows)').join(', '));
" "$EXAMPLES" "$STAGE/examples"
cp -r "$TOK" "$STAGE/examples/tokenizer"
tar -C "$STAGE" -cf - examples | $XZ > "$G/examples.tar.xz"

# --- app: trace what the trainer loads, copy exactly that (and package.json files, and .wasm beside).
export TRACE_OUT=$STAGE/trace.txt
TRACE="node --import $ROOT/scripts/gpu/trace-modules.mjs"
$TRACE dist/bench/train-check.js train "$ROOT/configs/train-tiny.json" --examples "$STAGE/examples" --out "$STAGE/run" --steps 2 --backend wasm > "$STAGE/trace-train.log" 2>&1 \
  || { cat "$STAGE/trace-train.log" >&2; exit 1; }
$TRACE dist/bench/train-check.js generate --checkpoint "$STAGE/run" --prompt "The jury" --iterations 1 --backend wasm > /dev/null
$TRACE dist/bench/train-check.js probe > /dev/null || true # no adapter here is fine: the probe's own modules are traced
# Without an adapter here the in-process WebGPU modules are never loaded by the runs above.
$TRACE --input-type=module -e "await import('webgpu'); await import('@tensorflow/tfjs-backend-webgpu');"
APP=$STAGE/app
mkdir -p "$APP"
echo '{ "name": "biglm-gpu-check", "private": true, "type": "module" }' > "$APP/package.json"
sort -u "$TRACE_OUT" | copy_traced_files "$ROOT" "$APP"
git describe --always --dirty --abbrev=40 > "$APP/COMMIT"
tar -C "$APP" -cf - . | $XZ > "$G/app.tar.xz"

# --- node: stripped (86 MB, not 99), compressed once per Node version.
NODE_BIN=$(command -v node)
NODE_VERSION=$(node --version)
if [ "$(cat "$G/node.version" 2>/dev/null)" != "$NODE_VERSION" ] || [ ! -f "$G/node.tar.xz" ]; then
  mkdir -p "$STAGE/nodepkg/node/bin"
  cp "$NODE_BIN" "$STAGE/nodepkg/node/bin/node"
  strip "$STAGE/nodepkg/node/bin/node" # .dynsym stays: N-API addons (dawn.node) still link
  tar -C "$STAGE/nodepkg" -cf - node | $XZ > "$G/node.tar.xz"
  echo "$NODE_VERSION" > "$G/node.version"
fi

# --- Vulkan loader, and the libraries NVIDIA's libGLX_nvidia.so.0 / libEGL_nvidia.so.0 link against
# (libGLdispatch from glvnd, libX11 and libXext with theirs), which a bare CUDA image may lack.
rm -rf "$G/lib" "$STAGE/debs"
mkdir -p "$G/lib" "$STAGE/debs"
(cd "$STAGE/debs" && apt-get download libvulkan1 libglvnd0 libx11-6 libxext6 libxcb1 libxau6 libxdmcp6 libbsd0 libmd0 2> >(grep -v unsandboxed >&2))
for deb in "$STAGE"/debs/*.deb; do dpkg -x "$deb" "$STAGE/root"; done
# Soname files only, links resolved: a link in a carried folder may not survive the trip.
find "$STAGE/root" -regex '.*\.so\.[0-9]+' \( -type f -o -type l \) -exec cp -L {} "$G/lib/" \;
ls "$STAGE"/debs > "$G/lib/PACKAGES"

cp scripts/gpu/check.sh scripts/gpu/summarize.py configs/train-tiny.json "$G/"
echo "bundle: $G"
du -sh "$G"
du -sh "$G"/* | sort -h
