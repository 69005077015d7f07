"""Pick the texts of the real police development set (issue 15) and their split.

Reads ../shared/corpus/police-texts/baomoi-2017.jsonl.gz and writes manifest.json beside
this file: 215 texts of the `police-cues` filter and 55 of `weak-cues-only` (hard
negatives), drawn with a fixed seed; per filter, the texts whose sha1(id) sorts first go to
the validation split (48 and 12), the rest to development. Labelling batches of 45 follow
the file order. Run once; the manifest is committed and never regenerated after labelling
started (the labels are keyed by id, so a new draw would orphan them).

Run: python tests/golden/police_real/make_manifest.py
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parents[3] / "shared" / "corpus" / "police-texts" / "baomoi-2017.jsonl.gz"
DRAW = {"police-cues": (215, 48), "weak-cues-only": (55, 12)}  # filter: (texts, validation)
BATCH = 45
SEED = 15


def main() -> None:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        texts = [json.loads(line) for line in fh]
    rng = random.Random(SEED)
    chosen: list[dict[str, str]] = []
    for name, (count, validation) in DRAW.items():
        ids = sorted(t["id"] for t in texts if t["filter"] == name)
        picked = rng.sample(ids, count)
        by_hash = sorted(picked, key=lambda i: hashlib.sha1(i.encode()).hexdigest())
        val = set(by_hash[:validation])
        chosen += [{"id": i, "filter": name, "split": "val" if i in val else "dev"} for i in picked]
    rng.shuffle(chosen)
    for n, item in enumerate(chosen):
        item["batch"] = str(n // BATCH + 1)
    (HERE / "manifest.json").write_text(json.dumps(chosen, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
