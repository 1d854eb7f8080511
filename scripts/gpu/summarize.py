#!/usr/bin/env python3
"""Folds what check.sh left in its work directory into OUT/summary.json and prints it.

python3 summarize.py WORK OUT. Per run: step time (mean and median over the steps after the first, which
holds kernel compilation), tokens/s, first and last loss, held-out loss, tensor counts before/after.
Per model size: webgpu against wasm on the same steps (loss agreement, speed-up). Python, not Node, so
that a summary is written even when the bundled Node cannot run.
"""

import glob
import json
import os
import statistics
import sys
import time


def read_jsonl(path):
    out = []
    try:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line.startswith("{"):
                    try:
                        out.append(json.loads(line))
                    except json.JSONDecodeError:
                        pass
    except FileNotFoundError:
        pass
    return out


def last_json(path, key):
    rows = [r for r in read_jsonl(path) if key in r]
    return rows[-1] if rows else None


def run_summary(work, name):
    metrics = read_jsonl(os.path.join(work, "runs", name, "metrics.jsonl"))
    train = [m for m in metrics if m.get("type") == "train"]
    evals = [m for m in metrics if m.get("type") == "eval"]
    result = last_json(os.path.join(work, f"result-{name}.json"), "check")
    if not train and not result:
        return None
    timed = [m["step_ms"] for m in train[1:]]
    tokens_per_step = train[0]["tokens"] if train else None
    s = {
        "backend": result["backend"] if result else None,
        "detail": result["detail"] if result else None,
        "params": result["params"] if result else None,
        "steps": len(train),
        "first_step_ms": train[0]["step_ms"] if train else None,
        "s_per_step_mean": round(statistics.mean(timed) / 1000, 4) if timed else None,
        "s_per_step_median": round(statistics.median(timed) / 1000, 4) if timed else None,
        "tokens_per_s": round(tokens_per_step / (statistics.mean(timed) / 1000)) if timed and tokens_per_step else None,
        "losses": [m["loss"] for m in train],
        "first_loss": train[0]["loss"] if train else None,
        "last_loss": train[-1]["loss"] if train else None,
        "eval_loss": evals[-1]["eval_loss"] if evals else None,
        "grad_norm_first": train[0]["grad_norm"] if train else None,
        "tensors": result["tensors"] if result else None,
        "finished": result is not None,
    }
    return s


def compare(gpu, cpu):
    if not gpu or not cpu or not gpu["losses"] or not cpu["losses"]:
        return None
    n = min(len(gpu["losses"]), len(cpu["losses"]))
    rel = [abs(a - b) / max(abs(b), 1e-12) for a, b in zip(gpu["losses"][:n], cpu["losses"][:n])]
    c = {
        "common_steps": n,
        "first_loss_webgpu": gpu["first_loss"],
        "first_loss_wasm": cpu["first_loss"],
        "first_loss_rel_diff": rel[0],
        "max_loss_rel_diff": max(rel),
        "losses_agree": max(rel) < 1e-3,
        "grad_norm_first_webgpu": gpu["grad_norm_first"],
        "grad_norm_first_wasm": cpu["grad_norm_first"],
    }
    if gpu["s_per_step_mean"] and cpu["s_per_step_mean"]:
        c["speedup_webgpu_over_wasm"] = round(cpu["s_per_step_mean"] / gpu["s_per_step_mean"], 2)
    return c


def main():
    work, out = sys.argv[1], sys.argv[2]
    probes = []
    for p in sorted(glob.glob(os.path.join(work, "probe-*.icd.json")), key=lambda s: int(s.split("probe-")[1].split(".")[0])):
        icd = json.load(open(p))
        res = last_json(p.replace(".icd.json", ".json"), "adapter") or {}
        probes.append({**icd, **res})
    adapter = next((p["adapter"] for p in probes if p.get("adapter")), None)
    if adapter:
        adapter = {k: v for k, v in adapter.items() if k != "features"} | {"features": adapter.get("features", [])}
    runs = {}
    runs_dir = os.path.join(work, "runs")
    for name in sorted(os.listdir(runs_dir)) if os.path.isdir(runs_dir) else []:
        s = run_summary(work, name)
        if s:
            runs[name] = s
    leaks = {n: r["tensors"] for n, r in runs.items() if r.get("tensors") and r["tensors"]["after"] != r["tensors"]["before"]}
    summary = {
        "written": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "commit": open(os.path.join(work, "COMMIT")).read().strip() if os.path.exists(os.path.join(work, "COMMIT")) else None,
        "vk_driver_files": os.environ.get("VK_DRIVER_FILES"),
        "adapter": adapter,
        "probes": probes,
        "parts": read_jsonl(os.path.join(work, "parts.jsonl")),
        "runs": runs,
        "compare": {
            "tiny": compare(runs.get("tiny-webgpu"), runs.get("tiny-wasm")),
            "big": compare(runs.get("big-webgpu"), runs.get("big-wasm")),
        },
        "tensor_leaks": leaks,
    }
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    short = {k: summary[k] for k in ["adapter", "compare", "tensor_leaks", "parts"]}
    short["runs"] = {n: {k: v for k, v in r.items() if k != "losses"} for n, r in runs.items()}
    if short["adapter"]:
        short["adapter"] = {k: v for k, v in adapter.items() if k not in ("features", "limits")}
    print(json.dumps(short, indent=1))


if __name__ == "__main__":
    main()
