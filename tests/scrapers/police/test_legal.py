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
        ("xử phạt 1.136 trường hợp, tạm giữ 870 xe mô tô", [("xu_phat_hanh_chinh", ())]),
        ("khám nghiệm hiện trường, tạm giữ phương tiện để điều tra", []),
        ("tạm giữ hình sự Nguyễn Văn B", [("tam_giu", ("Nguyễn Văn B",))]),
    ],
)  # fmt: skip
def test_accused_steps_and_seized_vehicles(
    text: str, actions: list[tuple[str, tuple[str, ...]]]
) -> None:
    assert [(a.action, a.subjects) for a in extract_legal_actions(text)] == actions


# Real-article families (issue 15).
@pytest.mark.parametrize(
    ("text", "actions"),
    [
        # Bare "khởi tố" read from what follows; left bare only when no step is said.
        ("Khởi tố tài xế say rượu tông chết 2 người", [("khoi_to_bi_can", "context")]),
        ("Khởi tố vụ xô xát làm 1 người tử vong ở quán karaoke", [("khoi_to_vu_an", "context")]),
        ("Công an huyện đã khởi tố Lê Văn Tâm về tội trộm cắp.", [("khoi_to_bi_can", "context")]),
        ("Ba bị cáo bị Cơ quan CSĐT Công an tỉnh khởi tố vào tháng 3.",
         [("khoi_to_bi_can", "context")]),
        ("Khởi tố vụ cướp tiệm vàng. Công an đã khởi tố vụ án, khởi tố bị can Lê Văn Tâm.",
         [("khoi_to_vu_an", "context"), ("khoi_to_vu_an", "phrase"),
          ("khoi_to_bi_can", "phrase")]),
        ("Năm qua, công an tỉnh đã khởi tố 90 vụ, 120 bị can.", [("khoi_to", "bare")]),
        # Steps announced, requested, negated, asked about: not taken.
        ("Công an huyện sẽ khởi tố vụ án, khởi tố bị can đối với nhóm thanh niên.", []),
        ("Công an kêu gọi Lê Văn Tâm ra đầu thú để hưởng khoan hồng.", []),
        ("Bộ Công an đề nghị khởi tố nguyên giám đốc sở.", []),
        ("Cơ quan điều tra chưa khởi tố vụ án vì chưa đủ căn cứ.", []),
        ("Viện kiểm sát có khởi tố ông A hay không vẫn chưa rõ.", []),
        ("Người vi phạm nồng độ cồn bị xử phạt như thế nào?", []),
        ("Đột nhập tiệm vàng để trộm thì bị công an bắt quả tang.", [("bat_qua_tang", "phrase")]),
        # A sentence quoting the Code ("… thì bị phạt tù từ …") reports no step.
        ("Người nào đã bị xử phạt hành chính về hành vi này mà còn vi phạm thì bị phạt tù từ "
         "6 tháng đến 3 năm.", []),
        # Mentions that imply a step.
        ("Theo cáo trạng, Lê Văn Tâm đã nhiều lần lừa tiền.", [("truy_to", "context")]),
        ("Tòa tuyên phạt bị cáo 9 năm tù. Bị cáo bị kết án về tội tham ô.",
         [("xet_xu", "phrase"), ("xet_xu", "phrase")]),
        ("Chiều 3/5, Nguyễn Văn Hòa đến Công an huyện tự thú.", [("dau_thu", "phrase")]),
        ("TAND huyện xử phạt bị cáo 3 năm tù.", [("xet_xu", "context")]),
        # Reports received: by the police, not by the local government or a fire unit.
        ("Chị V. đã đến cơ quan công an trình báo.", [("tiep_nhan_tin_bao", "context")]),
        ("Người dân trình báo lên chính quyền xã.", []),
        ("Nhận tin báo lúc 2h, Cảnh sát PCCC đã điều 5 xe chữa cháy.", []),
        # Administrative custody and storage yards are no tam_giu.
        ("Công an phường đang tạm giữ hành chính Lê Thị Hoa để làm rõ.", []),
        ("Lô xe tại kho tạm giữ của cơ quan điều tra.", []),
        ("Ông A, đảng viên Phòng Cảnh sát truy nã tội phạm, bị khiển trách.", []),
    ],
)  # fmt: skip
def test_real_article_families(text: str, actions: list[tuple[str, str]]) -> None:
    assert [(a.action, a.method) for a in extract_legal_actions(text)] == actions


def test_bare_name_promotion_keeps_subjects() -> None:
    (action,) = extract_legal_actions("Công an huyện đã khởi tố Lê Văn Tâm về tội trộm cắp.")
    assert action.subjects == ("Lê Văn Tâm",)
    (cited,) = extract_legal_actions("Theo cáo trạng, Lê Văn Tâm đã nhiều lần lừa tiền.")
    assert cited.subjects == ()  # a cited indictment is a mention, not a verb with an object
