#!/usr/bin/env python3
"""datatrove's decisions on the documents of biglm's filter-agreement comparison.

Runs datatrove's own filters (GopherRepetitionFilter, GopherQualityFilter, C4QualityFilter,
FineWebQualityFilter; English, their default options) from a datatrove checkout the caller gives, over
the texts `node dist/bench/filters-agreement.js --write-texts FILE` wrote, and writes one JSON line per
document: its id, the hash of its text ("h"), datatrove's drop reason for each filter alone that drops it
(a filter not listed keeps it), and the verdict of the FineWeb chain (Gopher repetition -> Gopher quality
-> C4 without the terminal-punctuation rule -> FineWeb quality; "kept <hash of the final text>" or
"<filter>:<reason>"). No text is written.

    python3 -m venv /tmp/dt-venv
    /tmp/dt-venv/bin/pip install spacy numpy loguru dill multiprocess humanize huggingface-hub tqdm regex fsspec
    git clone https://github.com/huggingface/datatrove /tmp/datatrove
    node dist/bench/filters-agreement.js --write-texts /tmp/agreement-texts.jsonl
    /tmp/dt-venv/bin/python scripts/datatrove-filter-decisions.py --datatrove /tmp/datatrove \
        --texts /tmp/agreement-texts.jsonl --out test/filters/datatrove-decisions.jsonl
"""

import argparse
import hashlib
import json
import os
import sys


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def verdict(flt, doc) -> str:
    try:
        result = flt.filter(doc)
    except Exception as e:  # recorded, not hidden: biglm's side reports these documents apart
        return f"error:{type(e).__name__}"
    if isinstance(result, tuple):
        kept, reason = result
        return "kept" if kept else (reason or "dropped")
    return "kept" if result else "dropped"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--datatrove", required=True, help="a datatrove checkout (its src/ is put on sys.path)")
    ap.add_argument("--texts", required=True, help="JSONL of {id, text} from filters-agreement.js --write-texts")
    ap.add_argument("--out", required=True, help="where the decisions go (JSONL, written to a temporary name and renamed)")
    args = ap.parse_args()

    sys.path.insert(0, os.path.join(os.path.abspath(args.datatrove), "src"))
    from datatrove.data import Document
    from datatrove.pipeline.filters import (
        C4QualityFilter,
        FineWebQualityFilter,
        GopherQualityFilter,
        GopherRepetitionFilter,
    )

    def filters():
        # FineWeb's configuration (datatrove examples/fineweb.py), plus C4 with its own defaults.
        return {
            "gopher_repetition": GopherRepetitionFilter(),
            "gopher_quality": GopherQualityFilter(),
            "c4_quality": C4QualityFilter(filter_no_terminal_punct=False),
            "c4_quality_terminal": C4QualityFilter(),
            "fineweb_quality": FineWebQualityFilter(),
        }

    alone = filters()
    chain = filters()
    chain_order = ["gopher_repetition", "gopher_quality", "c4_quality", "fineweb_quality"]

    tmp = args.out + ".tmp"
    n = 0
    with open(args.texts, encoding="utf-8") as src, open(tmp, "w", encoding="utf-8") as out:
        for line in src:
            rec = json.loads(line)
            text = rec["text"]
            row = {"id": rec["id"], "h": text_hash(text)}
            for name, flt in alone.items():
                # C4 rewrites doc.text: every filter alone gets its own copy.
                v = verdict(flt, Document(text=text, id=rec["id"]))
                if v != "kept":
                    row[name] = v
            doc = Document(text=text, id=rec["id"])
            row["chain"] = None
            for name in chain_order:
                v = verdict(chain[name], doc)
                if v != "kept":
                    row["chain"] = f"{name}:{v}"
                    break
            if row["chain"] is None:
                row["chain"] = f"kept {text_hash(doc.text)}"
            out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
            n += 1
            if n % 500 == 0:
                print(f"{n} documents", file=sys.stderr)
    os.replace(tmp, args.out)
    print(f"wrote {n} decisions to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
