"""Legal actions with subjects and authority."""

from __future__ import annotations

import unicodedata

import pytest

from scrapers.police.legal import extract_legal_actions
from tests.scrapers.police.seed import seed_parts

pytestmark = pytest.mark.unit

ARREST = (
    "Ngày 20/6, Cơ quan CSĐT Công an tỉnh Thanh Hóa đã ra quyết định khởi tố vụ án, khởi tố "
    "bị can, bắt tạm giam Nguyễn Văn Hùng (SN 1990, trú tại xã Hoằng Quỳ) và Lê Thị Mai về "
    "tội “Giết người”."
)


def test_chain_shares_subjects_but_not_case() -> None:
    actions = extract_legal_actions(ARREST)
    assert [a.action for a in actions] == ["khoi_to_vu_an", "khoi_to_bi_can", "bat_tam_giam"]
    assert actions[0].subjects == ()
    assert actions[1].subjects == actions[2].subjects == ("Nguyễn Văn Hùng", "Lê Thị Mai")
    assert {a.authority for a in actions} == {"Cơ quan CSĐT Công an tỉnh Thanh Hóa"}


@pytest.mark.parametrize(
    ("text", "action", "subjects", "authority"),
    [
        ("Tổ công tác bắt quả tang N.V.A. (17 tuổi) đang tàng trữ ma túy.", "bat_qua_tang",
         ("N.V.A.",), None),
        ("VKSND tỉnh đã ban hành cáo trạng truy tố bị can Trần Văn Bình.", "truy_to",
         ("Trần Văn Bình",), "VKSND tỉnh"),
        ("Sau 3 ngày lẩn trốn, Trần Văn Bình đã ra đầu thú.", "dau_thu", ("Trần Văn Bình",), None),
        ("Công an huyện xử phạt hành chính 5 đối tượng.", "xu_phat_hanh_chinh", (),
         "Công an huyện"),
        ("TAND tỉnh đưa ra xét xử bị cáo Phạm Văn Cường về tội “Giết người”.", "xet_xu",
         ("Phạm Văn Cường",), "TAND tỉnh"),
        ("Cơ quan CSĐT ra quyết định truy nã đối với Lò Văn Páo.", "truy_na", ("Lò Văn Páo",),
         "Cơ quan CSĐT"),
        ("Công an phường tiếp nhận tin báo của người dân.", "tiep_nhan_tin_bao", (),
         "Công an phường"),
        ("khởi tố 175 vụ, 385 bị can", "khoi_to", (), None),
    ],
)  # fmt: skip
def test_first_action(
    text: str, action: str, subjects: tuple[str, ...], authority: str | None
) -> None:
    first = extract_legal_actions(text)[0]
    assert (first.action, first.subjects, first.authority) == (action, subjects, authority)


def test_quoted_charge_is_not_a_subject() -> None:
    (action,) = extract_legal_actions("đã khởi tố bị can về tội “Cướp tài sản”.")
    assert action.subjects == ()


@pytest.mark.parametrize(
    "text",
    [
        unicodedata.normalize("NFD", "Công an huyện đã KHỞI TỐ BỊ CAN Đỗ Văn Nam."),
        "công an huyện đã khởi tố bị can Đỗ Văn Nam.",
    ],
)
def test_nfd_and_case(text: str) -> None:
    (action,) = extract_legal_actions(text)
    assert (action.action, action.subjects) == ("khoi_to_bi_can", ("Đỗ Văn Nam",))


def test_institutional_phrases_are_not_actions() -> None:
    text = "công tác tạm giữ, tạm giam, thi hành án hình sự bảo đảm đúng quy định; trại tạm giam"
    assert extract_legal_actions(text) == ()


def test_seed_has_no_procedural_step() -> None:
    _, _, body = seed_parts()
    assert extract_legal_actions(body) == ()


@pytest.mark.parametrize(
    ("text", "actions"),
    [
        ("Khởi tố đối tượng vận chuyển heroin", [("khoi_to_bi_can", ())]),
        ("đã khởi tố vụ án, khởi tố 12 bị can về tội “Đánh bạc”",
         [("khoi_to_vu_an", ()), ("khoi_to_bi_can", ())]),
        ("Trần Thị Lan (SN 1992, trú tại phường Hưng Dũng) bị khởi tố về tội “Lừa đảo”",
         [("khoi_to_bi_can", ("Trần Thị Lan",))]),
        ("khởi tố 175 vụ, 385 bị can", [("khoi_to", ())]),
        ("xử phạt 1.136 trường hợp, tạm giữ 870 xe mô tô", []),
        ("khám nghiệm hiện trường, tạm giữ phương tiện để điều tra", []),
        ("tạm giữ hình sự Nguyễn Văn B", [("tam_giu", ("Nguyễn Văn B",))]),
    ],
)  # fmt: skip
def test_accused_steps_and_seized_vehicles(
    text: str, actions: list[tuple[str, tuple[str, ...]]]
) -> None:
    assert [(a.action, a.subjects) for a in extract_legal_actions(text)] == actions
