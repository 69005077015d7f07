# ruff: noqa: E501  (test sentences are real-length Vietnamese text)
"""Wanted notices and scam warnings."""

from __future__ import annotations

import unicodedata

import pytest

from scrapers.police.notices import extract_scam, extract_wanted

pytestmark = pytest.mark.unit

WANTED = """Cơ quan CSĐT Công an tỉnh Thanh Hóa ra quyết định truy nã số 12/QĐ-CSĐT ngày 10/5/2023 đối với bị can Lê Văn Bình về tội “Giết người”.
Họ tên: Lê Văn Bình
Tên gọi khác: Bình "đen"; Tý
Sinh ngày: 12/03/1985
Giới tính: Nam
Nơi ĐKTT: thôn 3, xã Hoằng Quỳ, huyện Hoằng Hóa, tỉnh Thanh Hóa
Đặc điểm nhận dạng: cao khoảng 1m65, tóc ngắn, có hình xăm ở tay trái.
Ai phát hiện đề nghị báo ngay cho cơ quan công an gần nhất hoặc liên hệ số điện thoại 0693.187.200."""

SCAM = """Thời gian gần đây, các đối tượng giả danh cán bộ công an gọi điện thoại, nhắn tin qua Zalo thông báo người dân liên quan đến vụ án rửa tiền. Một phụ nữ đã bị chiếm đoạt 1,2 tỷ đồng. Công an tỉnh khuyến cáo người dân tuyệt đối không chuyển tiền cho người lạ. Không truy cập đường link lạ."""


@pytest.mark.parametrize("text", [WANTED, unicodedata.normalize("NFD", WANTED)])
def test_wanted_fields(text: str) -> None:
    notice = extract_wanted(text)
    assert notice is not None
    assert notice.name == "Lê Văn Bình"
    assert notice.other_names == ('Bình "đen"', "Tý")
    assert (notice.birth_date, notice.birth_year, notice.sex) == ("12/03/1985", 1985, "Nam")
    assert notice.residence == "thôn 3, xã Hoằng Quỳ, huyện Hoằng Hóa, tỉnh Thanh Hóa"
    assert notice.id_features is not None and notice.id_features.startswith("cao khoảng 1m65")
    assert (notice.charge, notice.article) == ("Giết người", "123")
    assert (notice.decision_no, notice.decision_date) == ("12/QĐ-CSĐT", "10/5/2023")
    assert notice.issuing_authority == "Cơ quan CSĐT Công an tỉnh Thanh Hóa"
    assert notice.contact_phone == "0693.187.200"


def test_wanted_running_text() -> None:
    notice = extract_wanted(
        "Công an huyện ra quyết định truy nã đối với Lò Văn Páo (SN 1979) về tội “Mua bán trái phép chất ma túy”."
    )
    assert notice is not None
    assert (notice.name, notice.birth_year, notice.article) == ("Lò Văn Páo", 1979, "251")


def test_scam_fields() -> None:
    scam = extract_scam(SCAM)
    assert scam is not None
    assert scam.modus[0] == "gia_danh_co_quan"
    assert scam.channels[:2] == ("dien_thoai", "zalo")
    assert scam.impersonated_org == "cán bộ công an"
    assert len(scam.advice) == 2 and scam.advice[1] == "Không truy cập đường link lạ."
    assert scam.amount_lost == 1.2e9


def test_scam_upper_case() -> None:
    scam = extract_scam("CẢNH BÁO THỦ ĐOẠN VIỆC NHẸ LƯƠNG CAO QUA TELEGRAM")
    assert scam is not None
    assert (scam.modus, scam.channels) == (("viec_nhe_luong_cao",), ("telegram",))


@pytest.mark.parametrize("text", ["Hội nghị tổng kết công tác thi đua năm 2023.", ""])
def test_not_notices(text: str) -> None:
    assert extract_wanted(text) is None
    assert extract_scam(text) is None
