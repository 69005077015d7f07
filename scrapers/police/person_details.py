"""Birth year, age, residence and role context around a person mention (pure)."""

from __future__ import annotations

import re
from bisect import bisect_left
from datetime import date
from typing import NamedTuple

from scrapers.police.lexicon import UP
from scrapers.police.model import PersonRole
from scrapers.police.prep import Prepared, memoised

# One level of nested parentheses: "(SN 2001, trú tại xã X (huyện Y cũ))".
_PAREN = re.compile(r"\s*\((?P<body>(?:[^()]|\([^()]{0,80}\)){1,240})\)")
_COMMA = re.compile(
    r"(?:\s*,\s*|\s+(?=SN|sinh (?:năm|ngày|tháng|\d)))"
    r"(?P<body>(?:SN|sinh (?:năm|ngày|tháng|(?=\d))|\d{1,3} tuổi)"
    r"(?:[^.;()]|\.(?=\S)|(?<=TP)\.|(?<=TX)\.){0,240})"
)
# Searched in a details body: a case-insensitive first-letter test ahead of each pattern's
# words spares trying every word at every other position.
_BIRTH = re.compile(
    r"(?=s)(?:SN|sinh(?: năm| ngày \d{1,2}[/.-]\d{1,2}[/.-]| tháng \d{1,2}[/.-])?|s\.n\.?)"
    r"\s*:?\s*(?P<y>(?:19|20)\d{2})(?!\d)",
    re.I,
)
# A bare year opening the brackets: "Hoàng Thị X (1963)", "Nguyễn Thị Tâm (1978, trú ...)".
_BARE_YEAR = re.compile(r"\s*(?P<y>(?:19|20)\d{2})\s*(?:,|$)")
_AGE = re.compile(r"(?<!\d)(?P<a>\d{1,3})\s*tuổi")
_RESIDENCE = re.compile(
    r"(?i:(?=[tnhq]))(?i:trú tại|trú ở|thường trú tại|tạm trú tại|ngụ tại|ngụ ở|hktt(?: tại)?|"
    r"nơi ở(?: hiện nay)?(?: tại)?|quê quán|quê ở|trú|ngụ)\s*:?\s*"
)
# Residence ends at a clause boundary: a verb-like word after a comma or space.
_RES_END = re.compile(
    r"\s+(?:về|để|đã|bị|có|là|vì|do|cùng|thì|và|đang|đi|sử dụng|điều khiển|"
    r"thực hiện|chiếm|gây|bỏ|mang|vận chuyển|tàng trữ|mua bán)\s|;"
)
# Role cues before a mention, by role; at one place the first role listed wins.
_ROLE_CUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("wanted", ("truy nã",)),
    ("defendant", ("bị cáo", "xét xử", "tuyên án", "phiên tòa")),
    ("accused", ("bị can", "khởi tố", "bắt tạm giam", "tạm giam")),
    ("victim", ("nạn nhân", "bị hại", "tử vong", "thiệt mạng", "mắc kẹt", "đuối nước", "gặp nạn",
                "bị nạn")),
    ("suspect", ("đối tượng", "bắt giữ", "bắt quả tang", r"bắt\b", "tạm giữ", "nghi phạm",
                 "đầu thú")),
)  # fmt: skip
_ROLE_ALTS = "|".join(f"(?P<{role}>{'|'.join(cues)})" for role, cues in _ROLE_CUES)
_ROLE_BEFORE = re.compile(f"(?i:{_ROLE_ALTS})")
# The same on the lower-cased text (no case folding: several times faster).
# The literal text every cue begins with: where a _ROLE_BEFORE_LOW match can start.
_ROLE_WORDS = tuple(sorted({c.removesuffix(r"\b") for _, cues in _ROLE_CUES for c in cues}))
_ROLE_BEFORE_LOW = re.compile(
    f"(?=[{''.join(sorted({w[0] for w in _ROLE_WORDS}))}])(?:{_ROLE_ALTS})"
)
# After this many role_before calls on one text, its sentence ends and cues are indexed.
_INDEX_AFTER = 6


# A sentence end in the whitespace-collapsed text ("… tử vong. Tài xế là …").
# Not after an initial ("Nguyễn Văn T. bị …") or "TP." ("TP. Vinh").
# = r"(?<![UP])(?<!TP)[.!?;…]\s+(?=[UP])", the look-behinds moved after the mark so the
# regex engine can skip ahead to one (4x faster).
_SENTENCE_END = re.compile(rf"[.!?;…](?<![{UP}][.!?;…])(?<!TP[.!?;…])\s+(?=[{UP}])")


class Details(NamedTuple):
    """What parse_details found (a named tuple: one per person mention, ~4x cheaper to build
    than a frozen dataclass; only its fields are read)."""

    birth_year: int | None = None
    estimated: bool = False
    age: int | None = None
    residence: str | None = None
    end: int = 0  # end offset of the details in the text (0: none found)


def parse_details(norm: str, clean: str, pos: int, published: date | None) -> Details:
    """Details right after a name: "(SN 1990, trú tại ...)" or ", sinh năm 1990, ngụ ..."."""
    m = _PAREN.match(norm, pos) or _COMMA.match(norm, pos)
    if m is None:
        return Details()
    body = clean[m.start("body") : m.end("body")]
    birth = _BIRTH.search(body)
    age_m = _AGE.search(body)
    if birth is None and m.re is _PAREN:
        birth = _BARE_YEAR.match(body)
    year = int(birth["y"]) if birth else None
    if birth is not None and birth.re is _BARE_YEAR and not _adult_year(year, published):
        year = None
    age = int(age_m["a"]) if age_m and int(age_m["a"]) < 120 else None
    estimated = year is None and age is not None and published is not None
    if estimated and published is not None and age is not None:
        year = published.year - age
    res = _RESIDENCE.search(body)
    residence, cut = _bounded(body[res.end() :]) if res else (None, len(body))
    end = m.end() if m.re is _PAREN else m.start("body") + (res.end() if res else 0) + cut
    return Details(year, estimated, age, residence or None, end)


def _adult_year(year: int | None, published: date | None) -> bool:
    """A bare bracketed year is a birth year only if it gives an age of 10 to 100."""
    return year is not None and (published is None or 10 <= published.year - year <= 100)


def _bounded(rest: str) -> tuple[str, int]:
    """The residence text and where it ends in `rest`."""
    end = _RES_END.search(rest)
    cut = end.start() if end is not None else len(rest)
    text = rest[:cut].rstrip(" ,.;:")
    return text.lstrip(" ,.;:"), len(rest[:cut].rstrip(" ,;:"))


class _RoleText:
    """One text for `role_before`: its sentence ends and role-cue starts are indexed once
    it asks for many mentions (a scan of the whole text; few mentions scan their window)."""

    __slots__ = ("calls", "cue_starts", "low", "norm", "stop_ends", "stop_starts")

    def __init__(self, prep: Prepared) -> None:
        self.norm = prep.norm
        self.low = prep.low()  # `norm` lower-cased (None: not safe, see Prepared.low)
        self.calls = 0
        self.stop_starts: list[int] = []  # _SENTENCE_END matches in `norm`
        self.stop_ends: list[int] | None = None  # None: not indexed yet
        self.cue_starts: list[int] = []  # every offset in `low` where a role word begins

    def index(self) -> list[int]:
        if self.stop_ends is None:
            stops = list(_SENTENCE_END.finditer(self.norm))
            self.stop_starts = [m.start() for m in stops]
            self.stop_ends = [m.end() for m in stops]
            self.cue_starts = _word_starts(self.low) if self.low is not None else []
        return self.stop_ends


def _word_starts(low: str) -> list[int]:
    starts: set[int] = set()
    for word in _ROLE_WORDS:
        at = low.find(word)
        while at >= 0:
            starts.add(at)
            at = low.find(word, at + 1)
    return sorted(starts)


def role_before(prep: Prepared, pos: int) -> PersonRole:
    """Role from the nearest cue in the 80 characters before a mention, in its sentence."""
    text: _RoleText = memoised(prep, "role_text", _RoleText)
    text.calls += 1
    lo = max(0, pos - 80)
    if text.calls <= _INDEX_AFTER:
        for stop in _SENTENCE_END.finditer(text.norm, lo, pos):
            lo = stop.end()
        last = _last_cue(text, lo, pos)
    else:
        # The last sentence end inside [lo, pos) (its look-ahead letter before pos, too).
        ends = text.index()
        i = bisect_left(ends, pos) - 1
        if i >= 0 and text.stop_starts[i] >= lo:
            lo = ends[i]
        last = _last_indexed_cue(text, lo, pos)
    if last is None or last.lastgroup is None:
        return "other"
    role: PersonRole = last.lastgroup  # type: ignore[assignment]
    return role


def _last_cue(text: _RoleText, lo: int, pos: int) -> re.Match[str] | None:
    """The last match of `_ROLE_BEFORE.finditer(norm[lo:pos])` (offsets in the text)."""
    last = None
    if text.low is None:
        for last in _ROLE_BEFORE.finditer(text.norm, lo, pos):  # noqa: B007 - the last one
            pass
    else:
        for last in _ROLE_BEFORE_LOW.finditer(text.low, lo, pos):  # noqa: B007
            pass
    return last


def _last_indexed_cue(text: _RoleText, lo: int, pos: int) -> re.Match[str] | None:
    """`_last_cue`, trying only the offsets where a role word begins."""
    if text.low is None:
        return _last_cue(text, lo, pos)
    last = None
    starts = text.cue_starts
    end = lo
    for start in starts[bisect_left(starts, lo) : bisect_left(starts, pos)]:
        if start >= end and (m := _ROLE_BEFORE_LOW.match(text.low, start, pos)) is not None:
            last, end = m, m.end()
    return last


# Official titles before a name with no role cue ("Giám đốc Sở Tư pháp Lê Thị Liên",
# "Thủ tướng Nguyễn Xuân Phúc", "ĐB Nguyễn Thị Thủy"): a title of the state by itself, or a
# position head followed by a state body; between the title and the name only the words of
# a unit name (capitalised words, acronyms, and the lower-case words unit names are made of).
_STATE_TITLE = (
    "thủ tướng|chủ tịch nước|tổng bí thư|bộ trưởng|thứ trưởng|thống đốc|chánh án|thẩm phán|"
    "kiểm sát viên|điều tra viên|chủ tọa|chủ tọa phiên tòa|viện trưởng|viện phó|đại biểu|đbqh|"
    "đb|tổng thanh tra|chủ nhiệm|bí thư|trưởng công an|công an viên|cảnh sát khu vực"
)
_HEAD = (
    "phó chủ tịch|chủ tịch|phó giám đốc|giám đốc|cục trưởng|phó cục trưởng|trưởng phòng|"
    "phó trưởng phòng|trưởng ban|phó trưởng ban|chánh văn phòng|chánh thanh tra|tư lệnh|"
    "chính ủy|đội trưởng|phó đội trưởng|trưởng đồn|chỉ huy trưởng|giám thị|thủ trưởng"
)
_BODY = (
    "sở|bộ|cục|tổng cục|chi cục|ubnd|hđnd|công an|ca|vksnd|vks|viện ksnd|tand|tòa án|"
    "quốc hội|chính phủ|tỉnh ủy|thành ủy|huyện ủy|đảng ủy|ủy ban|thanh tra|ban|phòng|đội|"
    "đồn|trại giam|bộ chỉ huy|bđbp|hải quan|kho bạc|cơ quan|văn phòng|tỉnh|thành phố|tp|"
    "huyện|quận|thị xã|xã|phường|thị trấn|mặt trận|hội đồng"
)
_UNIT_WORDS = (
    "tỉnh|thành|phố|huyện|quận|xã|phường|thị|trấn|và|nhân|dân|tối|cao|cấp|tư|pháp|cảnh|"
    "sát|điều|tra|hình|sự|an|ninh|kinh|tế|giao|thông|thi|hành|án|kế|hoạch|đầu|y|tài|chính|"
    "quốc|hội|phủ|kiểm|thường|trực|ủy|ban|lao|động|thương|binh|nông|nghiệp|phát|triển|"
    "thôn|công|giáo|dục|đào|tạo|văn|hóa|thể|thao|du|lịch|nguyên|môi|trường|xây|dựng|nội|vụ|"
    "ngoại|phòng|tin|truyền|khoa|học|nghệ|ngân|hàng|nhà|nước|tòa|viện|mặt|trận|tổ|quốc|"
    "đảng|bộ|sở|cục|chi|tổng|đội|đồn|trại|giam|biên|hải|quan|kho|bạc|cơ|các|trung|ương|"
    "pccc|cnch|csgt|cshs|csđt|kỳ|họp|thứ|khóa|phiên|tòa"
)
_UNIT_TOKEN = rf"(?:[{UP}\d][^\s,.;:!?()\"“”]*|(?:{_UNIT_WORDS})(?![\w]))"
_TITLE_BEFORE = re.compile(
    rf"(?i:{_STATE_TITLE}|(?:{_HEAD}) (?:{_BODY}))(?![\w])(?: {_UNIT_TOKEN}){{0,10}} "
)
# Where a title can begin: the words a title starts with, found on the lowered text.
_TITLE_STARTS = re.compile(
    r"(?<![\w])(?:"
    + "|".join(sorted({w.split(" ")[0] for w in f"{_STATE_TITLE}|{_HEAD}".split("|")}))
    + r")(?![\w])"
)
_STATE_BODY = re.compile(rf"(?<![\w])(?i:{_BODY})(?![\w])")


def title_before(norm: str, pos: int) -> bool:
    """True when an official's title (and its unit) ends right before `pos`."""
    lo = max(0, pos - 100)
    low = norm[lo:pos].lower()
    for start in _TITLE_STARTS.finditer(low):
        if _TITLE_BEFORE.fullmatch(norm, lo + start.start(), pos) is not None:
            return True
    return False


def state_titles(titles: tuple[str, ...]) -> bool:
    """True when one of the titles written after a name names a state body."""
    return any(_STATE_BODY.search(t) is not None for t in titles)
