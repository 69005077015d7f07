"""Build the versioned gazetteer JSON files from the vietnamadminunits wheel (MIT).

Not imported at run time. Usage (from the repo root):

    python -m scrapers.police.data.build_gazetteer            # pip-downloads the pinned wheel
    python -m scrapers.police.data.build_gazetteer --wheel PATH.whl

Reads the wheel's `data/dataset.db` (SQLite: legacy 63/696/10,040 and 2025 34/3,321 units,
NSO codes) and `data/converter_2025.json` (old commune → new commune map) and writes
provinces.json, legacy_units.json and communes_2025.json next to this file.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Any

PACKAGE = "vietnamadminunits"
VERSION = "1.0.4"
OUT = Path(__file__).parent
LEGACY_VALID_TO = "2025-06-30"
NEW_VALID_FROM = "2025-07-01"
# Names the press uses that the dataset does not carry (Huế became a city on 2025-01-01).
EXTRA_ALIASES = {
    "Thừa Thiên Huế": "46",
    "Thừa Thiên - Huế": "46",
    "HCM": "79",
    "TP.HCM": "79",
    "TPHCM": "79",
    "TP HCM": "79",
    "Sài Gòn": "79",
    "Hồ Chí Minh": "79",
    "Bà Rịa Vũng Tàu": "77",
    "Vũng Tàu": "77",
    # Spellings the 2017 press still uses for Đắk Lắk, Đắk Nông and Bắc Kạn.
    "Đăk Lăk": "66",
    "Đắk Lăk": "66",
    "Đắc Lắc": "66",
    "Đăk Nông": "67",
    "Đắc Nông": "67",
    "Bắc Cạn": "06",
}


def _fetch_wheel(tmp: Path) -> Path:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "-d",
            str(tmp),
            f"{PACKAGE}=={VERSION}",
        ],
        check=True,
    )
    return next(tmp.glob(f"{PACKAGE}-{VERSION}-*.whl"))


def _extract(wheel: Path, tmp: Path) -> tuple[Path, dict[str, Any]]:
    with zipfile.ZipFile(wheel) as zf:
        zf.extract(f"{PACKAGE}/data/dataset.db", tmp)
        converter = json.loads(zf.read(f"{PACKAGE}/data/converter_2025.json"))
    return tmp / PACKAGE / "data" / "dataset.db", converter


def _provinces(db: sqlite3.Connection, converter: dict[str, Any]) -> dict[str, Any]:
    new_rows = db.execute(
        "SELECT DISTINCT provinceCode, province, provinceShort, provinceKey FROM admin_units"
    ).fetchall()
    old_rows = db.execute(
        "SELECT DISTINCT provinceCode, province, provinceShort, provinceKey FROM admin_units_legacy"
    ).fetchall()
    old_code_by_key = {key: code for code, _, _, key in old_rows}
    new_code_by_key = {key: code for code, _, _, key in new_rows}
    merged: dict[str, list[str]] = {}
    for new_key, old_keys in converter["DICT_PROVINCE"].items():
        merged[new_code_by_key[new_key]] = sorted(old_code_by_key[k] for k in old_keys)
    to_new = {old: new for new, olds in merged.items() for old in olds}

    def unit(code: str, name: str, short: str) -> dict[str, Any]:
        kind = "city" if name.startswith("Thành phố") else "province"
        return {"code": code, "name": name, "short": short, "type": kind}

    legacy = [unit(c, n, s) | {"code_2025": to_new[c]} for c, n, s, _ in sorted(old_rows)]
    current = [unit(c, n, s) | {"from": merged[c]} for c, n, s, _ in sorted(new_rows)]
    return {
        "source": f"{PACKAGE} {VERSION} (MIT)",
        "code_system": "NSO (Tổng cục Thống kê) province codes; codes reused across schemes",
        "schemes": {
            "legacy": {"valid_to": LEGACY_VALID_TO, "count": len(legacy)},
            "2025": {"valid_from": NEW_VALID_FROM, "count": len(current)},
        },
        "legacy": legacy,
        "2025": current,
        "aliases": EXTRA_ALIASES,
    }


def _new_communes(db: sqlite3.Connection) -> tuple[list[list[str]], dict[tuple[str, str], str]]:
    rows = db.execute(
        "SELECT wardCode, provinceCode, wardType, wardShort, provinceKey, wardKey "
        "FROM admin_units ORDER BY wardCode"
    ).fetchall()
    by_key = {(pk, wk): code for code, _, _, _, pk, wk in rows}
    return [[c, p, t, s] for c, p, t, s, _, _ in rows], by_key


def _legacy(
    db: sqlite3.Connection, converter: dict[str, Any], new_by_key: dict[tuple[str, str], str]
) -> dict[str, Any]:
    rows = db.execute(
        "SELECT provinceCode, districtCode, districtType, districtShort, wardCode, wardType, "
        "wardShort, provinceKey, districtKey, wardKey FROM admin_units_legacy "
        "ORDER BY districtCode, wardCode"
    ).fetchall()
    targets: dict[str, list[str]] = defaultdict(list)
    default: dict[str, str] = {}
    for new_pk, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wk, olds in wards.items():
            for old in olds:
                if (new_pk, new_wk) in new_by_key:
                    targets[old].append(new_by_key[(new_pk, new_wk)])
    for new_pk, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, news in olds.items():
            for item in news:
                code = new_by_key.get((new_pk, item["newWardKey"]))
                if code is None:
                    continue
                targets[old].append(code)
                if item["isDefaultNewWard"]:
                    default[old] = code
    districts: dict[str, list[str]] = {}
    communes: list[list[Any]] = []
    for pc, dc, dt, ds, wc, wt, ws, pk, dk, wk in rows:
        districts.setdefault(dc, [dc, pc, dt, ds])
        if wc is None:
            continue
        key = f"{pk}_{dk}_{wk}"
        news = sorted(set(targets.get(key, [])))
        communes.append([wc, dc, wt, ws, news, default.get(key, news[0] if len(news) == 1 else "")])
    return {
        "source": f"{PACKAGE} {VERSION} (MIT)",
        "valid_to": LEGACY_VALID_TO,
        "district_columns": ["code", "province_code", "type", "short"],
        "districts": sorted(districts.values()),
        "commune_columns": ["code", "district_code", "type", "short", "codes_2025", "default_2025"],
        "communes": communes,
    }


def _write(name: str, data: dict[str, Any]) -> None:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    (OUT / name).write_text(text + "\n", encoding="utf-8")
    print(f"{name}: {len(text.encode())} bytes")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--wheel", type=Path, help=f"a local {PACKAGE}-{VERSION} wheel")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        wheel = args.wheel or _fetch_wheel(tmp)
        db_path, converter = _extract(wheel, tmp)
        db = sqlite3.connect(db_path)
        new_rows, new_by_key = _new_communes(db)
        provinces = _provinces(db, converter)
        legacy = _legacy(db, converter, new_by_key)
        db.close()
    version = f"{PACKAGE}-{VERSION}"
    _write("provinces.json", provinces | {"version": version})
    _write("legacy_units.json", legacy | {"version": version})
    _write(
        "communes_2025.json",
        {
            "version": version,
            "source": f"{PACKAGE} {VERSION} (MIT)",
            "valid_from": NEW_VALID_FROM,
            "columns": ["code", "province_code", "type", "short"],
            "communes": new_rows,
        },
    )
    print(
        f"provinces legacy={len(provinces['legacy'])} 2025={len(provinces['2025'])}; "
        f"districts={len(legacy['districts'])} legacy communes={len(legacy['communes'])}; "
        f"2025 communes={len(new_rows)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
