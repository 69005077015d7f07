"""Shared vocabularies and regex pieces for persons, units and places (pure data).

Ranks follow Luật CAND 2018 Điều 21 (domain notes §3.1); titles §3.2; unit codes §3.3.
All patterns are meant to run on tone-normalised NFC text (scrapers.text).
"""

from __future__ import annotations

import re

_UPPER_VI = "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
UP = f"A-Z{_UPPER_VI}"
LOW = f"a-z{_UPPER_VI.lower()}"
# One capitalised syllable ("Trần", "Đắk", "H'Mông" style apostrophes allowed).
CAP_SYL = rf"[{UP}][{LOW}]*(?:'[{LOW}]+)?(?![{UP}{LOW}\d])"
# A run of capitalised syllables separated by single spaces (or " - " in "Bà Rịa - Vũng Tàu").
CAP_RUN = rf"{CAP_SYL}(?:(?: | - ){CAP_SYL})*"

# Highest first. Canonical spelling uses the new tone placement (úy).
RANKS: tuple[str, ...] = (
    "Đại tướng", "Thượng tướng", "Trung tướng", "Thiếu tướng",
    "Đại tá", "Thượng tá", "Trung tá", "Thiếu tá",
    "Đại úy", "Thượng úy", "Trung úy", "Thiếu úy",
    "Thượng sĩ", "Trung sĩ", "Hạ sĩ", "Binh nhất", "Binh nhì",
)  # fmt: skip
RANK_BY_KEY = {r.lower(): r for r in RANKS}
RANK_RE = "|".join(sorted((re.escape(r) for r in RANKS), key=len, reverse=True))

# Position heads (§3.2); a title is a head plus an optional unit phrase.
TITLE_HEADS: tuple[str, ...] = (
    "Bộ trưởng", "Thứ trưởng thường trực", "Thứ trưởng", "Chánh Văn phòng", "Phó Chánh Văn phòng",
    "Tổng cục trưởng", "Phó Tổng cục trưởng", "Cục trưởng", "Phó Cục trưởng",
    "Tư lệnh", "Phó Tư lệnh", "Chính ủy", "Phó Chính ủy",
    "Giám đốc", "Phó Giám đốc", "Chánh Thanh tra", "Phó Chánh Thanh tra",
    "Thủ trưởng", "Phó Thủ trưởng thường trực", "Phó Thủ trưởng",
    "Trưởng phòng", "Phó Trưởng phòng", "Đội trưởng", "Phó Đội trưởng",
    "Trưởng Công an", "Phó Trưởng Công an", "Trưởng đồn", "Phó Trưởng đồn",
    "Giám thị", "Phó Giám thị", "Trạm trưởng", "Phó Trạm trưởng", "Trưởng trạm",
    "Điều tra viên", "Cảnh sát khu vực", "Trinh sát", "Cán bộ", "Chiến sĩ",
    "Người phát ngôn", "Ủy viên Ban Thường vụ Tỉnh ủy", "Ủy viên Ban Thường vụ Thành ủy",
    "Ủy viên Trung ương Đảng", "Tỉnh ủy viên", "Bí thư Đảng ủy", "Phó Bí thư Đảng ủy",
    "Bí thư Tỉnh ủy", "Phó Bí thư Tỉnh ủy", "Bí thư", "Phó Bí thư",
    "Chủ tịch", "Phó Chủ tịch", "Viện trưởng", "Phó Viện trưởng", "Chánh án", "Phó Chánh án",
    "Chỉ huy trưởng", "Phó Chỉ huy trưởng", "Trưởng ban", "Phó Trưởng ban", "Hiệu trưởng",
    "Giám đốc Học viện", "Trưởng Văn phòng", "Chánh văn phòng",
)  # fmt: skip
TITLE_RE = "|".join(sorted((re.escape(t) for t in TITLE_HEADS), key=len, reverse=True))

# Syllables that start a title or unit, never a personal name: a name run stops there.
NOT_NAME = frozenset(
    re.findall(
        r"\S+",
        "Giám Phó Trưởng Thủ Đội Cục Bộ Thứ Chánh Tư Chủ Bí Ủy Viện Chỉ Công Phòng Tỉnh Huyện "
        "Quận Xã Phường Thành Thị Đồn Trạm Cơ Tổng Hiệu Người Điều Trinh Cán Chiến Chính Ban "
        "Đại Thượng Trung Thiếu Hạ Binh Sáng Chiều Tối Trưa Đêm Ngày Tháng Năm Tại Theo Khi Sau "
        "Trong Ngoài Với Và Của Các Những Đồng Ông Bà Anh Chị Em",
    )
)
SURNAMES = frozenset(
    re.findall(
        r"\S+",
        "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đinh Mai "
        "Trịnh Lương Lưu Hà Tạ Cao Chu Đoàn Vương Quách Lò Cầm Tô Thái Triệu Lại",
    )
)

# Provincial department codes (§3.3; only some confirmed from press, see the notes there).
UNIT_CODES: dict[str, str] = {
    "PV01": "Phòng Tham mưu", "PX01": "Phòng Tổ chức cán bộ",
    "PX03": "Phòng Công tác đảng và công tác chính trị", "PX05": "Thanh tra Công an tỉnh",
    "PH10": "Phòng Hậu cần", "PV06": "Phòng Hồ sơ nghiệp vụ",
    "PA01": "Phòng An ninh đối ngoại", "PA02": "Phòng An ninh đối nội",
    "PA03": "Phòng An ninh chính trị nội bộ", "PA04": "Phòng An ninh kinh tế",
    "PA05": "Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao",
    "PA06": "Phòng Kỹ thuật nghiệp vụ", "PA08": "Phòng Quản lý xuất nhập cảnh",
    "PA09": "Phòng An ninh điều tra", "PC01": "Văn phòng Cơ quan Cảnh sát điều tra",
    "PC02": "Phòng Cảnh sát hình sự", "PC03": "Phòng Cảnh sát kinh tế",
    "PC04": "Phòng Cảnh sát điều tra tội phạm về ma túy",
    "PC06": "Phòng Cảnh sát quản lý hành chính về trật tự xã hội",
    "PC07": "Phòng Cảnh sát phòng cháy, chữa cháy và cứu nạn, cứu hộ",
    "PC08": "Phòng Cảnh sát giao thông", "PC09": "Phòng Kỹ thuật hình sự",
    "PC10": "Phòng Cảnh sát thi hành án hình sự và hỗ trợ tư pháp",
    "PC11": "Phòng Cảnh sát bảo vệ", "PK02": "Phòng Cảnh sát cơ động",
    "C01": "Văn phòng Cơ quan Cảnh sát điều tra Bộ Công an", "C02": "Cục Cảnh sát hình sự",
    "C03": "Cục Cảnh sát điều tra tội phạm về tham nhũng, kinh tế, buôn lậu",
    "C04": "Cục Cảnh sát điều tra tội phạm về ma túy",
    "A05": "Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao",
    "K02": "Bộ Tư lệnh Cảnh sát cơ động",
}  # fmt: skip
# Short names the press uses for departments → code.
UNIT_ALIASES: dict[str, str] = {
    "phòng cảnh sát hình sự": "PC02", "phòng cshs": "PC02",
    "phòng cảnh sát kinh tế": "PC03", "phòng cskt": "PC03",
    "phòng cảnh sát điều tra tội phạm về ma túy": "PC04", "phòng cảnh sát ma túy": "PC04",
    "phòng cảnh sát quản lý hành chính về trật tự xã hội": "PC06", "phòng csqlhc": "PC06",
    "phòng cảnh sát qlhc về ttxh": "PC06",
    "phòng cảnh sát phòng cháy, chữa cháy và cứu nạn, cứu hộ": "PC07",
    "phòng cảnh sát pccc và cnch": "PC07", "phòng cảnh sát pccc&cnch": "PC07",
    "phòng cảnh sát giao thông": "PC08", "phòng csgt": "PC08",
    "phòng kỹ thuật hình sự": "PC09", "phòng cảnh sát cơ động": "PK02",
    "phòng an ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao": "PA05",
    "phòng an ninh kinh tế": "PA04", "phòng an ninh điều tra": "PA09",
    "phòng an ninh chính trị nội bộ": "PA03", "phòng quản lý xuất nhập cảnh": "PA08",
    "phòng tham mưu": "PV01", "phòng tổ chức cán bộ": "PX01", "phòng hậu cần": "PH10",
    "cục cảnh sát hình sự": "C02", "cục cảnh sát điều tra tội phạm về ma túy": "C04",
    "cục an ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao": "A05",
    "bộ tư lệnh cảnh sát cơ động": "K02",
}  # fmt: skip
