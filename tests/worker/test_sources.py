from __future__ import annotations

from pathlib import Path

import pytest

from worker.errors import SourceConfigError
from worker.sources import SourceConfig, load_source, load_sources

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]

GOOD = """
name = "Công an tỉnh Thanh Hóa"
outlet_type = "police_portal"      # police_portal | police_press | newspaper | gov_portal
province = "Thanh Hóa"
interval_minutes = 30
min_delay_seconds = 1.0
[[discover]]
kind = "rss"
url = "https://example.vn/rss/phap-luat.rss"
[[discover]]
kind = "html_list"
url = "https://example.vn/tin-tuc/an-ninh-trat-tu"
item_selector = "h3.title a"
[selectors]
title = "h1.detail-title"
"""


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_issue_shape_loads_with_defaults(tmp_path: Path) -> None:
    source = load_source(_write(tmp_path, "thanhhoa.toml", GOOD))
    assert source.key == "thanhhoa"
    assert source.outlet_type == "police_portal"
    assert [d.kind for d in source.discover] == ["rss", "html_list"]
    assert source.discover[1].item_selector == "h3.title a"
    assert source.discover[0].max_pages == 1
    assert source.revisit_hours == 72
    assert source.revisit_interval_minutes == 60
    assert source.max_articles_per_run == 200
    assert source.enabled is True
    assert source.relevance_threshold is None
    assert source.meta.verified is False and source.meta.confidence == "low"
    assert source.selector_map() == {"title": "h1.detail-title"}


def test_models_are_frozen(tmp_path: Path) -> None:
    source = load_source(_write(tmp_path, "a.toml", GOOD))
    with pytest.raises(ValueError):
        source.name = "x"  # type: ignore[misc]


def test_broken_files_reported_with_file_and_field_others_load(tmp_path: Path) -> None:
    _write(tmp_path, "good.toml", GOOD)
    _write(tmp_path, "syntax.toml", 'name = "x\noutlet_type = "newspaper"\n')
    _write(
        tmp_path,
        "wrongtype.toml",
        GOOD.replace("interval_minutes = 30", 'interval_minutes = "often"'),
    )
    _write(tmp_path, "typo.toml", GOOD.replace("province =", "provnce ="))
    _write(tmp_path, "badkind.toml", GOOD.replace('kind = "rss"', 'kind = "rdf"'))
    _write(tmp_path, "badcss.toml", GOOD.replace('"h3.title a"', '"h3..title a["'))
    _write(tmp_path, "seltypo.toml", GOOD.replace("title = ", "titel = "))
    _write(tmp_path, "notes.txt", "ignored")
    result = load_sources(tmp_path)
    assert list(result.sources) == ["good"]
    by_file = {Path(e.path).name: str(e) for e in result.errors}
    assert set(by_file) == {
        "syntax.toml", "wrongtype.toml", "typo.toml", "badkind.toml", "badcss.toml", "seltypo.toml"
    }  # fmt: skip
    assert all(msg.startswith(str(tmp_path)) for msg in by_file.values())
    assert "TOML syntax error" in by_file["syntax.toml"]
    assert "line 1" in by_file["syntax.toml"]
    assert "interval_minutes: Input should be a valid integer" in by_file["wrongtype.toml"]
    assert "provnce: Extra inputs are not permitted" in by_file["typo.toml"]
    assert "discover.0.kind: Value error, unknown discovery kind 'rdf'" in by_file["badkind.toml"]
    assert "discover.1.item_selector" in by_file["badcss.toml"]
    assert "selectors: Value error, unknown selector key 'titel'" in by_file["seltypo.toml"]
    assert all(isinstance(e, SourceConfigError) for e in result.errors)


@pytest.mark.parametrize(
    ("replace", "by", "field"),
    [
        ("interval_minutes = 30", "interval_minutes = 0", "interval_minutes"),
        ('url = "https://example.vn/rss/phap-luat.rss"', 'url = "ftp://x/y"', "discover.0.url"),
        ('url = "https://example.vn/rss/phap-luat.rss"', 'url = "/rss"', "discover.0.url"),
        ('outlet_type = "police_portal"', 'outlet_type = "blog"', "outlet_type"),
        ("min_delay_seconds = 1.0", "min_delay_seconds = -1", "min_delay_seconds"),
    ],
)
def test_field_constraints(tmp_path: Path, replace: str, by: str, field: str) -> None:
    path = _write(tmp_path, "x.toml", GOOD.replace(replace, by))
    with pytest.raises(SourceConfigError, match=rf"x\.toml: {field}:"):
        load_source(path)


# Numbers: every one finite and bounded; the message names the file and the field.
BAD_NUMBERS = [
    ("interval_minutes = 9999999999999", "interval_minutes", "less than or equal to 10080"),
    ("interval_minutes = 10081", "interval_minutes", "less than or equal to 10080"),
    ("interval_minutes = inf", "interval_minutes", "finite number"),
    ("interval_minutes = 1.5", "interval_minutes", "valid integer"),
    ("min_delay_seconds = inf", "min_delay_seconds", "finite number"),
    ("min_delay_seconds = -inf", "min_delay_seconds", "finite number"),
    ("min_delay_seconds = nan", "min_delay_seconds", "finite number"),
    ("min_delay_seconds = -0.5", "min_delay_seconds", "greater than or equal to 0"),
    ("min_delay_seconds = 3600.5", "min_delay_seconds", "less than or equal to 3600"),
    ("min_delay_seconds = 1e308", "min_delay_seconds", "less than or equal to 3600"),
    ("revisit_hours = inf", "revisit_hours", "finite number"),
    ("revisit_hours = 2161", "revisit_hours", "less than or equal to 2160"),
    ("revisit_hours = -1", "revisit_hours", "greater than or equal to 0"),
    ("revisit_interval_minutes = 99999999999", "revisit_interval_minutes", "10080"),
    ("max_articles_per_run = 10001", "max_articles_per_run", "less than or equal to 10000"),
    ("max_articles_per_run = 0", "max_articles_per_run", "greater than or equal to 1"),
    ("relevance_threshold = nan", "relevance_threshold", "finite number"),
    ("relevance_threshold = 1.5", "relevance_threshold", "less than or equal to 1"),
]


@pytest.mark.parametrize(("line", "field", "why"), BAD_NUMBERS)
def test_numbers_are_finite_and_bounded(tmp_path: Path, line: str, field: str, why: str) -> None:
    text = GOOD.replace("interval_minutes = 30\n", "").replace("min_delay_seconds = 1.0\n", "")
    path = _write(tmp_path, "big.toml", text.replace("province =", f"{line}\nprovince ="))
    with pytest.raises(SourceConfigError) as info:
        load_source(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and f"{field}: " in message and why in message


def test_max_pages_bounded(tmp_path: Path) -> None:
    text = GOOD.replace('item_selector = "h3.title a"', "max_pages = 1000")
    with pytest.raises(SourceConfigError, match=r"mp\.toml: discover\.1\.max_pages: .* 100"):
        load_source(_write(tmp_path, "mp.toml", text))


def test_numbers_at_their_bounds_load(tmp_path: Path) -> None:
    text = GOOD.replace("interval_minutes = 30", "interval_minutes = 10080")
    text = text.replace("min_delay_seconds = 1.0", "min_delay_seconds = 3600.0")
    text = text.replace(
        "province =",
        "revisit_hours = 2160\nrevisit_interval_minutes = 10080\n"
        "max_articles_per_run = 10000\nprovince =",
    )
    source = load_source(_write(tmp_path, "edge.toml", text))
    assert (source.interval_minutes, source.min_delay_seconds) == (10080, 3600.0)
    assert (source.revisit_hours, source.max_articles_per_run) == (2160, 10000)


def test_meta_and_options(tmp_path: Path) -> None:
    text = GOOD + '\n[meta]\nverified = true\nconfidence = "high"\nnotes = "n"\nterms = "t"\n'
    text = text.replace("province =", "revisit_interval_minutes = 0\nenabled = false\nprovince =")
    text = text.replace("province =", "relevance_threshold = 0.5\nprovince =")
    source = load_source(_write(tmp_path, "m.toml", text))
    assert source.meta.confidence == "high" and source.meta.terms == "t"
    assert source.revisit_interval_minutes == 0 and source.enabled is False
    assert source.relevance_threshold == 0.5


def test_bad_confidence_and_missing_discover(tmp_path: Path) -> None:
    bad = _write(tmp_path, "c.toml", GOOD + '[meta]\nconfidence = "sure"\n')
    with pytest.raises(SourceConfigError, match=r"meta\.confidence"):
        load_source(bad)
    head = GOOD.split("[[discover]]", maxsplit=1)[0]
    with pytest.raises(SourceConfigError, match="discover: Field required"):
        load_source(_write(tmp_path, "d.toml", head))


def test_key_from_file_name(tmp_path: Path) -> None:
    with pytest.raises(SourceConfigError, match="key: file name must match"):
        load_source(_write(tmp_path, "Bad Key.toml", GOOD))
    with pytest.raises(SourceConfigError, match="does not match file name"):
        load_source(_write(tmp_path, "k.toml", 'key = "other"\n' + GOOD))


def test_missing_directory_is_an_error(tmp_path: Path) -> None:
    result = load_sources(tmp_path / "nope")
    assert result.sources == {} and len(result.errors) == 1


def test_every_shipped_source_file_loads() -> None:
    directory = REPO / "config" / "sources"
    result = load_sources(directory)
    assert result.errors == []
    assert len(result.sources) >= 14
    for key, source in result.sources.items():
        assert isinstance(source, SourceConfig)
        text = (directory / f"{key}.toml").read_text(encoding="utf-8")
        assert "Not tested live: no network here" in text.split("\n[", 1)[0]
        assert source.meta.verified is False
        for entry in source.discover:
            assert entry.url.startswith("https://")
