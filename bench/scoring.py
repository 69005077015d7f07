"""Pure scoring functions for the extraction benchmark (bench/extract.py).

Text comparisons normalise whitespace (runs collapsed to one space, ends stripped) and
Unicode form (NFC), so that an extractor is not penalised for how the page spelled a space
or composed a diacritic. Units:

- paragraph F1: normalised paragraphs as units, multiset (a duplicated paragraph counts twice);
- token F1: syllable tokens (runs of Unicode word characters, punctuation dropped), multiset;
- captions F1: normalised caption texts as units, multiset;
- segments: the generic-eval rule of its authors — a "with" segment found (plain substring)
  in the extracted body is a TP, missing a FN; a "without" segment found is a FP, absent a TN.

Edge cases: two empty outputs agree perfectly (P = R = F1 = 1); an empty prediction against
a non-empty reference scores 0, and so does a non-empty prediction against an empty one.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class PRF:
    precision: float
    recall: float
    f1: float


def normalize(text: str | None) -> str:
    """NFC + whitespace collapsed; None → ''."""
    if not text:
        return ""
    return " ".join(unicodedata.normalize("NFC", text).split())


def prf(true_positives: int, predicted: int, expected: int) -> PRF:
    """Precision / recall / F1 from counts, with the edge rules of the module docstring."""
    if predicted == 0 and expected == 0:
        return PRF(1.0, 1.0, 1.0)
    precision = true_positives / predicted if predicted else 0.0
    recall = true_positives / expected if expected else 0.0
    total = precision + recall
    f1 = 2 * precision * recall / total if total else 0.0
    return PRF(precision, recall, f1)


def multiset_prf(predicted: Iterable[str], expected: Iterable[str]) -> PRF:
    """P/R/F1 of two multisets of units (units compared exactly)."""
    pred, gold = Counter(predicted), Counter(expected)
    overlap = sum((pred & gold).values())
    return prf(overlap, sum(pred.values()), sum(gold.values()))


def units(texts: Iterable[str | None]) -> list[str]:
    """Normalised non-empty units."""
    return [n for n in (normalize(t) for t in texts) if n]


def paragraph_f1(predicted: Iterable[str | None], expected: Iterable[str | None]) -> PRF:
    return multiset_prf(units(predicted), units(expected))


def tokens(text: str | None) -> list[str]:
    """Syllable tokens: runs of word characters after NFC (Vietnamese syllables are
    space-separated, so each token is one syllable)."""
    return _TOKEN.findall(normalize(text))


def token_f1(predicted: Iterable[str | None], expected: Iterable[str | None]) -> PRF:
    """Token multiset P/R/F1 of two texts given as paragraph lists."""
    pred = [t for p in predicted for t in tokens(p)]
    gold = [t for p in expected for t in tokens(p)]
    return multiset_prf(pred, gold)


def split_paragraphs(text: str | None) -> list[str]:
    """A flat text (one paragraph per line) → normalised non-empty paragraphs."""
    return units((text or "").split("\n"))


def exact(predicted: str | None, expected: str | None) -> bool:
    """Equal after normalisation; None and '' are the same (no value)."""
    return normalize(predicted) == normalize(expected)


def same_set(predicted: Iterable[str | None], expected: Iterable[str | None]) -> bool:
    return set(units(predicted)) == set(units(expected))


def same_minute(predicted: datetime | None, expected: datetime | None) -> bool:
    """Same instant to the minute (seconds dropped); both None agree."""
    if predicted is None or expected is None:
        return predicted is None and expected is None
    return _minute(predicted) == _minute(expected)


def _minute(value: datetime) -> datetime:
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.replace(second=0, microsecond=0)


def same_day(predicted: date | None, expected: date | None) -> bool:
    """Same calendar date; both None agree."""
    return predicted == expected


def split_authors(value: str | None) -> list[str]:
    """Trafilatura's author string ('A; B') → names."""
    return units((value or "").split(";"))


@dataclass(slots=True)
class SegmentCounts:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def add(self, other: SegmentCounts) -> None:
        self.tp += other.tp
        self.fn += other.fn
        self.fp += other.fp
        self.tn += other.tn

    @property
    def precision(self) -> float:
        found = self.tp + self.fp
        return self.tp / found if found else 0.0

    @property
    def recall(self) -> float:
        wanted = self.tp + self.fn
        return self.tp / wanted if wanted else 0.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    @property
    def accuracy(self) -> float:
        total = self.tp + self.fn + self.fp + self.tn
        return (self.tp + self.tn) / total if total else 0.0


def score_segments(body: str | None, with_: Iterable[str], without: Iterable[str]) -> SegmentCounts:
    """The generic-eval rule; a None body (extractor failed) finds nothing."""
    text = body or ""
    counts = SegmentCounts()
    for segment in with_:
        if segment in text:
            counts.tp += 1
        else:
            counts.fn += 1
    for segment in without:
        if segment in text:
            counts.fp += 1
        else:
            counts.tn += 1
    return counts
