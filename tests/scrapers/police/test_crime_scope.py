"""Crime articles on real-news wordings (issue 15): joined offences, 1999-Code names and
article numbers, and mentions that are no offence of the case (prior convictions, statute
text, general advice, negations, "chống X"), with the method and confidence of each article."""

from __future__ import annotations

from datetime import date

import pytest

from scrapers.police.crimes import extract_crimes
from scrapers.police.model_events import CrimeMention

pytestmark = pytest.mark.unit

Y2017 = date(2017, 6, 30)
Y2019 = date(2019, 3, 1)


def _articles(text: str, published: date | None = Y2017) -> list[str | None]:
    return [c.article for c in extract_crimes(text, published) if not c.administrative]


def _only(text: str, published: date | None = Y2017) -> CrimeMention:
    (mention,) = extract_crimes(text, published)
    return mention


@pytest.mark.parametrize(
    ("text", "articles"),
    [
        ("Khởi tố bị can về tội “Mua bán, vận chuyển trái phép chất ma túy”.", ["251", "250"]),
        (
            "Trinh sát bắt quả tang đối tượng đang tàng trữ, vận chuyển, mua bán hơn 1.300 viên"
            " ma túy tổng hợp.",
            ["249", "250", "251"],
        ),
        ("Hắn khai nhận vận chuyển thuê số ma túy trên sang Trung Quốc.", ["250"]),
        ("Nam là người đứng xưởng sản xuất, tiêu thụ ma túy cho cả đường dây.", ["248", "251"]),
        ("Tạm giữ hình sự chủ quán về hành vi chứa chấp và môi giới mại dâm.", ["327", "328"]),
        ("Bắt nhóm đối tượng vận chuyển 22 kg ngà voi sang Trung Quốc.", ["244"]),
        ("Hai đối tượng bị bắt khi tàng trữ, sử dụng trái phép vũ khí quân dụng.", ["304"]),
    ],
)
def test_joined_offences_are_one_article_per_verb(text: str, articles: list[str]) -> None:
    found = extract_crimes(text, Y2017)
    assert [c.article for c in found] == articles
    assert {c.method for c in found} == {"frame"}


def test_using_drugs_is_no_offence_verb() -> None:
    (mention,) = extract_crimes("Cả nhóm đang sử dụng ma túy trong phòng hát.", Y2017)
    assert (mention.article, mention.method, mention.confidence) == (None, "none", 0.0)


@pytest.mark.parametrize(
    ("text", "article"),
    [
        (
            "Tài xế bị khởi tố về hành vi “Vi phạm các quy định về điều khiển phương tiện giao"
            " thông đường bộ”.",
            "260",
        ),
        (
            "khởi tố bị can để điều tra về hành vi vi phạm quy định về điều khiển phương tiện"
            " giao thông đường bộ.",
            "260",
        ),
        (
            "Các bị cáo bị xét xử về tội “Vi phạm quy định về cho vay trong hoạt động các tổ"
            " chức tín dụng”.",
            "206",
        ),
        (
            "khởi tố bị can về tội “Sử dụng mạng máy tính, mạng viễn thông, mạng internet hoặc"
            " thiết bị số thực hiện hành vi chiếm đoạt tài sản”.",
            "290",
        ),
        ("Bị can bị truy tố về tội hiếp dâm trẻ em.", "142"),
        ("Khởi tố vụ án hình sự Hủy hoại tài sản, bắt khẩn cấp hai người.", "178"),
        ("Cảnh sát bắt thêm hai nghi phạm khủng bố liên quan vụ đánh bom.", "299"),
    ],
)
def test_wordings_of_the_1999_code_and_the_press(text: str, article: str) -> None:
    assert _articles(text) == [article]


def test_a_1999_name_with_several_successors_says_it_guessed() -> None:
    mention = _only(
        "khởi tố bị can về tội cố ý làm trái quy định của Nhà nước về quản lý kinh tế gây hậu"
        " quả nghiêm trọng."
    )
    assert mention.article == "219"
    assert len(mention.articles) > 1
    assert mention.confidence < 0.6


@pytest.mark.parametrize(
    ("text", "published", "article", "confidence"),
    [
        ("Hai ông bị truy tố theo Điều 214 BLHS.", Y2017, "274", 0.5),  # 1999 Code by date
        ("Hai ông bị truy tố theo Điều 214 BLHS.", Y2019, "214", 0.5),  # 2015 Code by date
        ("Hành vi bị khởi tố theo Điều 93 Bộ luật Hình sự năm 1999.", Y2019, "123", 0.85),
        ("Bị can bị truy tố theo khoản 3, Điều 230a-BLHS.", Y2017, "299", 0.5),
        ("Bị can bị khởi tố theo Điều 173 Bộ luật Hình sự 2015.", Y2017, "173", 0.85),
    ],
)
def test_cited_article_numbers_follow_the_code_in_force(
    text: str, published: date, article: str, confidence: float
) -> None:
    mention = _only(text, published)
    assert (mention.article, mention.method, mention.confidence) == (
        article,
        "article_number",
        confidence,
    )


def test_a_cited_number_with_several_successors_keeps_candidates_only() -> None:
    mention = _only("Đối tượng bị khởi tố theo Điều 194 BLHS.")
    assert mention.article is None
    assert mention.articles == ("249", "250", "251", "252")


@pytest.mark.parametrize(
    "text",
    [
        "Các chính sách hình sự phải được quy định ở Điều 91 của BLHS.",  # general part
        "Căn cứ Điều 322 Bộ luật Tố tụng Hình sự, chủ tọa không hạn chế thời gian tranh luận.",
    ],
)
def test_articles_that_name_no_offence_are_ignored(text: str) -> None:
    assert extract_crimes(text, Y2017) == ()


def test_a_named_offence_wins_over_the_number_cited_beside_it() -> None:
    text = (
        "Khởi tố bị can với tội danh “sử dụng mạng máy tính, mạng viễn thông, mạng internet"
        " hoặc thiết bị số thực hiện hành vi chiếm đoạt tài sản” theo Điều 226 Bộ luật Hình sự."
    )
    assert _articles(text) == ["290"]


def test_prior_convictions_add_no_article() -> None:
    text = (
        "Hùng đã có 3 tiền án về các tội tàng trữ trái phép chất ma túy và trộm cắp tài sản,"
        " ra tù không công ăn việc làm."
    )
    found = extract_crimes(text, Y2017)
    assert [(c.article, c.articles, c.context) for c in found] == [
        (None, ("249",), "prior"),
        (None, ("173",), "prior"),
    ]


def test_a_new_offence_after_a_release_from_prison_counts() -> None:
    assert _articles("Vừa ra tù, hắn lại đi trộm cắp tài sản của hàng xóm.") == ["173"]


@pytest.mark.parametrize(
    "text",
    [
        "Người nào hủy hoại tài sản của người khác thì bị phạt tù từ hai năm đến bảy năm.",
        "Người nào bịa đặt nhằm xúc phạm danh dự người khác thì bị phạt tù về tội vu khống.",
        "Dự thảo bổ sung tội Vi phạm quy định về kinh doanh theo phương thức đa cấp, tội hiếp dâm.",
        "Vụ việc xảy ra không phải là một vụ án mạng.",
        "Lực lượng cảnh sát chống khủng bố Anh đã mở cuộc điều tra.",
        "Ông nói Đạo luật chống rửa tiền có thể được áp dụng.",
    ],
)
def test_statutes_advice_negations_and_the_fight_against_name_no_case_offence(
    text: str,
) -> None:
    found = extract_crimes(text, Y2017)
    assert found
    assert all(c.article is None and c.method == "none" for c in found)
    assert {c.context for c in found} <= {"general", "negated"}
    assert all(c.articles for c in found)  # the candidates stay visible


def test_a_press_term_takes_the_article_the_text_names_officially() -> None:
    text = (
        "Bắt đối tượng lừa đảo qua mạng hàng trăm triệu đồng. Công an đã khởi tố bị can về"
        " tội “Sử dụng mạng máy tính, mạng viễn thông, mạng internet hoặc thiết bị số thực"
        " hiện hành vi chiếm đoạt tài sản”."
    )
    press, charge = extract_crimes(text, Y2017)
    assert (press.article, press.method) == ("290", "resolved")
    assert (charge.article, charge.method, charge.confidence) == ("290", "quoted_charge", 0.95)


def test_method_and_confidence_of_a_plain_press_term() -> None:
    mention = _only("Đêm qua, một nhóm thanh niên tụ tập đánh bạc thì bị bắt.")
    assert (mention.article, mention.method, mention.confidence) == ("321", "press_term", 0.5)
