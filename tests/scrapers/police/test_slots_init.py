"""quick_init's __init__ (slots set through their member descriptors) builds what the
dataclass-generated __init__ builds: same parameters and defaults, same field values, same
errors, still frozen, equal and hashable; on every police record class and random values."""

from __future__ import annotations

import dataclasses
import inspect
import random
from typing import Any

import pytest

from scrapers.police import model, model_events
from scrapers.police.slots_init import quick_init

pytestmark = pytest.mark.unit

_CLASSES = [
    cls
    for module in (model, model_events)
    for cls in vars(module).values()
    if isinstance(cls, type) and cls.__module__ == module.__name__ and dataclasses.is_dataclass(cls)
]
_VALUES: tuple[Any, ...] = (None, 0, 7, -1, 2.5, True, False, "", "Hà Nội", (), (1, 2), ("a",))


def _twin(cls: type) -> type:
    """The same dataclass with the generated __init__ (the plain definition)."""
    specs = [
        (f.name, f.type, dataclasses.field(default=f.default))
        if f.default is not dataclasses.MISSING
        else (f.name, f.type)
        for f in dataclasses.fields(cls)
    ]
    return dataclasses.make_dataclass(cls.__name__, specs, frozen=True, slots=True)


def _params(cls: type) -> list[tuple[str, Any, Any]]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(cls).parameters.values()]


def _fields(obj: Any) -> list[Any]:
    return [getattr(obj, f.name) for f in dataclasses.fields(obj)]


def _outcome(cls: type, args: list[Any], kwargs: dict[str, Any]) -> Any:
    try:
        return _fields(cls(*args, **kwargs))
    except TypeError as exc:
        return type(exc)


def test_every_record_class_is_quick() -> None:
    assert len(_CLASSES) >= 11
    for cls in _CLASSES:
        init = vars(cls)["__init__"]
        assert "__setattr__" not in init.__code__.co_names, cls
        assert "__setattr__" in vars(_twin(cls))["__init__"].__code__.co_names


@pytest.mark.parametrize("cls", _CLASSES, ids=lambda c: c.__name__)
def test_quick_init_matches_generated_init(cls: type) -> None:
    twin = _twin(cls)
    assert _params(cls) == _params(twin)
    names = [f.name for f in dataclasses.fields(cls)]
    rng = random.Random(cls.__name__)
    for _ in range(400):
        values = [rng.choice(_VALUES) for _ in names]
        cut = rng.randrange(len(names) + 1)  # positional up to cut, then keywords, some left out
        args = values[:cut]
        kwargs = {
            n: v for n, v in zip(names[cut:], values[cut:], strict=True) if rng.random() < 0.8
        }
        if rng.random() < 0.05:
            kwargs["no_such_field"] = 1
        if rng.random() < 0.05:
            args = [*values, 1]  # one too many
        assert _outcome(cls, args, kwargs) == _outcome(twin, args, kwargs)
        if isinstance(_outcome(cls, args, kwargs), list):
            a, b = cls(*args, **kwargs), cls(*args, **kwargs)
            assert a == b and hash(a) == hash(b) and repr(a) == repr(twin(*args, **kwargs))
            with pytest.raises(dataclasses.FrozenInstanceError):
                setattr(a, names[0], 1)


def test_quick_init_refuses_unusual_dataclasses() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Factory:
        items: list[int] = dataclasses.field(default_factory=list)

    @dataclasses.dataclass(frozen=True, slots=True)
    class KeywordOnly:
        a: int = dataclasses.field(kw_only=True)

    @dataclasses.dataclass(frozen=True, slots=True)
    class PostInit:
        a: int

        def __post_init__(self) -> None:
            pass

    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        a: int

    for cls in (Factory, KeywordOnly, PostInit, NoSlots):
        with pytest.raises(TypeError):
            quick_init(cls)
