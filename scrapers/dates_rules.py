"""Regular expressions used by scrapers.dates (pure data; input is lower-cased, NFC).

Kept apart so the parser reads as steps and the patterns can be reviewed as a table.
"""

from __future__ import annotations

import re

_NB = r"(?<![\d/.:-])"  # no digit or date separator before
_NA = r"(?![\d/.:-]*\d)"  # no digit (directly or after separators) after

ISO = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"
    r"(?:[t ](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,]\d{1,9})?)?"
    r"\s?(?P<tz>z|[+-]\d{2}:?\d{2})?)?"
)

RFC_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
RFC822 = re.compile(
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun),?\s+)?(?P<d>\d{1,2})\s+"
    r"(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\s+(?P<y>\d{4})\s+"
    r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?"
    r"(?:\s+(?P<tz>[+-]\d{4}|gmt|utc|ut|z))?"
)

# "gmt+7", "(gmt+7)", "gmt+07:00", "utc+7"
OFFSET_NAMED = re.compile(
    r"\(?\s*(?:gmt|utc)\s*(?P<sign>[+-])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?\s*\)?"
)

# "10:30", "10:30:00", "3:34:00 pm", "08:01:53+07:00", "14:54:00 +07:00"
TIME_COLON = re.compile(
    _NB + r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,]\d{1,6})?)?"
    r"(?:\s*(?P<ampm>am|pm|sa|ch)\b)?"
    r"(?:\s*(?P<tz>z|[+-]\d{2}:?\d{2}))?(?![\d:])"
)
# "22h30", "17g30", "0h15", "22 giờ 30 phút", "8h"
TIME_WORDS = re.compile(
    _NB + r"(?P<h>\d{1,2})\s*(?:giờ|h|g)(?:\s*(?P<mi>\d{1,2})\s*(?:phút|p|')?)?(?![\w])"
)

# dd/mm/yyyy, d-m-yyyy, dd.mm.yyyy (same separator twice)
DATE_DMY = re.compile(_NB + r"(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})" + _NA)
DATE_YMD = re.compile(
    _NB + r"(?P<y>\d{4})(?P<sep>[/.-])(?P<mo>\d{1,2})(?P=sep)(?P<d>\d{1,2})" + _NA
)
# "ngày 19 tháng 6 năm 2020", "19 tháng 6, 2020"
DATE_TEXT = re.compile(
    r"(?<!\d)(?P<d>\d{1,2})\s+tháng\s+(?P<mo>\d{1,2})(?:\s*,\s*|\s+năm\s+|\s+)(?P<y>\d{4})(?!\d)"
)
# year-less "19-6", "5/3", "27.7" (needs a cue word and a reference date)
DAY_MONTH = re.compile(_NB + r"(?P<d>\d{1,2})[/.-](?P<mo>\d{1,2})" + _NA)
CUE_WORDS = re.compile(r"\b(?:ngày|sáng|trưa|chiều|tối|đêm|hôm|lúc|rạng sáng)\b")
PART_OF_DAY = re.compile(r"\b(?:sáng|trưa|chiều|tối|đêm)\b")

WEEKDAY = re.compile(
    r"(?<!\w)(?:thứ\s*(?:hai|ba|tư|năm|sáu|bảy|bẩy|[2-7])|chủ\s*nhật|t[2-7]|cn)(?!\w)"
)
_DAY_WORDS = {"hai": 0, "ba": 1, "tư": 2, "năm": 3, "sáu": 4, "bảy": 5, "bẩy": 5}
WEEKDAY_INDEX: dict[str, int] = {f"thứ{w}": i for w, i in _DAY_WORDS.items()}
WEEKDAY_INDEX |= {f"thứ{n}": n - 2 for n in range(2, 8)} | {f"t{n}": n - 2 for n in range(2, 8)}
WEEKDAY_INDEX |= {"chủnhật": 6, "cn": 6}
LABELS = re.compile(
    r"(?<!\w)(?:cập nhật lúc|cập nhật|cập nhập|ngày đăng|đăng ngày|đăng lúc|đăng tải|"
    r"xuất bản|thời gian|ngày|lúc|vào|rạng sáng|sáng|trưa|chiều|tối|đêm|"
    r"published|updated|posted|on|at)(?!\w)"
)
LEFTOVER_OK = re.compile(r"[\s,.\-|/():;]*")

JUST_NOW = re.compile(r"(?:vừa xong|vừa mới|mới đây|just now)")
YESTERDAY = re.compile(r"hôm qua")
_UNITS = r"(?P<unit>giây|phút|'|p|giờ|tiếng|h|ngày|tuần)"
RELATIVE = re.compile(
    r"(?:cách đây\s*(?P<n1>\d{1,3})\s*" + _UNITS + r"(?:\s*trước)?"
    r"|(?P<n2>\d{1,3})\s*" + _UNITS.replace("unit", "unit2") + r"\s*trước)"
)
