"""Smoke runs of `bench/structure.py --real` and `--sweep` on the real corpus texts
(../shared/corpus/police-texts/), with two labels written here into tmp_path (the project's
labels are being written by hand; none is needed here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.real_corpus import corpus_path, load_labels

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.golden

# Two texts of the manifest, one per split, labelled by reading them (RULES.md).
LABELS: dict[str, dict[str, Any]] = {
    "baomoi-21472849": {  # dev: a wanted notice for a killing in Vĩnh Phúc
        "relevant": True,
        "kind": "murder",
        "persons": [
            {
                "name": "Hoàng Văn Trung",
                "rank": None,
                "birth_year": 1984,
                "age": None,
                "role": ["wanted", "suspect"],
            },
            {"name": "Vũ Anh H.", "rank": None, "birth_year": 1986, "age": None, "role": "victim"},
        ],
        "optional_persons": ["Tố Vân"],
        "crime_articles": [123],
        "provinces": [{"province": "Vĩnh Phúc", "province_2025": "Phú Thọ"}],
        "optional_provinces": [],
        "legal_actions": ["tiep_nhan_tin_bao", "truy_na"],
    },
    "baomoi-21494887": {  # val: a stock-market article (hard negative)
        "relevant": False,
        "kind": "not_police",
        "persons": [],
        "optional_persons": ["Khắc Lâm"],
        "crime_articles": [],
        "provinces": [],
        "optional_provinces": [{"province": "Hồ Chí Minh", "province_2025": "Hồ Chí Minh"}],
        "legal_actions": [],
    },
}
FIELD_LINES = (
    "persons ", "crime_articles ", "provinces ", "provinces.2025 ", "legal_actions ",
    "persons.rank ", "persons.birth_year ", "persons.role ", "relevance ",
)  # fmt: skip


def _labels(folder: Path) -> Path:
    folder.mkdir()
    for text_id, label in LABELS.items():
        body = {"id": text_id, **label, "notes": ""}
        (folder / f"{text_id}.json").write_text(json.dumps(body, ensure_ascii=False))
    return folder


def _bench(*args: str) -> str:
    assert corpus_path().exists(), f"corpus missing: {corpus_path()}"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "structure.py"), *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_real_smoke(tmp_path: Path) -> None:
    labels = _labels(tmp_path / "labels")
    out = _bench("--real", "--labels", str(labels), "--rounds", "1", "--cycles", "1")
    assert "police structuring vs hand annotations" in out  # the synthetic section stays
    real = out[out.index("real police set") :]
    assert "dev (1 texts)" in real and "val (1 texts)" in real and "all (2 texts)" in real
    rows = {line.split()[0] for line in real.splitlines() if line.startswith(FIELD_LINES)}
    assert rows == {f.strip() for f in FIELD_LINES}
    assert "P≥0.97 R≥0.95" in real and "errors, dev split:" in real

    figures = json.loads(_bench("--real-only", "--labels", str(labels), "--json"))["real"]
    dev, val = figures["dev"], figures["val"]
    assert dev["persons"]["tp"] + dev["persons"]["fn"] == 2  # the two labelled persons
    assert dev["crime_articles"]["tp"] + dev["crime_articles"]["fn"] == 1
    assert val["persons"]["tp"] + val["persons"]["fn"] == 0
    confusion = figures["all"]["relevance_confusion"]
    assert sum(confusion.values()) == 2 and confusion["tp"] + confusion["fn"] == 1


def test_real_label_outside_the_manifest_is_an_error(tmp_path: Path) -> None:
    labels = _labels(tmp_path / "labels")
    (labels / "baomoi-1.json").write_text("{}")
    with pytest.raises(ValueError, match="baomoi-1"):
        load_labels(labels)


def test_sweep_smoke() -> None:
    out = _bench("--sweep", "--limit", "6", "--sweep-examples", "2")
    lines = {line.split()[0]: line.split()[1:] for line in out.splitlines()[2:] if line.strip()}
    assert lines["texts"][-1] == "6"  # the all column
    for row in ("persons.common_word", "persons.cut_short", "crimes.no_article",
                "places.inferred.outside_others", "relevance.near_threshold"):  # fmt: skip
        assert len(lines[row]) == 4 and all(v.isdigit() for v in lines[row])
    assert "records/s per core" in out.splitlines()[0]
