"""Crime mentions: quoted charges, press terms with several articles, administrative
violations, context, tone placement / NFD / case variants."""

from __future__ import annotations

import unicodedata

import pytest

from scrapers.police.crimes import chapter_of, extract_crimes
from tests.scrapers.police.seed import seed_parts

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "surface", "article", "articles", "chapter", "context", "quoted"),
    [
        (
            "Cơ quan CSĐT đã khởi tố bị can Nguyễn Văn A về tội “Lừa đảo chiếm đoạt tài sản”.",
            "Lừa đảo chiếm đoạt tài sản",
            "174",
            ("174",),
            "XVI",
            "charge",
            True,
        ),
        (
            'bị khởi tố về tội "Giết người"',
            "Giết người",
            "123",
            ("123",),
            "XIV",
            "charge",
            True,
        ),
        (
            "về hành vi “Vi phạm quy định về khai thác tài nguyên”",
            "Vi phạm quy định về khai thác tài nguyên",
            "227",
            ("227",),
            "XVIII",
            "charge",
            True,
        ),
        (
            "Khởi tố vụ án về tội “Tổ chức đánh bạc hoặc gá bạc”.",
            "Tổ chức đánh bạc hoặc gá bạc",
            "322",
            ("322",),
            "XXI",
            "charge",
            True,
        ),
        (
            "Trong năm, lực lượng công an đấu tranh với tội phạm tín dụng đen.",
            "tội phạm tín dụng đen",
            "201",
            ("201", "170", "157", "178", "318"),
            "XVIII",
            "summary",
            False,
        ),
        (
            "Đêm 12/6, nhóm đối tượng tụ tập đánh bạc tại nhà riêng thì bị bắt.",
            "đánh bạc",
            "321",
            ("321", "322"),
            "XXI",
            "incident",
            False,
        ),
        (
            "Công an cảnh báo thủ đoạn lừa đảo qua mạng.",
            "lừa đảo qua mạng",
            "174",
            ("174", "290"),
            "XVI",
            "warning",
            False,
        ),
        (
            "Tổ công tác bắt quả tang đối tượng đang sử dụng ma túy.",
            "ma túy",
            None,
            (),
            "XX",
            "incident",
            False,
        ),
    ],
)
def test_first_mention(
    text: str, surface: str, article: str | None, articles: tuple[str, ...],
    chapter: str | None, context: str, quoted: bool,
) -> None:  # fmt: skip
    mention = extract_crimes(text)[0]
    assert mention.surface == surface
    assert mention.article == article
    assert mention.articles == articles
    assert mention.chapter == chapter
    assert mention.context == context
    assert mention.quoted_charge is quoted
    assert not mention.administrative


def test_charge_list_keeps_both_quotes() -> None:
    text = (
        "khởi tố bị can về tội “Lừa đảo chiếm đoạt tài sản” và “Sử dụng mạng máy tính, mạng "
        "viễn thông, phương tiện điện tử thực hiện hành vi chiếm đoạt tài sản”"
    )
    assert [c.article for c in extract_crimes(text)] == ["174", "290"]


def test_administrative_kept_apart() -> None:
    mentions = extract_crimes("Công an huyện xử phạt hành chính 5 đối tượng về hành vi đánh bạc.")
    assert [(c.label, c.administrative) for c in mentions] == [
        ("vi phạm hành chính", True),
        ("đánh bạc", True),
    ]
    assert mentions[0].article is None


@pytest.mark.parametrize(
    "text",
    [
        "KHỞI TỐ BỊ CAN VỀ TỘI “CỐ Ý GÂY THƯƠNG TÍCH”",
        unicodedata.normalize("NFD", "khởi tố bị can về tội “Cố ý gây thương tích”"),
        "khởi tố bị can về tội “cố ý gây thương tích”",
    ],
)
def test_case_and_nfd(text: str) -> None:
    (mention,) = extract_crimes(text)
    assert (mention.article, mention.quoted_charge) == ("134", True)


def test_tone_placement_variants() -> None:
    old = extract_crimes("Vận chuyển trái phép hàng hoá, tiền tệ qua biên giới: tội “Buôn lậu”")
    assert "188" in {c.article for c in old}
    assert extract_crimes("đối tượng sử dụng ma tuý")[0].chapter == "XX"  # "tuý" (old placement)


def test_no_crime_in_plain_text() -> None:
    assert extract_crimes("Hội nghị tổng kết công tác thi đua khen thưởng năm 2023.") == ()


def test_chapter_of() -> None:
    assert [chapter_of(a) for a in ("123", "256a", "321", "999", None)] == [
        "XIV", "XX", "XXI", None, None,
    ]  # fmt: skip


def test_seed_crimes_are_summary() -> None:
    _, _, body = seed_parts()
    mentions = extract_crimes(body)
    labels = {c.label: c for c in mentions}
    assert labels["tín dụng đen"].surface == "tội phạm tín dụng đen"
    assert labels["tín dụng đen"].article == "201"
    assert labels["đánh bạc"].articles == ("321", "322")
    assert labels["ma túy"].chapter == "XX"
    assert "băng nhóm (tội phạm có tổ chức)" in labels
    assert {c.context for c in mentions} == {"summary"}


@pytest.mark.parametrize(
    ("text", "article"),
    [
        (
            "về tội “Làm, tàng trữ, phát tán hoặc tuyên truyền thông tin, tài liệu, vật phẩm"
            " nhằm chống Nhà nước Cộng hòa xã hội chủ nghĩa Việt Nam”",
            "117",
        ),
        ("Khởi tố bị can tuyên truyền chống Nhà nước trên không gian mạng", "117"),
        ("về tội “Hoạt động nhằm lật đổ chính quyền nhân dân”", "109"),
        ("về tội “Phá rối an ninh”", "118"),
        ("về tội “Đe dọa giết người”", "133"),
        ("về tội “Cưỡng dâm”", "143"),
    ],
)
def test_national_security_and_life_chapters(text: str, article: str) -> None:
    found = extract_crimes(text)
    assert [c.article for c in found] == [article]
    assert found[0].chapter == chapter_of(article)
