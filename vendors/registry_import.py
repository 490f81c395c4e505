"""Registry import: upsert organizations and their certifications from a CSV/XLSX file.

The files follow the national social-economy datasets (one organization per row; Korean
or English headers). The import is a plain service used by the ``import_registry``
management command and by the ``registry_import_run`` Celery task:

1. **Read** the file (CSV in UTF-8, UTF-8 with BOM or CP949; XLSX, first sheet) and map
   its headers to our fields (``HEADER_ALIASES``; tolerant of spaces, case and BOM).
2. **Clean** every row into a ``RowData`` (no database access): the identifiers go
   through the registry's own normalizers (``brn_normalize``, ``crn_normalize``,
   ``district_normalize``, ``_clean_org_type``); every problem of a row is collected so
   that the summary tells them all at once.
3. **Apply** the clean rows in file order, in chunks (one transaction per chunk, existing
   organizations prefetched with their certifications in two queries per chunk), each
   row inside its own savepoint: a row that fails leaves nothing behind and never
   affects another row.

Rules worth knowing:

* Upsert key: the 사업자등록번호. Rows without one (prospective groups) are rejected.
* The same 사업자등록번호 twice in one file: the first valid occurrence is applied and
  every later one is **rejected** (``DUPLICATE_ROW``, naming the first row), never
  merged: a file is expected to hold one row per organization.
* Empty cells (and placeholders such as ``-`` or ``없음``) never erase what the registry
  already holds; the file's name, type and address win when given.
* District: the district column, else derived from a Seoul address; the province is
  서울특별시 for a Seoul district, else taken from the address.
* Certifications: kind = the organization type; matched on (organization, kind, number)
  or (organization, kind, valid_from). Imported certifications come from the national
  dataset and are created verified (``verified_at`` set once, ``verified_by`` empty);
  re-imports never touch ``verified_at``, so a re-run is "unchanged".
* Resuming: ``on_chunk_begin`` / ``on_chunk_end`` run inside each chunk's transaction, so
  a caller can store its progress (rows done and the summary so far) atomically with the
  rows; ``resume_rows`` / ``resume_summary`` then continue an interrupted run after its last
  committed chunk with its counters, as if it had never stopped (the Celery task does this
  when a worker died half-way).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import DatabaseError, transaction
from django.utils import timezone, translation

from core.errors import DomainError, DomainErrors, as_error_list
from vendors.districts import district_from_address, district_normalize
from vendors.identifiers import brn_format, brn_normalize, crn_normalize
from vendors.models import Certification, CertificationKind, Organization, OrgType
from vendors.services import _clean_org_type, certification_add, organization_register

ProgressCallback = Callable[[int, int], None]
ChunkBeginCallback = Callable[[int, int], None]  # (rows done before the chunk, total)
ChunkEndCallback = Callable[[int, int, "ImportSummary"], None]  # (rows done, total, summary)

DEFAULT_CHUNK_SIZE = 500

# --------------------------------------------------------------------------------------
# Headers
# --------------------------------------------------------------------------------------

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "기업명", "상호", "상호명", "회사명", "조직명", "법인명", "단체명", "기업명칭",
        "company name", "company", "name", "organization", "organization name",
        "enterprise name",
    ),
    "brn": (
        "사업자등록번호", "사업자번호", "사업자 등록번호", "brn",
        "business registration number", "business number", "business reg no",
    ),
    "crn": ("법인등록번호", "법인번호", "crn", "corporate registration number"),
    "org_type": (
        "유형", "기업유형", "조직유형", "기업구분", "유형구분", "type", "org type",
        "organization type", "enterprise type",
    ),
    "cert_number": (
        "인증번호", "지정번호", "인가번호", "인증지정번호", "certification number",
        "certificate number", "cert number", "cert no",
    ),
    "cert_date": (
        "인증일", "인증일자", "지정일", "지정일자", "인가일", "인증연월일",
        "certification date", "certified on", "cert date", "date certified",
        "designation date",
    ),
    "valid_until": (
        "유효기간 종료", "유효기간종료일", "만료일", "지정만료일", "유효기간 만료일",
        "valid until", "expiry date", "expires on",
    ),
    "issuer": ("인증기관", "발급기관", "지정기관", "issuer", "issued by"),
    "representative": (
        "대표자", "대표자명", "대표", "대표자 성명", "representative", "representative name",
        "ceo",
    ),
    "phone": (
        "전화번호", "연락처", "대표전화", "전화", "phone", "telephone", "tel", "phone number",
    ),
    "email": ("이메일", "전자우편", "email", "e-mail"),
    "address": (
        "주소", "소재지", "사업장주소", "소재지주소", "도로명주소", "사업장 소재지",
        "address", "location",
    ),
    "postcode": ("우편번호", "postcode", "postal code", "zip", "zip code"),
    "homepage": ("홈페이지", "홈페이지주소", "웹사이트", "homepage", "website", "web site", "url"),
    "district": ("자치구", "시군구", "구", "district"),
    "business_category": ("업태", "business category"),
    "business_item": ("종목", "업종", "business item"),
    "description": ("소개", "기업소개", "주요사업", "description"),
}  # fmt: skip

FIELD_LABELS: dict[str, str] = {
    "name": "기업명",
    "brn": "사업자등록번호",
    "crn": "법인등록번호",
    "org_type": "기업유형",
    "cert_number": "인증번호",
    "cert_date": "인증일",
    "valid_until": "유효기간 종료",
    "issuer": "인증기관",
    "representative": "대표자명",
    "phone": "전화번호",
    "email": "이메일",
    "address": "주소",
    "postcode": "우편번호",
    "homepage": "홈페이지",
    "district": "자치구",
    "business_category": "업태",
    "business_item": "종목",
    "description": "소개",
}

REQUIRED_COLUMNS = ("name", "brn")
DATE_FIELDS = ("cert_date", "valid_until")
HEADER_SCAN_ROWS = 10  # a title block above the header row is tolerated


def header_key(value: Any) -> str:
    """``' 사업자 등록번호 '`` / ``'Business_Registration-Number'`` → a comparable key."""
    text = unicodedata.normalize("NFKC", str(value or "")).replace("\ufeff", "").lower()
    return re.sub(r"[\s_\-./()·:*]", "", text)


_ALIAS_INDEX: dict[str, str] = {
    header_key(alias): canonical
    for canonical, aliases in HEADER_ALIASES.items()
    for alias in (*aliases, canonical)
}


def map_headers(headers: Iterable[Any]) -> tuple[dict[int, str], dict[str, str], list[str]]:
    """Return (column index → field, header → field, ignored headers)."""
    by_index: dict[int, str] = {}
    by_header: dict[str, str] = {}
    ignored: list[str] = []
    for index, header in enumerate(headers):
        label = str(header or "").replace("\ufeff", "").strip()
        canonical = _ALIAS_INDEX.get(header_key(header))
        if canonical and canonical not in by_index.values():
            by_index[index] = canonical
            by_header[label] = canonical
        elif label:
            ignored.append(label)
    return by_index, by_header, ignored


# --------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------


class ImportFileError(DomainError):
    """The file as a whole cannot be imported (unreadable, no header, missing columns)."""


@dataclass
class RowError:
    code: str
    message: str
    field: str | None = None


@dataclass
class RejectedRow:
    row: int  # as in the file: the header is row 1
    brn: str
    name: str
    errors: list[RowError]

    @property
    def codes(self) -> list[str]:
        return [e.code for e in self.errors]

    @property
    def reason(self) -> str:
        return "; ".join(e.message for e in self.errors)

    @classmethod
    def from_dict(cls, data: dict) -> RejectedRow:
        return cls(
            row=data["row"],
            brn=data.get("brn", ""),
            name=data.get("name", ""),
            errors=[RowError(**e) for e in data.get("errors", [])],
        )

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "brn": self.brn,
            "name": self.name,
            "codes": self.codes,
            "reason": self.reason,
            "errors": [asdict(e) for e in self.errors],
        }


@dataclass
class ImportSummary:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    dry_run: bool = False
    file_name: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "file": self.file_name,
            "dry_run": self.dry_run,
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.rejected),
            "rejected_rows": [r.as_dict() for r in self.rejected],
            "columns": self.columns,
            "ignored_columns": self.ignored_columns,
        }

    def as_text(self) -> str:
        """A bilingual plain-text rendering (management command, logs)."""
        title = "등록부 가져오기 결과 / Registry import summary"
        if self.dry_run:
            title += " — 모의 실행, 저장하지 않음 / dry run, nothing saved"
        lines = [
            title,
            f"  전체 total          {self.total:>6}",
            f"  생성 created        {self.created:>6}",
            f"  수정 updated        {self.updated:>6}",
            f"  변경 없음 unchanged {self.unchanged:>6}",
            f"  거부 rejected       {len(self.rejected):>6}",
        ]
        if self.ignored_columns:
            lines.append("  무시한 열 / ignored columns: " + ", ".join(self.ignored_columns))
        if self.rejected:
            lines.append("거부된 행 / Rejected rows:")
            for r in self.rejected:
                who = " ".join(x for x in (r.brn, r.name) if x) or "-"
                lines.append(f"  {r.row}행 (row {r.row})  {who}  [{', '.join(r.codes)}] {r.reason}")
        return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------


@dataclass
class RawRow:
    number: int
    values: dict[str, Any]


@dataclass
class ParsedFile:
    file_name: str
    columns: dict[str, str]
    ignored_columns: list[str]
    rows: list[RawRow]


Source = str | os.PathLike | IO[bytes]


def _read_bytes(source: Source) -> tuple[bytes, str]:
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            return path.read_bytes(), path.name
        except OSError as exc:
            raise ImportFileError(
                "UNREADABLE_FILE", f"파일을 읽을 수 없습니다: {path} ({exc.strerror})", "file"
            )
    if hasattr(source, "seek"):
        source.seek(0)
    data = source.read()
    return data, os.path.basename(getattr(source, "name", "") or "")


def _detect_format(data: bytes, filename: str, file_format: str | None) -> str:
    if file_format:
        fmt = file_format.lower().lstrip(".")
        if fmt not in ("csv", "xlsx"):
            raise ImportFileError(
                "UNSUPPORTED_FORMAT", f"지원하지 않는 형식입니다: {file_format} (csv, xlsx)", "file"
            )
        return fmt
    if data[:4] == b"PK\x03\x04":  # a zip container: XLSX
        return "xlsx"
    ext = Path(filename).suffix.lower()
    if ext in (".xls", ".xlsm", ".ods"):
        raise ImportFileError(
            "UNSUPPORTED_FORMAT", f"지원하지 않는 형식입니다: {ext} (CSV 또는 XLSX로 저장하세요)"
        )
    return "csv"


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        "UNREADABLE_FILE", "파일의 문자 인코딩을 알 수 없습니다 (UTF-8 또는 CP949).", "file"
    )


def _csv_rows(data: bytes) -> Iterator[list[Any]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";"), key=first_line.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise ImportFileError("UNREADABLE_FILE", f"CSV 파일을 읽을 수 없습니다: {exc}", "file")


def _xlsx_rows(data: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile/KeyError/InvalidFileException...
        raise ImportFileError(
            "UNREADABLE_FILE", f"XLSX 파일을 읽을 수 없습니다: {exc.__class__.__name__}", "file"
        )
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def _is_blank(values: Iterable[Any]) -> bool:
    return all(v is None or str(v).strip() == "" for v in values)


def registry_read(
    *, source: Source, file_format: str | None = None, default_org_type: str | None = None
) -> ParsedFile:
    """Read the file and map its columns; raise ``ImportFileError`` when it cannot be used."""
    data, filename = _read_bytes(source)
    if not data.strip():
        raise ImportFileError("EMPTY_FILE", "파일이 비어 있습니다.", "file")
    fmt = _detect_format(data, filename, file_format)
    rows = _xlsx_rows(data) if fmt == "xlsx" else _csv_rows(data)

    header: dict[int, str] | None = None
    columns: dict[str, str] = {}
    ignored: list[str] = []
    best: tuple[int, list[Any]] = (-1, [])  # the likeliest header row, for the error message
    parsed: list[RawRow] = []
    for number, values in enumerate(rows, start=1):
        if header is None:
            if _is_blank(values):
                continue
            by_index, by_header, ignored = map_headers(values)
            if len(by_index) > best[0]:
                best = (len(by_index), values)
            if all(f in by_index.values() for f in REQUIRED_COLUMNS):
                header, columns = by_index, by_header
            elif number >= HEADER_SCAN_ROWS:
                break
            continue
        if _is_blank(values):
            continue
        parsed.append(
            RawRow(
                number=number,
                values={name: values[i] if i < len(values) else None for i, name in header.items()},
            )
        )
    if header is None:
        _, found, _ = map_headers(best[1])
        missing = [f for f in REQUIRED_COLUMNS if f not in found.values()]
        headers_seen = ", ".join(str(h).replace("\ufeff", "").strip() for h in best[1] if h)
        raise ImportFileError(
            "MISSING_COLUMNS",
            "필수 열이 없습니다: "
            + ", ".join(f"{FIELD_LABELS[f]}({f})" for f in missing)
            + f". 파일의 열: {headers_seen or '(없음)'}",
            "file",
        )
    if "org_type" not in columns.values() and not default_org_type:
        raise ImportFileError(
            "MISSING_COLUMNS",
            "필수 열이 없습니다: 기업유형(type). 유형 열을 추가하거나 기본 유형을 지정하세요"
            " (--type social_enterprise).",
            "file",
        )
    return ParsedFile(file_name=filename, columns=columns, ignored_columns=ignored, rows=parsed)


# --------------------------------------------------------------------------------------
# Cleaning (no database access)
# --------------------------------------------------------------------------------------

EMPTY_MARKERS = {"-", "–", "—", "－", "없음", "해당없음", "n/a", "na", "none", "null"}

ORG_TYPE_ALIASES: dict[str, str] = {
    "인증사회적기업": OrgType.SOCIAL_ENTERPRISE,
    "사회적기업(인증)": OrgType.SOCIAL_ENTERPRISE,
    "예비사회적기업지역형": OrgType.PRELIM_REGIONAL,
    "지역형예비사회적기업": OrgType.PRELIM_REGIONAL,
    "예비사회적기업(지역형)": OrgType.PRELIM_REGIONAL,
    "예비사회적기업부처형": OrgType.PRELIM_MINISTRY,
    "부처형예비사회적기업": OrgType.PRELIM_MINISTRY,
    "예비사회적기업(부처형)": OrgType.PRELIM_MINISTRY,
    "일반협동조합": OrgType.COOP,
    "협동조합(일반)": OrgType.COOP,
    "청년소셜벤처": OrgType.SOCIAL_VENTURE,
    "(청년)소셜벤처": OrgType.SOCIAL_VENTURE,
}

DEFAULT_ISSUERS: dict[str, str] = {
    CertificationKind.SOCIAL_ENTERPRISE: "고용노동부",
    CertificationKind.PRELIM_REGIONAL: "서울특별시",
    CertificationKind.SOCIAL_COOP: "기획재정부",
    CertificationKind.VILLAGE_ENTERPRISE: "행정안전부",
}

PROVINCES = (
    "서울특별시", "부산광역시", "대구광역시", "인천광역시", "광주광역시", "대전광역시",
    "울산광역시", "세종특별자치시", "경기도", "강원특별자치도", "충청북도", "충청남도",
    "전북특별자치도", "전라남도", "경상북도", "경상남도", "제주특별자치도",
)  # fmt: skip
PROVINCE_ALIASES = {
    "서울": "서울특별시", "서울시": "서울특별시", "부산": "부산광역시", "대구": "대구광역시",
    "인천": "인천광역시", "광주": "광주광역시", "대전": "대전광역시", "울산": "울산광역시",
    "세종": "세종특별자치시", "세종시": "세종특별자치시", "경기": "경기도",
    "강원": "강원특별자치도",
    "강원도": "강원특별자치도", "충북": "충청북도", "충남": "충청남도", "전북": "전북특별자치도",
    "전라북도": "전북특별자치도", "전남": "전라남도", "경북": "경상북도", "경남": "경상남도",
    "제주": "제주특별자치도", "제주도": "제주특별자치도",
}  # fmt: skip

# Organization fields an import sets (beyond name, type, identifiers and location).
TEXT_FIELDS = (
    "representative",
    "phone",
    "email",
    "homepage",
    "postcode",
    "business_category",
    "business_item",
    "description",
)

_DATE_RE = re.compile(r"^(\d{4})\s*[-./년]\s*(\d{1,2})\s*[-./월]\s*(\d{1,2})\s*[.일]?$")
_url_validator = URLValidator(schemes=["http", "https"])
_email_validator = EmailValidator()


@dataclass
class RowData:
    """A clean row, ready to apply."""

    number: int
    brn: str
    name: str
    org_type: str
    crn: str | None = None
    address: str | None = None  # None: not given; location fields are then left alone
    district: str | None = None
    province: str | None = None
    text: dict[str, str] = field(default_factory=dict)  # non-empty TEXT_FIELDS only
    cert_kind: str | None = None
    cert_number: str = ""
    cert_date: dt.date | None = None
    valid_until: dt.date | None = None
    issuer: str = ""


class RowRejected(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(e.message for e in errors))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = unicodedata.normalize("NFC", str(value)).replace("\ufeff", "").strip()
    text = re.sub(r"\s+", " ", text)
    return "" if text.lower() in EMPTY_MARKERS else text


def parse_date(value: Any) -> dt.date | None:
    """2015-03-02, 2015.03.02, 2015. 3. 2., 20150302, 2015년 3월 2일, Excel dates → date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = int(value)
        if 19000101 <= number <= 29991231:
            value = str(number)
        elif 1 <= number <= 2958465:  # an Excel serial date
            from openpyxl.utils.datetime import from_excel

            return from_excel(number).date()
        else:
            raise ValueError(value)
    text = _text(value)
    if not text:
        return None
    if re.fullmatch(r"\d{8}", text):
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    match = _DATE_RE.match(text)
    if not match:
        raise ValueError(value)
    return dt.date(*(int(g) for g in match.groups()))


def clean_org_type(value: str) -> str:
    """A code, a label (``예비사회적기업 (지역형)``) or a common variant → an ``OrgType``."""
    code = _org_type_lookup(value)
    if code is None:
        raise DomainError("INVALID_ORG_TYPE", f"알 수 없는 조직 유형입니다: '{value}'.", "org_type")
    return code


@functools.lru_cache(maxsize=256)
def _org_type_lookup(value: str) -> str | None:
    compact = re.sub(r"\s+", "", value)
    with translation.override("ko"):  # the labels are matched in Korean whatever the locale
        for candidate in (value, compact, ORG_TYPE_ALIASES.get(compact, "")):
            if not candidate:
                continue
            try:
                return _clean_org_type(candidate, "org_type")
            except DomainError:
                continue
    return None


def province_from_address(address: str) -> str:
    first = address.split()[0] if address.split() else ""
    if first in PROVINCES:
        return first
    return PROVINCE_ALIASES.get(first, "")


def _brn_error(raw: str) -> RowError:
    if not raw:
        return RowError("INVALID_BRN", "사업자등록번호 누락", "brn")
    try:
        brn_normalize(raw)
    except DomainError as exc:
        digits = re.sub(r"[\s-]", "", raw)
        if len(digits) == 10 and digits.isdigit():
            return RowError("INVALID_BRN", f"사업자등록번호 검증번호 오류 ('{raw}')", exc.field)
        return RowError("INVALID_BRN", f"사업자등록번호 형식 오류 ('{raw}')", exc.field)
    raise AssertionError("valid BRN")  # pragma: no cover


def _model_max_length(model, name: str) -> int | None:
    return model._meta.get_field(name).max_length


def clean_row(raw: RawRow, *, default_org_type: str | None = None) -> RowData:
    """Turn a raw row into ``RowData`` or raise ``RowRejected`` with every problem found."""
    v = raw.values
    errors: list[RowError] = []

    name = _text(v.get("name"))
    if not name:
        errors.append(RowError("REQUIRED", "조직명 누락", "name"))

    brn_raw = _text(v.get("brn"))
    brn = ""
    try:
        brn = brn_normalize(brn_raw)
    except DomainError:
        errors.append(_brn_error(brn_raw))

    org_type = ""
    type_raw = _text(v.get("org_type"))
    if type_raw:
        try:
            org_type = clean_org_type(type_raw)
        except DomainError:
            errors.append(
                RowError("INVALID_ORG_TYPE", f"알 수 없는 조직 유형 ('{type_raw}')", "org_type")
            )
    elif default_org_type:
        org_type = clean_org_type(default_org_type)
    else:
        errors.append(RowError("INVALID_ORG_TYPE", "조직 유형 누락", "org_type"))

    data = RowData(number=raw.number, brn=brn, name=name, org_type=org_type)

    crn_raw = _text(v.get("crn"))
    if crn_raw:
        try:
            data.crn = crn_normalize(crn_raw)
        except DomainError:
            errors.append(RowError("INVALID_CRN", f"법인등록번호 오류 ('{crn_raw}')", "crn"))

    # Location: the district column, else the district named in a Seoul address.
    address = _text(v.get("address"))
    district_raw = _text(v.get("district"))
    if address or district_raw:
        data.address = address or None
        try:
            district = district_normalize(district_raw) if district_raw else ""
        except DomainError:
            district = ""
            errors.append(
                RowError("INVALID_DISTRICT", f"서울시 자치구가 아님 ('{district_raw}')", "district")
            )
        data.district = district or district_from_address(address)
        if data.district:
            data.province = "서울특별시"
        elif address:
            data.province = province_from_address(address)

    for name_ in TEXT_FIELDS:
        value = _text(v.get(name_))
        if value:
            data.text[name_] = value
    if "postcode" in data.text:
        postcode = data.text["postcode"].replace("-", "")
        if postcode.isdigit() and len(postcode) == 4:  # a spreadsheet ate the leading 0
            postcode = "0" + postcode
        if not (postcode.isdigit() and len(postcode) == 5):
            errors.append(
                RowError("INVALID_POSTCODE", f"우편번호 형식 오류 ('{data.text['postcode']}')")
            )
        data.text["postcode"] = postcode
    if "homepage" in data.text:
        homepage = data.text["homepage"]
        if not re.match(r"^https?://", homepage, re.I):
            homepage = "http://" + homepage
        try:
            _url_validator(homepage)
            data.text["homepage"] = homepage
        except ValidationError:
            errors.append(
                RowError("INVALID_HOMEPAGE", f"홈페이지 주소 오류 ('{data.text['homepage']}')")
            )
    if "email" in data.text:
        try:
            _email_validator(data.text["email"])
        except ValidationError:
            errors.append(RowError("INVALID_EMAIL", f"이메일 형식 오류 ('{data.text['email']}')"))

    lengths = [(f, data.text.get(f, "")) for f in TEXT_FIELDS] + [
        ("name", name),
        ("address", address),
    ]
    for name_, value in lengths:
        limit = _model_max_length(Organization, name_)
        if limit and len(value) > limit:
            errors.append(
                RowError("TOO_LONG", f"{FIELD_LABELS[name_]}이(가) {limit}자를 넘음", name_)
            )

    # Certification.
    for name_ in DATE_FIELDS:
        try:
            setattr(data, name_, parse_date(v.get(name_)))
        except (ValueError, TypeError, OverflowError):
            errors.append(
                RowError(
                    "INVALID_DATE",
                    f"날짜 형식 오류 ({FIELD_LABELS[name_]}: '{_text(v.get(name_))}')",
                    name_,
                )
            )
    data.cert_number = _text(v.get("cert_number"))
    data.issuer = _text(v.get("issuer"))
    if org_type in CertificationKind.values:
        data.cert_kind = org_type
    has_cert_input = data.cert_number or data.valid_until
    if has_cert_input and data.cert_date is None and "cert_date" not in {e.field for e in errors}:
        errors.append(RowError("REQUIRED", "인증일 누락 (인증번호만 있음)", "cert_date"))
    if data.cert_date and data.valid_until and data.valid_until < data.cert_date:
        errors.append(
            RowError("INVALID_PERIOD", "유효기간 종료일이 인증일보다 빠름", "valid_until")
        )
    if data.cert_date and org_type and data.cert_kind is None:
        errors.append(
            RowError("INVALID_ORG_TYPE", "이 조직 유형에는 인증을 등록할 수 없음", "org_type")
        )
    for name_, value in (("number", data.cert_number), ("issuer", data.issuer)):
        limit = _model_max_length(Certification, name_)
        if limit and len(value) > limit:
            errors.append(RowError("TOO_LONG", f"인증 {name_}이(가) {limit}자를 넘음", name_))
    if data.cert_kind and not data.issuer:
        data.issuer = DEFAULT_ISSUERS.get(data.cert_kind, "")

    if errors:
        raise RowRejected(errors)
    return data


# --------------------------------------------------------------------------------------
# Applying
# --------------------------------------------------------------------------------------

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def _org_changes(org: Organization, data: RowData) -> dict[str, Any]:
    wanted: dict[str, Any] = {"name": data.name, "org_type": data.org_type, **data.text}
    if data.crn:
        wanted["crn"] = data.crn
    if data.address is not None:
        wanted["address"] = data.address
    if data.district is not None:
        wanted["district"] = data.district
        wanted["province"] = data.province or ""
    return {k: val for k, val in wanted.items() if getattr(org, k) != val}


def _organization_upsert(data: RowData, existing: Organization | None) -> tuple[Organization, str]:
    if existing is None:
        details = dict(data.text)
        if data.address is not None:
            details["address"] = data.address
        if data.district is not None:
            details["province"] = data.province or ""
        org = organization_register(
            name=data.name,
            org_type=data.org_type,
            brn=data.brn,
            crn=data.crn,
            district=data.district or "",
            **details,
        )
        return org, CREATED
    changes = _org_changes(existing, data)
    if not changes:
        return existing, UNCHANGED
    for key, val in changes.items():
        setattr(existing, key, val)
    existing.save(update_fields=[*changes, "updated_at"])
    return existing, UPDATED


def _cert_match(data: RowData, certs: list[Certification]) -> Certification | None:
    same_kind = [c for c in certs if c.kind == data.cert_kind]
    match = None
    if data.cert_number:
        match = next((c for c in same_kind if c.number == data.cert_number), None)
    if match is None:
        match = next((c for c in same_kind if c.valid_from == data.cert_date), None)
    return match


def _cert_changes(data: RowData, cert: Certification) -> dict[str, Any]:
    wanted: dict[str, Any] = {"valid_from": data.cert_date}
    if data.cert_number:
        wanted["number"] = data.cert_number
    if data.valid_until:
        wanted["valid_until"] = data.valid_until
    if data.issuer:
        wanted["issuer"] = data.issuer
    return {k: val for k, val in wanted.items() if getattr(cert, k) != val}


def _certification_upsert(org: Organization, data: RowData, certs: list[Certification]) -> str:
    if data.cert_kind is None or data.cert_date is None:
        return UNCHANGED
    match = _cert_match(data, certs)
    if match is None:
        certification_add(
            organization=org,
            kind=data.cert_kind,
            valid_from=data.cert_date,
            valid_until=data.valid_until,
            number=data.cert_number,
            issuer=data.issuer,
            verified_at=timezone.now(),  # from the national dataset; set once, never again
        )
        return CREATED
    changes = _cert_changes(data, match)
    if not changes:
        return UNCHANGED
    for key, val in changes.items():
        setattr(match, key, val)
    match.save(update_fields=list(changes))
    return UPDATED


def _row_unchanged(data: RowData, existing: Organization) -> bool:
    """True when applying the row would write nothing (checked without any query)."""
    if _org_changes(existing, data):
        return False
    if data.cert_kind is None or data.cert_date is None:
        return True
    match = _cert_match(data, list(existing.certifications.all()))
    return match is not None and not _cert_changes(data, match)


def _apply_row(data: RowData, existing: Organization | None) -> str:
    org, outcome = _organization_upsert(data, existing)
    certs = list(existing.certifications.all()) if existing is not None else []
    cert_outcome = _certification_upsert(org, data, certs)
    if outcome == UNCHANGED and cert_outcome != UNCHANGED:
        outcome = UPDATED
    return outcome


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def registry_import(
    *,
    source: Source,
    file_format: str | None = None,
    dry_run: bool = False,
    default_org_type: str | None = None,
    on_progress: ProgressCallback | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    on_chunk_begin: ChunkBeginCallback | None = None,
    on_chunk_end: ChunkEndCallback | None = None,
    resume_rows: int = 0,
    resume_summary: dict | None = None,
) -> ImportSummary:
    """Import a registry file; return the summary. Raise ``ImportFileError`` for a bad file.

    ``on_progress(done, total)`` is called once with ``done`` = the rows already done
    (0, or ``resume_rows``) and after every row; it runs inside the chunk's transaction (a
    callback that writes progress to the database becomes visible to others when the chunk
    commits). ``on_chunk_begin(done, total)`` is the first thing done in each chunk's
    transaction and ``on_chunk_end(done, total, summary)`` the last: an exception from
    either rolls the chunk back and stops the import.

    ``resume_rows`` (a multiple of ``chunk_size``, as stored by ``on_chunk_end``) skips the
    rows an interrupted run committed, and ``resume_summary`` (that run's ``as_dict()``)
    restores its counters and rejected rows.
    """
    if default_org_type:
        try:
            default_org_type = clean_org_type(default_org_type)
        except DomainError:
            raise ImportFileError(
                "INVALID_ORG_TYPE", f"알 수 없는 기본 조직 유형입니다: '{default_org_type}'."
            )
    parsed = registry_read(
        source=source, file_format=file_format, default_org_type=default_org_type
    )
    summary = ImportSummary(
        total=len(parsed.rows),
        dry_run=dry_run,
        file_name=parsed.file_name,
        columns=parsed.columns,
        ignored_columns=parsed.ignored_columns,
    )

    # Clean everything first (no database), so duplicates are found across chunks.
    cleaned: list[tuple[RawRow, RowData | None, list[RowError]]] = []
    first_row_of: dict[str, int] = {}
    for raw in parsed.rows:
        try:
            data = clean_row(raw, default_org_type=default_org_type)
        except RowRejected as exc:
            cleaned.append((raw, None, exc.errors))
            continue
        if data.brn in first_row_of:
            first = first_row_of[data.brn]
            error = RowError(
                "DUPLICATE_ROW",
                f"파일 안에서 사업자등록번호 중복 ({first}행과 같음)",
                "brn",
            )
            cleaned.append((raw, None, [error]))
            continue
        first_row_of[data.brn] = raw.number
        cleaned.append((raw, data, []))

    total = summary.total
    done = min(max(0, resume_rows), total)
    if done and resume_summary:
        summary.created = int(resume_summary.get("created", 0))
        summary.updated = int(resume_summary.get("updated", 0))
        summary.unchanged = int(resume_summary.get("unchanged", 0))
        summary.rejected = [
            RejectedRow.from_dict(r) for r in resume_summary.get("rejected_rows", [])
        ]
    if on_progress:
        on_progress(done, total)

    with transaction.atomic() if dry_run else nullcontext():
        for chunk in _chunks(cleaned[done:], max(1, chunk_size)):
            with transaction.atomic():
                if on_chunk_begin:
                    on_chunk_begin(done, total)
                brns = [data.brn for _, data, _ in chunk if data is not None]
                existing = {
                    org.brn: org
                    for org in Organization.objects.filter(brn__in=brns).prefetch_related(
                        "certifications"
                    )
                }
                for raw, data, errors in chunk:
                    if data is None:
                        summary.rejected.append(_rejected(raw, errors))
                    else:
                        _apply_one(summary, raw, data, existing.get(data.brn))
                    done += 1
                    if on_progress:
                        on_progress(done, total)
                if on_chunk_end:
                    on_chunk_end(done, total, summary)
        if dry_run:
            transaction.set_rollback(True)
    return summary


def _apply_one(
    summary: ImportSummary, raw: RawRow, data: RowData, existing: Organization | None
) -> None:
    """Apply one row in its own savepoint: it is written whole or not at all."""
    if existing is not None and _row_unchanged(data, existing):
        summary.unchanged += 1  # nothing to write: no savepoint either
        return
    try:
        with transaction.atomic():
            outcome = _apply_row(data, existing)
    except (DomainError, DomainErrors) as exc:
        errors = [RowError(e.code, e.message, e.field) for e in as_error_list(exc)]
        summary.rejected.append(_rejected(raw, errors))
    except (DatabaseError, ValidationError) as exc:
        summary.rejected.append(_rejected(raw, [RowError("DB_ERROR", f"저장 실패: {exc}")]))
    else:
        setattr(summary, outcome, getattr(summary, outcome) + 1)


def _rejected(raw: RawRow, errors: list[RowError]) -> RejectedRow:
    brn_raw = _text(raw.values.get("brn"))
    try:
        brn_display = brn_format(brn_normalize(brn_raw))
    except DomainError:
        brn_display = brn_raw
    return RejectedRow(
        row=raw.number, brn=brn_display, name=_text(raw.values.get("name")), errors=errors
    )


__all__ = [
    "HEADER_ALIASES",
    "ImportFileError",
    "ImportSummary",
    "RejectedRow",
    "RowData",
    "clean_row",
    "parse_date",
    "registry_import",
    "registry_read",
]
