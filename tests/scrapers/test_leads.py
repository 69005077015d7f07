"""Unit tests for outlet-marker stripping and title-suffix removal (scrapers.leads)."""

from __future__ import annotations

import pytest

from scrapers.leads import strip_outlet_marker, strip_title_suffix


@pytest.mark.unit
@pytest.mark.parametrize(
    ("lead", "expected"),
    [
        ("(PLO)-\u00a0Phó Bí thư Thành ủy dâng hoa.", "Phó Bí thư Thành ủy dâng hoa."),
        ("(PLO) -Ngày 9-10, tòa xử.", "Ngày 9-10, tòa xử."),
        ("(NLĐO)- Sáng 7-3, Công an TP.", "Sáng 7-3, Công an TP."),
        ("(Dân trí) - Giá vàng trong nước giảm.", "Giá vàng trong nước giảm."),
        ("(Chinhphu.vn) - Thủ tướng chỉ đạo.", "Thủ tướng chỉ đạo."),
        ("TPO - Chiều 5-3, Công an tỉnh.", "Chiều 5-3, Công an tỉnh."),
        ("ANTĐ - Công an quận Cầu Giấy vừa khởi tố.", "Công an quận Cầu Giấy vừa khởi tố."),
        ("VOV.VN - Hôm nay, Bộ Công an.", "Hôm nay, Bộ Công an."),
        ("(HNMO)-Hôm nay, Hà Nội.", "Hôm nay, Hà Nội."),
        ("(BĐ) - Sáng nay, Bình Định.", "Sáng nay, Bình Định."),
        ("(CAO) Ngày 12-10, Công an TP.HCM.", "Ngày 12-10, Công an TP.HCM."),
        ("(ANTV) - Đêm qua, Công an.", "Đêm qua, Công an."),
        ("(PLVN) - Tòa án nhân dân.", "Tòa án nhân dân."),
        ("(Baothanhhoa.vn) - Ngày 19-9, Công an xã.", "Ngày 19-9, Công an xã."),
        ("(CAND) - Công an quận Hoàng Mai.", "Công an quận Hoàng Mai."),
        ("Lời tòa soạn: Loạt bài phản ánh.", "Loạt bài phản ánh."),
        # not markers: left as printed
        ("UBND tỉnh quyết định thành lập.", "UBND tỉnh quyết định thành lập."),
        ("(Ảnh minh họa) Người dân xếp hàng.", "(Ảnh minh họa) Người dân xếp hàng."),
        ("Công an tỉnh Thanh Hóa - đơn vị anh hùng.", "Công an tỉnh Thanh Hóa - đơn vị anh hùng."),
        ("  Sáng 19-6,  Công an tỉnh  ", "Sáng 19-6, Công an tỉnh"),
    ],
)
def test_strip_outlet_marker(lead: str, expected: str) -> None:
    assert strip_outlet_marker(lead) == expected


@pytest.mark.unit
@pytest.mark.parametrize(
    ("title", "names", "host", "expected"),
    [
        ("Cách các nước đối phó - Báo VnExpress Kinh doanh", (), "", "Cách các nước đối phó"),
        ("Giá vàng giảm | Báo Dân trí", (), "", "Giá vàng giảm"),
        ("Chiến sự đẩy giá hoa - Tuổi Trẻ Online", (), "", "Chiến sự đẩy giá hoa"),
        (
            "Nhân rộng điển hình - Công an tỉnh Thanh Hóa",
            (),
            "congan.thanhhoa.gov.vn",
            "Nhân rộng điển hình",
        ),
        ("Bắt quả tang | Báo Công an TP.HCM", ("Báo Công an TP.HCM",), "", "Bắt quả tang"),
        (
            "Bắt giữ đối tượng - Công an vào cuộc",
            (),
            "",
            "Bắt giữ đối tượng - Công an vào cuộc",
        ),
        ("Mỹ - Israel tập kích Iran", (), "", "Mỹ - Israel tập kích Iran"),
    ],
)
def test_strip_title_suffix(title: str, names: tuple[str, ...], host: str, expected: str) -> None:
    assert strip_title_suffix(title, names, host) == expected
