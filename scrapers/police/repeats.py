"""Repeated mentions folded into one fact (pure).

A report states its facts more than once: the title and the lead restate the body
("bắt quả tang ... 2,7 kg heroin" three times), a closing line repeats the sentence. The
extractors return every mention; the record lists each fact once:

- legal actions: one entry per step and subject set. Mentions of the same step whose
  subjects are the same (folded), or where one names none, are one step: the mention that
  names the subjects (else the first), with the other's authority when it states none.
- figures: one entry per quantity. Mentions with the same value and unit whose subjects
  are the same (folded), or where one names none, are one figure: the mention that names
  its subject, else the one with a qualifier ("hơn 2,7 kg" says more than "2,7 kg"), else
  the first.

Output stays in text order.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import replace
from typing import TypeVar

from scrapers.police.model_events import Figure, LegalAction
from scrapers.police.prep import cached_fold_key as fold_key

_M = TypeVar("_M", LegalAction, Figure)


def _subject_key(subjects: tuple[str, ...]) -> frozenset[str]:
    return frozenset(fold_key(s) for s in subjects)


def _step_kind(a: LegalAction) -> str:
    return a.action


def _same_step(a: LegalAction, b: LegalAction) -> bool:
    if a.action != b.action:
        return False
    return not a.subjects or not b.subjects or _subject_key(a.subjects) == _subject_key(b.subjects)


def _joined_step(kept: LegalAction, new: LegalAction) -> LegalAction:
    base, other = (new, kept) if new.subjects and not kept.subjects else (kept, new)
    return replace(base, authority=base.authority or other.authority)


def _merged(
    mentions: Iterable[_M],
    kind: Callable[[_M], Hashable],
    same: Callable[[_M, _M], bool],
    join: Callable[[_M, _M], _M],
) -> tuple[_M, ...]:
    """Each mention joined into the first kept one it is `same` as; text order. Mentions
    that are `same` are of one `kind` (and a join keeps it), so only the kept mentions of
    its kind are compared with a mention."""
    kept: list[_M] = []
    of_kind: dict[Hashable, list[int]] = {}
    for mention in mentions:
        indexes = of_kind.setdefault(kind(mention), [])
        found = next((i for i in indexes if same(kept[i], mention)), None)
        if found is None:
            indexes.append(len(kept))
            kept.append(mention)
        else:
            kept[found] = join(kept[found], mention)
    return tuple(sorted(kept, key=lambda m: m.start))


def merge_legal_actions(actions: tuple[LegalAction, ...]) -> tuple[LegalAction, ...]:
    return _merged(actions, _step_kind, _same_step, _joined_step)


def _figure_kind(a: Figure) -> tuple[float, str]:
    return a.value, a.unit


def _same_figure(a: Figure, b: Figure) -> bool:
    if a.value != b.value or a.unit != b.unit:
        return False
    return not a.subject or not b.subject or fold_key(a.subject) == fold_key(b.subject)


def _detail(figure: Figure) -> tuple[bool, bool]:
    return bool(figure.subject), figure.qualifier != "="


def _joined_figure(kept: Figure, new: Figure) -> Figure:
    base, other = (new, kept) if _detail(new) > _detail(kept) else (kept, new)
    return base if base.subject else replace(base, subject=other.subject)


def merge_figures(figures: tuple[Figure, ...]) -> tuple[Figure, ...]:
    return _merged(figures, _figure_kind, _same_figure, _joined_figure)
