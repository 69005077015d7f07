"""Check the hand labels of the real police set against RULES.md's format.

Run: python tests/golden/police_real/check_labels.py [--batch N] [--show ID]
Prints one line per problem and a summary; exit 1 when a label breaks the format.
`--show ID` prints the text of one corpus id (title, sapo, body paragraphs numbered).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tomllib
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
CORPUS = REPO.parent / "shared" / "corpus" / "police-texts" / "baomoi-2017.jsonl.gz"
KEYS = {
    "id", "relevant", "kind", "persons", "optional_persons", "crime_articles", "provinces",
    "optional_provinces", "legal_actions", "notes",
}  # fmt: skip
KINDS = {
    "arrest", "prosecution", "trial", "traffic", "drugs", "fraud", "gambling", "murder",
    "theft", "wanted", "police_activity", "fire", "other_crime", "not_police",
}  # fmt: skip
ROLES = {"official", "suspect", "accused", "defendant", "victim", "wanted", "witness", "other"}
PERSON_KEYS = {"name", "rank", "birth_year", "age", "role"}


def _provinces() -> dict[str, str]:
    data = json.loads((REPO / "scrapers/police/data/provinces.json").read_text())
    new = {p["code"]: p["short"] for p in data["2025"]}
    return {p["short"]: new[p["code_2025"]] for p in data["legacy"]}


def _slugs() -> set[str]:
    with open(REPO / "scrapers/police/data/legal.toml", "rb") as fh:
        return set(tomllib.load(fh)["actions"])


def _person_problems(person: Any) -> list[str]:
    if not isinstance(person, dict) or set(person) != PERSON_KEYS:
        return [f"person keys must be {sorted(PERSON_KEYS)}: {person!r}"]
    out = []
    if not isinstance(person["name"], str) or len(person["name"].split()) < 2:
        out.append(f"person name needs family name + more: {person['name']!r}")
    roles = person["role"] if isinstance(person["role"], list) else [person["role"]]
    out += [f"unknown role {r!r}" for r in roles if r not in ROLES]
    for key in ("birth_year", "age"):
        if person[key] is not None and not isinstance(person[key], int):
            out.append(f"{key} must be an int or null: {person[key]!r}")
    if person["rank"] is not None and not isinstance(person["rank"], str):
        out.append(f"rank must be a string or null: {person['rank']!r}")
    return out


def problems(label: dict[str, Any], provinces: dict[str, str], slugs: set[str]) -> list[str]:
    if set(label) != KEYS:
        return [
            f"keys differ: missing {sorted(KEYS - set(label))}, extra {sorted(set(label) - KEYS)}"
        ]
    out: list[str] = []
    if not isinstance(label["relevant"], bool):
        out.append("relevant must be true/false")
    if label["kind"] not in KINDS:
        out.append(f"unknown kind {label['kind']!r}")
    if (label["kind"] == "not_police") == label["relevant"]:
        out.append("kind not_police iff relevant is false")
    for person in label["persons"]:
        out += _person_problems(person)
    out += [
        f"optional person not a string: {p!r}"
        for p in label["optional_persons"]
        if not isinstance(p, str)
    ]
    out += [
        f"crime article not an int: {a!r}"
        for a in label["crime_articles"]
        if not isinstance(a, int)
    ]
    for key in ("provinces", "optional_provinces"):
        for place in label[key]:
            if provinces.get(place.get("province")) != place.get("province_2025"):
                out.append(f"{key}: {place!r} is not a 2017 name with its 2025 name")
    out += [f"unknown legal action {a!r}" for a in label["legal_actions"] if a not in slugs]
    return out


def show(text_id: str) -> None:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line)
            if text["id"] == text_id:
                print(f"# {text['id']} ({text['filter']})")
                print(f"TITLE: {text['title']}\nSAPO: {text['sapo']}")
                for n, para in enumerate(text["body"].split("\n"), 1):
                    print(f"[{n}] {para}")
                return
    sys.exit(f"no text {text_id}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch")
    parser.add_argument("--show")
    args = parser.parse_args()
    if args.show:
        show(args.show)
        return 0
    manifest = json.loads((HERE / "manifest.json").read_text())
    wanted = [m["id"] for m in manifest if args.batch in (None, m["batch"])]
    provinces, slugs = _provinces(), _slugs()
    bad = missing = 0
    for text_id in wanted:
        path = HERE / "labels" / f"{text_id}.json"
        if not path.exists():
            missing += 1
            continue
        label = json.loads(path.read_text())
        found = problems(label, provinces, slugs) + (
            ["id differs"] if label.get("id") != text_id else []
        )
        for problem in found:
            print(f"{text_id}: {problem}")
        bad += bool(found)
    print(
        f"{len(wanted)} texts: {len(wanted) - missing} labelled, {missing} missing, "
        f"{bad} with problems"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
