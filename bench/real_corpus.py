"""The real police texts (issue 15) as records, their hand labels, and sentence lookup.

In: `<shared>/corpus/police-texts/baomoi-2017.jsonl.gz` (shared = $NEWSWORKER_SHARED_DIR,
else the repo's parent's `shared/`, as tests/conftest.py), the manifest and the label folder
of tests/golden/police_real/. Out: ArticleRecords built the way a parsed page is (title;
sapo as the lead; one paragraph per body line), labels with their split and corpus filter,
and the sentence of a text that holds a given surface string (for error listings).

The texts carry no date: every record is published 2017-06-30 00:00 +07:00 (mid-year of
the baomoi 2017 crawl), so the 2017 (legacy) province scheme applies and an age written
in a text gives a birth year of 2017 - age (±1). Outlet type "newspaper", no publisher
province (baomoi aggregates many outlets).
"""

from __future__ import annotations

import gzip
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapers.police.structure import article_text
from scrapers.records import ArticleRecord
from scrapers.text import fold_key

REPO = Path(__file__).resolve().parents[1]
REAL = REPO / "tests" / "golden" / "police_real"
LABELS = REAL / "labels"
MANIFEST = REAL / "manifest.json"
PUBLISHED = datetime.fromisoformat("2017-06-30T00:00:00+07:00")
YEAR = PUBLISHED.year
OUTLET_TYPE = "newspaper"
FILTERS = ("police-cues", "weak-cues-only", "no-police-cues")


def shared_dir() -> Path:
    env = os.environ.get("NEWSWORKER_SHARED_DIR")
    return Path(env) if env else REPO.parent / "shared"


def corpus_path() -> Path:
    return shared_dir() / "corpus" / "police-texts" / "baomoi-2017.jsonl.gz"


def iter_corpus(path: Path | None = None) -> Iterator[dict[str, Any]]:
    """The corpus texts in file order (id, title, sapo, body, filter, ...)."""
    with gzip.open(path or corpus_path(), "rt", encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def corpus_record(text: dict[str, Any]) -> ArticleRecord:
    url = f"https://baomoi.com/{text['id']}"
    return ArticleRecord(
        url=url,
        canonical_url=url,
        title=text["title"],
        lead=text["sapo"],
        paragraphs=tuple(p for p in text["body"].split("\n") if p.strip()),
        published_at=PUBLISHED,
    )


@dataclass(frozen=True)
class LabelledText:
    id: str
    split: str  # "dev" | "val"
    filter: str
    label: dict[str, Any]


def load_labels(folder: Path = LABELS, manifest: Path = MANIFEST) -> list[LabelledText]:
    """The labelled texts of the manifest (in manifest order); texts without a label file
    are skipped (labelling is in progress). A label file whose id is not in the manifest
    is an error: it would be scored in no split."""
    entries = json.loads(manifest.read_text(encoding="utf-8"))
    known = {e["id"] for e in entries}
    stray = sorted(p.stem for p in folder.glob("*.json") if p.stem not in known)
    if stray:
        raise ValueError(f"label files not in {manifest.name}: {', '.join(stray)}")
    out = []
    for entry in entries:
        path = folder / f"{entry['id']}.json"
        if path.exists():
            label = json.loads(path.read_text(encoding="utf-8"))
            out.append(LabelledText(entry["id"], entry["split"], entry["filter"], label))
    return out


# ---- sentences --------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"“'(\[]?[^\W\d_])|\n")
SENTENCE_CHARS = 220


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def article_sentences(record: ArticleRecord) -> list[str]:
    """The sentences of the text the structuring reads (title first)."""
    return sentences(article_text(record))


def sentence_of(parts: list[str], needle: str) -> str:
    """The first sentence holding `needle` (case-insensitive, then diacritic-insensitive),
    cut to about SENTENCE_CHARS around it; "" when none holds it."""
    if not needle.strip():
        return ""
    for key in (str.casefold, fold_key):
        want = key(needle.strip())
        for sentence in parts:
            at = key(sentence).find(want)
            if at >= 0:
                return _clip(sentence, at, len(want))
    return ""


def _clip(sentence: str, at: int, size: int) -> str:
    if len(sentence) <= SENTENCE_CHARS:
        return sentence
    lo = max(0, min(at - (SENTENCE_CHARS - size) // 2, len(sentence) - SENTENCE_CHARS))
    text = sentence[lo : lo + SENTENCE_CHARS]
    return ("…" if lo else "") + text + ("…" if lo + SENTENCE_CHARS < len(sentence) else "")
