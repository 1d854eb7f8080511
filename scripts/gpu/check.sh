#!/usr/bin/env bash
# The trainer's first run on a GPU: finds a WebGPU adapter (Dawn over NVIDIA's Vulkan driver), then trains
# the same steps with --backend webgpu and --backend wasm (same config, seed and data), on the tiny config
# and on a 512 × 8-layer one, and compares losses, step times and tensor counts. Self-contained: it runs
# from the bundle scripts/gpu/bundle.sh builds (.gpu/: Node, the pruned app, examples, Vulkan libraries),
# needs no network and no Node on the machine, and never writes outside $OUT and one temp directory.
#
#   bash .gpu/check.sh
#
# Environment: OUT (results, default /tmp/gpu-check-out); CHECK_PLAN (compare: webgpu vs wasm; scale:
# webgpu alone, batch sizes 8/32/64 on the big model and the whole tiny schedule); STEPS_TINY (30), STEPS_BIG_GPU (20),
# STEPS_BIG_WASM (3); CHECK_ACCEPT_SOFTWARE=1 takes a software adapter (llvmpipe) too, for rehearsals
# on a machine without a GPU; CHECK_BUDGET_S (330): a part that would start with less than 20 s of the budget
# left is skipped, and every part runs under `timeout`, so the script ends within the budget plus ~20 s
# even if something hangs. A part that fails is recorded and the next one runs; summary.json comes last.
#
# $OUT: check.log (everything printed), metrics.jsonl (every step of every run, tagged with the run),
# summary.json (the comparison), vulkan-debug.log (the Vulkan loader's own account, only without adapter).
set -uo pipefail

G=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${OUT:-/tmp/gpu-check-out}
mkdir -p "$OUT"
W=$(mktemp -d "${TMPDIR:-/tmp}/biglm-gpu-check.XXXXXX")
exec > >(tee -a "$OUT/check.log") 2>&1
T0=$(date +%s)
BUDGET=${CHECK_BUDGET_S:-330}
STEPS_TINY=${STEPS_TINY:-30}
STEPS_BIG_GPU=${STEPS_BIG_GPU:-20}
STEPS_BIG_WASM=${STEPS_BIG_WASM:-3}
BIG_MODEL='{"dModel":512,"nLayers":8,"nHeads":8}'
LDCONFIG=$(command -v ldconfig || echo /sbin/ldconfig)

elapsed() { echo $(($(date +%s) - T0)); }
section() { printf '\n=== %s (t+%ss)\n' "$*" "$(elapsed)" >&2; }
# part NAME LIMIT_S CMD...: runs CMD under timeout, capped by the budget left; records rc and seconds.
part() {
  local name=$1 limit=$2 left t rc
  shift 2
  left=$((BUDGET - $(elapsed)))
  if [ "$left" -lt 20 ]; then
    echo "--- skip $name: ${left}s of the budget left" >&2
    printf '{"part":"%s","rc":null,"skipped":true}\n' "$name" >> "$W/parts.jsonl"
    return 125
  fi
  [ "$limit" -gt "$left" ] && limit=$left
  section "$name (timeout ${limit}s)"
  t=$(date +%s)
  timeout -k 5 "$limit" "$@"
  rc=$?
  echo "--- $name: exit $rc after $(($(date +%s) - t))s$([ $rc -eq 124 ] && echo ' (TIMED OUT)')" >&2
  printf '{"part":"%s","rc":%s,"seconds":%s}\n' "$name" "$rc" "$(($(date +%s) - t))" >> "$W/parts.jsonl"
  return $rc
}
# A bare image may lack the xz program; Python's lzma module reads the archives then.
unpack() { # ARCHIVE DIR
  if command -v xz > /dev/null 2>&1; then tar -C "$2" -xJf "$1"; else
    python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), sys.stdout.buffer)' "$1" | tar -C "$2" -xf -
  fi
}
summarize() {
  section summary
  python3 "$G/summarize.py" "$W" "$OUT" || echo "{\"error\":\"summarize.py failed\",\"elapsed_s\":$(elapsed)}" > "$OUT/summary.json"
  echo "total: $(elapsed)s; results in $OUT"
}
trap 'summarize; rm -rf "$W"' EXIT

section "system"
uname -a
head -2 /etc/os-release 2>/dev/null
echo "cpus $(nproc); $(free -g 2>/dev/null | awk '/Mem:/ {print $2 " GiB memory"}')"
timeout 20 nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv || echo "nvidia-smi failed"
echo "libraries in the loader cache:"
$LDCONFIG -p 2>/dev/null | grep -E 'libvulkan|GLX_nvidia|EGL_nvidia|GLdispatch|libX11\.so|libXext\.so' || echo "  (none of libvulkan, libGLX_nvidia, libEGL_nvidia, libGLdispatch, libX11, libXext)"

section "node"
NODE=
if command -v node > /dev/null 2>&1; then
  major=$(node -p 'process.versions.node.split(".")[0]' 2> /dev/null)
  [[ $major =~ ^[0-9]+$ ]] || major=0
  if [ "$major" -ge 20 ]; then NODE=$(command -v node); else echo "machine's node is $(node --version 2>&1); using the bundled one"; fi
fi
if [ -z "$NODE" ]; then
  unpack "$G/node.tar.xz" "$W" && NODE=$W/node/bin/node
fi
echo "node: $NODE $("$NODE" --version 2>&1)"
"$NODE" -e 0 || { echo "node does not run here:"; ldd "$NODE"; exit 1; }
unpack "$G/app.tar.xz" "$W" && unpack "$G/examples.tar.xz" "$W" || { echo "cannot unpack the bundle"; exit 1; }
echo "app commit $(cat "$W/COMMIT")"
CHECK="$W/dist/bench/train-check.js"

section "Vulkan libraries"
# The bundled .so files fill in only what the loader cache lacks: the machine's own always win.
mkdir -p "$W/lib"
for f in "$G"/lib/*.so.*; do
  so=$(basename "$f")
  [[ $so =~ \.so\.[0-9]+$ ]] || continue # soname links only (libX11.so.6, not libX11.so.6.4.0)
  if $LDCONFIG -p 2> /dev/null | grep -q "^[[:space:]]*$so "; then continue; fi
  cp -L "$f" "$W/lib/$so" && echo "bundled: $so"
done
NV_DIRS=
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib64/nvidia /usr/lib/x86_64-linux-gnu/nvidia; do
  [ -d "$d" ] && NV_DIRS="$NV_DIRS:$d"
done
export LD_LIBRARY_PATH="$W/lib$NV_DIRS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
# The driver's Vulkan entry points; a versioned file without its .so.0 link gets one.
DRIVER_LIBS=()
for so in libGLX_nvidia.so.0 libEGL_nvidia.so.0; do
  found=$($LDCONFIG -p 2> /dev/null | awk -v s="$so" '$1 == s {print $NF; exit}')
  for d in ${NV_DIRS//:/ }; do [ -z "$found" ] && [ -e "$d/$so" ] && found=$d/$so; done
  if [ -z "$found" ]; then
    v=$(timeout 10 find /usr/lib /usr/lib64 /usr/local /lib /lib64 -maxdepth 4 -name "${so%.0}.*" -type f 2> /dev/null | head -1)
    [ -n "$v" ] && ln -sf "$v" "$W/lib/$so" && found=$v && echo "linked $so -> $v"
  fi
  if [ -n "$found" ]; then
    DRIVER_LIBS+=("$so")
    echo "$so: $found"
    ldd "$found" 2>&1 | grep -E 'not found' && echo "  ^ missing dependencies of $so"
  else
    echo "$so: not found"
  fi
done

ICDS=()
[ -n "${VK_DRIVER_FILES:-}" ] && ICDS+=("$VK_DRIVER_FILES")
while read -r f; do [ -n "$f" ] && ICDS+=("$f"); done < <(
  ls /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd*.json /usr/share/vulkan/icd.d/nvidia_icd*.json \
    /etc/vulkan/icd.d/nvidia_icd*.json /usr/local/share/vulkan/icd.d/nvidia_icd*.json 2> /dev/null
  timeout 10 find /usr/share /usr/local /etc -maxdepth 5 -name 'nvidia_icd*.json' 2> /dev/null
)
# Without an ICD file but with the driver library, write the file the driver's installer would have.
for so in "${DRIVER_LIBS[@]}"; do
  f=$W/icd-${so%%.*}.json
  printf '{ "file_format_version": "1.0.0", "ICD": { "library_path": "%s", "api_version": "1.3.0" } }\n' "$so" > "$f"
  ICDS+=("$f")
done
mapfile -t ICDS < <(printf '%s\n' "${ICDS[@]}" | awk 'NF && !seen[$0]++')
for f in "${ICDS[@]}"; do echo "ICD candidate $f: $(tr -d '\n' < "$f" | tr -s ' ' | cut -c1-300)"; done

section "WebGPU adapter"
ADAPTER=0
i=0
for icd in "${ICDS[@]}" ""; do
  i=$((i + 1))
  if [ -n "$icd" ]; then envs=(env "VK_DRIVER_FILES=$icd"); else envs=(env -u VK_DRIVER_FILES); fi
  part "probe-$i" 45 "${envs[@]}" "$NODE" "$CHECK" probe > "$W/probe-$i.json"
  rc=$?
  echo "{\"icd\":\"$icd\",\"rc\":$rc}" > "$W/probe-$i.icd.json"
  cat "$W/probe-$i.json"
  if [ $rc -eq 0 ] && { grep -q '"isFallbackAdapter":false' "$W/probe-$i.json" || [ "${CHECK_ACCEPT_SOFTWARE:-0}" = 1 ]; }; then
    ADAPTER=1
    if [ -n "$icd" ]; then export VK_DRIVER_FILES=$icd; else unset VK_DRIVER_FILES; fi
    echo "adapter found with VK_DRIVER_FILES=${VK_DRIVER_FILES:-(loader default)}"
    break
  fi
done
if [ $ADAPTER -eq 0 ]; then
  echo "no hardware adapter; the Vulkan loader's account of it goes to $OUT/vulkan-debug.log"
  debug_env=(env VK_LOADER_DEBUG=all)
  [ ${#ICDS[@]} -gt 0 ] && debug_env+=("VK_DRIVER_FILES=${ICDS[0]}")
  part "probe-loader-debug" 45 "${debug_env[@]}" "$NODE" "$CHECK" probe-raw 2>&1 | head -c 4000000 > "$OUT/vulkan-debug.log"
  grep -iE 'error|fail|not found|cannot' "$OUT/vulkan-debug.log" | head -20
fi

# Same config for both backends; held-out loss and a checkpoint at the end only.
cat > "$W/check.json" << EOF
{ "examples": "$W/examples", "seed": 1234, "batchSize": 8, "evalEvery": 100000, "evalBatches": 2,
  "checkpointEvery": 100000, "logEvery": 5, "model": { "dModel": 128, "nLayers": 2, "nHeads": 2, "lengthClasses": 128 },
  "optim": { "lr": 2e-3, "minLr": 2e-4, "warmupSteps": 30 } }
EOF
train_run() { # NAME BACKEND STEPS LIMIT [--model JSON]
  local name=$1 backend=$2 steps=$3 limit=$4
  shift 4
  part "$name" "$limit" "$NODE" "$CHECK" train "$W/check.json" --out "$W/runs/$name" --backend "$backend" --steps "$steps" "$@" > "$W/result-$name.json"
  local rc=$?
  cat "$W/result-$name.json"
  [ -f "$W/runs/$name/metrics.jsonl" ] && sed "s/^{/{\"run\":\"$name\",/" "$W/runs/$name/metrics.jsonl" >> "$OUT/metrics.jsonl"
  return $rc
}

# CHECK_PLAN=scale: what the GPU gives as the batch grows (big model, a few steps each), and the whole
# `make train` schedule (configs/train-tiny.json, 300 steps) on the GPU, then generation from it.
if [ "${CHECK_PLAN:-compare}" = scale ] && [ $ADAPTER -eq 1 ]; then
  for b in 8 32 64; do train_run "big-webgpu-b$b" webgpu 6 90 --model "$BIG_MODEL" --batch-size "$b"; done
  sed "s#\"examples\": *\"[^\"]*\"#\"examples\": \"$W/examples\"#" "$G/train-tiny.json" > "$W/train-tiny.json"
  part tiny-webgpu-full 150 "$NODE" "$CHECK" train "$W/train-tiny.json" --out "$W/runs/tiny-full" --backend webgpu > "$W/result-tiny-full.json"
  cat "$W/result-tiny-full.json"
  [ -f "$W/runs/tiny-full/metrics.jsonl" ] && sed 's/^{/{"run":"tiny-webgpu-full",/' "$W/runs/tiny-full/metrics.jsonl" >> "$OUT/metrics.jsonl"
  part generate-webgpu-full 40 "$NODE" "$CHECK" generate --checkpoint "$W/runs/tiny-full" --prompt "The jury said that the election" --iterations 10 --backend webgpu
  exit 0
fi

if [ $ADAPTER -eq 1 ]; then train_run tiny-webgpu webgpu "$STEPS_TINY" 100; fi
train_run tiny-wasm wasm "$STEPS_TINY" 80
if [ $ADAPTER -eq 1 ]; then train_run big-webgpu webgpu "$STEPS_BIG_GPU" 100 --model "$BIG_MODEL"; fi
train_run big-wasm wasm "$STEPS_BIG_WASM" 80 --model "$BIG_MODEL"
if [ $ADAPTER -eq 1 ] && [ -d "$W/runs/tiny-webgpu/checkpoints" ]; then
  part generate-webgpu 40 "$NODE" "$CHECK" generate --checkpoint "$W/runs/tiny-webgpu" --prompt "The jury said that the election" --iterations 3 --backend webgpu
fi
exit 0
