"""Synthetic bodies in the shape the corpus README describes for the Hanoi police DNN API."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from scrapers.discover_json import parse_json_api
from scrapers.errors import FeedError

pytestmark = pytest.mark.unit

VN = timezone(timedelta(hours=7))
API = (
    "https://congan.hanoi.gov.vn/DesktopModules/cmsview/api/NewsContent/listnew"
    "?PortalId=0&ModuleId=698&GetType=3&PageIndex=1&txtKeyword="
)


def _body(**lists: object) -> bytes:
    return json.dumps(lists, ensure_ascii=False).encode()


def test_list_data_and_more_data_become_items() -> None:
    body = _body(
        ListData=[
            {
                "Id": 15234,
                "Url": "canh-bao-lua-dao-qua-mang",
                "Name": "Cảnh báo lừa đảo qua mạng",
                "Description": "Công an TP Hà Nội cảnh báo &quot;thủ đoạn mới&quot;",
                "PublishTime": "2026-01-19T08:50:00",
                "MetaKeywords": "lừa đảo",
            }
        ],
        ListMoreData=[
            {"Id": "15233", "Url": "bat-doi-tuong", "Name": "Bắt đối tượng",
             "CreatedTime": "2026-01-18T20:15:00Z"},
            {"Id": 15234, "Url": "canh-bao-lua-dao-qua-mang", "Name": "trùng"},
            {"Id": None, "Url": "khong-id", "Name": "x"},
            {"Id": 1, "Url": "../../etc", "Name": "x"},
            "not an object",
        ],
    )  # fmt: skip
    result = parse_json_api(body, API)
    assert [(i.url, i.title, i.guid) for i in result.items] == [
        (
            "https://congan.hanoi.gov.vn/tin-tuc/canh-bao-lua-dao-qua-mang-15234",
            "Cảnh báo lừa đảo qua mạng",
            "15234",
        ),
        ("https://congan.hanoi.gov.vn/tin-tuc/bat-doi-tuong-15233", "Bắt đối tượng", "15233"),
    ]
    first, second = result.items
    assert first.summary == 'Công an TP Hà Nội cảnh báo "thủ đoạn mới"'
    assert first.published_at == datetime(2026, 1, 19, 8, 50, tzinfo=VN)
    assert second.published_at == datetime(2026, 1, 18, 20, 15, tzinfo=VN)  # "Z" is wall time
    assert all(i.kind == "json_api" for i in result.items)


def test_empty_lists_are_an_empty_result() -> None:
    assert parse_json_api(_body(ListData=[], ListMoreData=None), API).items == ()


@pytest.mark.parametrize(
    "body", [b"", b"<html></html>", b"{not json", b"[]", b'{"Other": 1}', b'{"ListData": 5}']
)
def test_malformed_bodies_raise(body: bytes) -> None:
    with pytest.raises(FeedError):
        parse_json_api(body, API)


@pytest.mark.parametrize(
    "values", [b"{}", b"[]", b'"x"'], ids=["empty objects", "empty arrays", "short strings"]
)
def test_a_body_of_millions_of_tiny_values_is_refused_unloaded(values: bytes) -> None:
    """~10 MB of tiny values would cost json.loads hundreds of MB (issue 14)."""
    body = b'{"ListData": [' + b",".join([values] * 2_000_000) + b"]}"
    with pytest.raises(FeedError, match="too many values"):
        parse_json_api(body, API)
