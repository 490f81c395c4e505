"""Registry import: the sample file, idempotency, rejected rows, XLSX, the task and the admin."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from openpyxl import Workbook

from tests.factories import OrganizationFactory, make_brn
from vendors import registry_import as ri
from vendors.identifiers import brn_format
from vendors.models import Certification, Organization, RegistryImport
from vendors.tasks.imports import registry_import_run

SAMPLE = Path(ri.__file__).with_name("data") / "registry_sample.csv"

# Data index of each bad row in the sample (see make_registry_sample.BAD_ROWS) → file row
# number (header = row 1) and the error code the import must report.
EXPECTED_REJECTED = {
    12: "INVALID_BRN",  # 124-81-00997: bad check digit
    39: "INVALID_ORG_TYPE",  # 사회적가게
    66: "REQUIRED",  # no name
    103: "INVALID_BRN",  # 124-81-0099: malformed
    152: "INVALID_DATE",  # 2016-02-30
    190: "INVALID_DISTRICT",  # 팔달구
    224: "DUPLICATE_ROW",  # the same BRN as an earlier row
    259: "INVALID_BRN",  # empty
    291: "INVALID_PERIOD",  # valid until before certified
}
SAMPLE_VALID = 291


def run_command(*args) -> dict:
    out = io.StringIO()
    call_command("import_registry", *map(str, args), "--json", stdout=out)
    return json.loads(out.getvalue())


def snapshot() -> tuple[list, list]:
    orgs = list(Organization.objects.order_by("brn").values())
    certs = list(Certification.objects.order_by("organization__brn", "kind", "number").values())
    return orgs, certs


def write_csv(tmp_path, rows: list[list[str]], name="registry.csv") -> Path:
    path = tmp_path / name
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


HEADER = [
    "기업명",
    "사업자등록번호",
    "기업유형",
    "인증번호",
    "인증일",
    "대표자명",
    "주소",
    "홈페이지",
]


# --- the sample file ----------------------------------------------------------------------


@pytest.mark.django_db
def test_sample_import_twice_gives_the_same_registry():
    first = run_command(SAMPLE)
    assert (first["total"], first["created"], first["updated"], first["unchanged"]) == (
        300,
        SAMPLE_VALID,
        0,
        0,
    )
    assert first["rejected"] == len(EXPECTED_REJECTED)
    assert Organization.objects.count() == SAMPLE_VALID
    assert Certification.objects.count() == SAMPLE_VALID
    before = snapshot()

    second = run_command(SAMPLE)
    assert (second["created"], second["updated"], second["unchanged"]) == (0, 0, SAMPLE_VALID)
    assert second["rejected_rows"] == first["rejected_rows"]
    assert snapshot() == before  # same rows, same values, verified_at and updated_at untouched


@pytest.mark.django_db
def test_sample_rejected_rows_are_listed_with_their_reasons():
    summary = run_command(SAMPLE)
    got = {r["row"]: r["codes"] for r in summary["rejected_rows"]}
    assert got == {row: [code] for row, code in EXPECTED_REJECTED.items()}
    reasons = {r["row"]: r["reason"] for r in summary["rejected_rows"]}
    assert "검증번호 오류" in reasons[12]
    assert "알 수 없는 조직 유형" in reasons[39]
    assert reasons[66] == "조직명 누락"
    assert "형식 오류" in reasons[103]
    assert "서울시 자치구가 아님" in reasons[190]
    assert "중복" in reasons[224]
    assert "누락" in reasons[259]
    # Every rejected row left nothing behind.
    assert not Organization.objects.filter(name__in=["(주)한빛인쇄소"]).exists()


@pytest.mark.django_db
def test_sample_text_summary_lists_each_bad_row():
    out = io.StringIO()
    call_command("import_registry", str(SAMPLE), stdout=out)
    text = out.getvalue()
    assert f"생성 created           {SAMPLE_VALID}" in text
    assert "12행 (row 12)  124-81-00997 (주)한빛인쇄소  [INVALID_BRN]" in text
    for row in EXPECTED_REJECTED:
        assert f"{row}행 (row {row})" in text
    assert "연번" in text  # the ignored serial-number column is reported


@pytest.mark.django_db
def test_known_valid_brn_is_accepted_and_bad_check_digit_rejected():
    summary = run_command(SAMPLE)
    org = Organization.objects.get(brn="1248100998")
    assert org.name == "(주)행복한베이커리"
    assert org.org_type == "social_enterprise"
    assert (org.district, org.province) == ("11440", "서울특별시")
    assert org.homepage == "https://www.happybakery.kr"
    cert = org.certifications.get()
    assert (cert.kind, cert.number, cert.valid_from) == (
        "social_enterprise",
        "제2015-123호",
        dt.date(2015, 3, 2),
    )
    assert cert.issuer == "고용노동부"
    assert cert.verified_at is not None
    assert cert.verified_by is None

    assert not Organization.objects.filter(brn="1248100997").exists()
    (bad,) = [r for r in summary["rejected_rows"] if r["brn"] == "124-81-00997"]
    assert bad["codes"] == ["INVALID_BRN"]


@pytest.mark.django_db
def test_sample_covers_types_districts_and_outside_seoul():
    run_command(SAMPLE)
    types = set(Organization.objects.values_list("org_type", flat=True))
    assert types == {
        "social_enterprise",
        "prelim_regional",
        "prelim_ministry",
        "social_coop",
        "coop",
        "village_enterprise",
        "self_sufficiency",
        "social_venture",
    }
    assert Organization.objects.exclude(district="").values("district").distinct().count() == 25
    outside = Organization.objects.filter(district="").exclude(province="서울특별시")
    assert outside.exists()
    assert set(outside.values_list("province", flat=True)) <= {"경기도", "인천광역시"}
    prelim = Certification.objects.filter(kind="prelim_regional").first()
    assert prelim.valid_until == prelim.valid_from.replace(
        year=prelim.valid_from.year + 3
    ) - dt.timedelta(days=1)


@pytest.mark.django_db
def test_reimport_of_unchanged_rows_is_a_handful_of_queries(count_queries):
    run_command(SAMPLE)
    with count_queries() as queries:
        summary = ri.registry_import(source=SAMPLE)
    assert summary.unchanged == SAMPLE_VALID
    assert len(queries) <= 6, [q["sql"] for q in queries]


@pytest.mark.django_db
def test_dry_run_saves_nothing():
    summary = run_command(SAMPLE, "--dry-run")
    assert summary["dry_run"] is True
    assert summary["created"] == SAMPLE_VALID
    assert Organization.objects.count() == 0
    assert Certification.objects.count() == 0


# --- XLSX with English headers -------------------------------------------------------------

TYPE_CODES = {
    "사회적기업": "social_enterprise",
    "예비사회적기업(지역형)": "prelim_regional",
    "예비사회적기업(부처형)": "prelim_ministry",
    "사회적협동조합": "social_coop",
    "협동조합": "coop",
    "마을기업": "village_enterprise",
    "자활기업": "self_sufficiency",
    "소셜벤처": "social_venture",
}
ENGLISH = {
    "연번": "No.",
    "기업명": "Company Name",
    "사업자등록번호": "Business Registration Number",
    "기업유형": "Type",
    "인증번호": "Certification Number",
    "인증일": "Certified On",
    "유효기간 종료": "Valid Until",
    "대표자명": "Representative",
    "전화번호": "Phone",
    "우편번호": "Postcode",
    "주소": "Address",
    "자치구": "District",
    "홈페이지": "Website",
    "업태": "Business Category",
    "종목": "Business Item",
}


def sample_as_xlsx(path: Path) -> Path:
    """The sample as a spreadsheet would hold it: real date cells, numbers, codes."""
    with SAMPLE.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    wb = Workbook()
    ws = wb.active
    ws.append([ENGLISH[h] for h in rows[0]])
    for row in rows:
        cells = []
        for header, value in row.items():
            if header in ("인증일", "유효기간 종료") and value:
                with contextlib.suppress(ValueError):  # the bad date stays text
                    value = dt.datetime.combine(ri.parse_date(value), dt.time())
            elif header == "기업유형":
                value = TYPE_CODES.get(value, value)
            elif header == "연번":
                value = int(value)
            elif header == "우편번호" and value:
                value = int(value)  # what Excel does to 03925
            cells.append(value if value != "" else None)
        ws.append(cells)
    wb.save(path)
    return path


@pytest.mark.django_db
def test_xlsx_with_english_headers_imports_the_same(tmp_path):
    xlsx = sample_as_xlsx(tmp_path / "registry.xlsx")
    from_xlsx = run_command(xlsx)
    assert (from_xlsx["created"], from_xlsx["rejected"]) == (SAMPLE_VALID, len(EXPECTED_REJECTED))
    assert {r["row"]: r["codes"] for r in from_xlsx["rejected_rows"]} == {
        row: [code] for row, code in EXPECTED_REJECTED.items()
    }
    assert from_xlsx["columns"]["Business Registration Number"] == "brn"
    assert Organization.objects.get(brn="1248100998").postcode == "03925"

    # The CSV of the same data finds nothing to change.
    from_csv = run_command(SAMPLE)
    assert (from_csv["created"], from_csv["updated"], from_csv["unchanged"]) == (
        0,
        0,
        SAMPLE_VALID,
    )


# --- updates and row isolation ---------------------------------------------------------------


@pytest.mark.django_db
def test_modified_row_is_updated_and_empty_cells_erase_nothing(tmp_path):
    brn = brn_format(make_brn())
    row = ["(주)초록도시락", brn, "사회적기업", "제2016-011호", "2016.01.29", "김하늘"]
    row += ["서울특별시 성동구 왕십리로 10", "www.chorok.kr"]
    first = run_command(write_csv(tmp_path, [HEADER, row]))
    assert first["created"] == 1
    org = Organization.objects.get(brn=brn.replace("-", ""))
    assert (org.homepage, org.district) == ("http://www.chorok.kr", "11200")

    changed = [*row[:5], "이누리", "서울특별시 마포구 양화로 1", ""]  # no homepage in the file
    second = run_command(write_csv(tmp_path, [HEADER, changed]))
    assert (second["created"], second["updated"], second["unchanged"]) == (0, 1, 0)
    org.refresh_from_db()
    assert (org.representative, org.district) == ("이누리", "11440")
    assert org.homepage == "http://www.chorok.kr"  # an empty cell does not erase

    # A new certification number for the same certification date updates the certification.
    renumbered = [*changed[:3], "제2016-012호", *changed[4:]]
    third = run_command(write_csv(tmp_path, [HEADER, renumbered]))
    assert third["updated"] == 1
    assert org.certifications.get().number == "제2016-012호"
    assert run_command(write_csv(tmp_path, [HEADER, renumbered]))["unchanged"] == 1


@pytest.mark.django_db
def test_type_change_adds_the_new_certification(tmp_path):
    brn = brn_format(make_brn())
    prelim = ["(주)다솜공방", brn, "예비사회적기업 (지역형)", "제2023-서울-001호", "2023-03-01"]
    prelim += ["박다솜", "서울특별시 은평구 통일로 5", ""]
    run_command(write_csv(tmp_path, [HEADER, prelim]))
    certified = ["(주)다솜공방", brn, "사회적기업", "제2025-101호", "2025-06-01"]
    certified += ["박다솜", "서울특별시 은평구 통일로 5", ""]
    summary = run_command(write_csv(tmp_path, [HEADER, certified]))
    assert summary["updated"] == 1
    org = Organization.objects.get(brn=brn.replace("-", ""))
    assert org.org_type == "social_enterprise"
    assert sorted(org.certifications.values_list("kind", flat=True)) == [
        "prelim_regional",
        "social_enterprise",
    ]


@pytest.mark.django_db
def test_failing_row_in_the_middle_leaves_no_partial_org(tmp_path, monkeypatch):
    brns = [brn_format(make_brn()) for _ in range(3)]
    rows = [
        HEADER,
        ["(주)첫째", brns[0], "사회적기업", "제2020-001호", "2020-01-01", "김", "", ""],
        ["(주)둘째", brns[1], "사회적기업", "제2020-002호", "2020-01-01", "이", "", ""],
        ["(주)셋째", brns[2], "사회적기업", "제2020-003호", "2020-01-01", "박", "", ""],
    ]
    real_add = ri.certification_add

    def flaky_add(**kwargs):
        if kwargs["number"] == "제2020-002호":
            raise IntegrityError("simulated failure after the organization was written")
        return real_add(**kwargs)

    monkeypatch.setattr(ri, "certification_add", flaky_add)
    summary = run_command(write_csv(tmp_path, rows))
    assert (summary["created"], summary["rejected"]) == (2, 1)
    (rejected,) = summary["rejected_rows"]
    assert (rejected["row"], rejected["codes"]) == (3, ["DB_ERROR"])
    assert not Organization.objects.filter(brn=brns[1].replace("-", "")).exists()
    assert Certification.objects.filter(number__in=["제2020-001호", "제2020-003호"]).count() == 2


@pytest.mark.django_db
def test_existing_organization_is_upserted_not_duplicated(tmp_path):
    org = OrganizationFactory(name="옛 이름", org_type="coop")
    row = ["새 이름 협동조합", brn_format(org.brn), "협동조합", "", "", "", "", ""]
    summary = run_command(write_csv(tmp_path, [HEADER, row]))
    assert summary["updated"] == 1
    org.refresh_from_db()
    assert org.name == "새 이름 협동조합"
    assert org.district == "11440"  # no address or district in the file: location untouched
    assert Organization.objects.count() == 1


# --- parsing details ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2015-03-02", dt.date(2015, 3, 2)),
        ("2015.03.02", dt.date(2015, 3, 2)),
        ("2015. 3. 2.", dt.date(2015, 3, 2)),
        ("20150302", dt.date(2015, 3, 2)),
        ("2015/3/2", dt.date(2015, 3, 2)),
        ("2015년 3월 2일", dt.date(2015, 3, 2)),
        (dt.datetime(2015, 3, 2, 0, 0), dt.date(2015, 3, 2)),
        (42065, dt.date(2015, 3, 2)),  # an Excel serial date
        (20150302, dt.date(2015, 3, 2)),
        ("", None),
        ("-", None),
    ],
)
def test_parse_date(value, expected):
    assert ri.parse_date(value) == expected


@pytest.mark.parametrize("value", ["2015-13-01", "2016-02-30", "3/2/2015", "어제"])
def test_parse_date_rejects(value):
    with pytest.raises(ValueError):  # noqa: PT011
        ri.parse_date(value)


def test_headers_are_matched_loosely():
    by_index, _, ignored = ri.map_headers(
        [
            "\ufeff기업명",
            " 사업자 등록번호 ",
            "Company_Type",
            "CERTIFIED ON",
            "유효기간종료",
            "비고",
        ]
    )
    assert list(by_index.values()) == ["name", "brn", "cert_date", "valid_until"]
    assert ignored == ["Company_Type", "비고"]
    assert ri.map_headers(["Type", "org-type"])[0] == {0: "org_type"}  # first one wins


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("예비사회적기업(지역형)", "prelim_regional"),
        ("예비사회적기업 (지역형)", "prelim_regional"),
        ("지역형 예비사회적기업", "prelim_regional"),
        ("협동조합(일반)", "coop"),
        ("social_coop", "social_coop"),
        ("마을기업", "village_enterprise"),
    ],
)
def test_org_type_labels(label, code):
    assert ri.clean_org_type(label) == code


@pytest.mark.django_db
def test_cp949_csv_and_title_rows_above_the_header(tmp_path):
    path = tmp_path / "national.csv"
    text = "서울시 사회적기업 현황 (2026.06.30 기준)\n\n" + ",".join(HEADER) + "\n"
    text += f"(주)누리,{brn_format(make_brn())},사회적기업,제2010-001호,2010-01-04,김누리,,\n"
    path.write_bytes(text.encode("cp949"))
    summary = run_command(path)
    assert summary["created"] == 1
    assert summary["rejected"] == 0


@pytest.mark.django_db
def test_default_type_for_a_file_without_a_type_column(tmp_path):
    header = ["상호", "사업자번호", "지정번호", "지정일"]
    path = write_csv(tmp_path, [header, ["마을부엌", brn_format(make_brn()), "", "2019-04-01"]])
    with pytest.raises(CommandError, match="기업유형"):
        run_command(path)
    summary = run_command(path, "--type", "마을기업")
    assert summary["created"] == 1
    assert Organization.objects.get().org_type == "village_enterprise"


# --- file-level errors -------------------------------------------------------------------------


@pytest.mark.django_db
def test_missing_required_column_is_a_command_error(tmp_path):
    path = write_csv(
        tmp_path, [["기업명", "대표자명", "기업유형"], ["(주)누리", "김", "사회적기업"]]
    )
    with pytest.raises(CommandError, match=r"필수 열이 없습니다: 사업자등록번호\(brn\)"):
        call_command("import_registry", str(path))


@pytest.mark.django_db
def test_missing_or_unreadable_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="파일을 읽을 수 없습니다"):
        call_command("import_registry", str(tmp_path / "nope.csv"))
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(CommandError, match="XLSX 파일을 읽을 수 없습니다"):
        call_command("import_registry", str(broken))


# --- Celery task and admin ---------------------------------------------------------------------


def sample_upload(name="registry_sample.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, SAMPLE.read_bytes(), content_type="text/csv")


@pytest.mark.django_db
def test_task_runs_an_uploaded_import_once(staff_user):
    imp = RegistryImport.objects.create(file=sample_upload(), created_by=staff_user)
    registry_import_run.delay(imp.pk)
    imp.refresh_from_db()
    assert imp.status == "done"
    assert (imp.total_rows, imp.processed_rows) == (300, 300)
    assert imp.summary["created"] == SAMPLE_VALID
    assert {r["row"] for r in imp.summary["rejected_rows"]} == set(EXPECTED_REJECTED)
    assert imp.finished_at is not None

    finished_at = imp.finished_at
    registry_import_run.delay(imp.pk)  # a done import is not run again
    imp.refresh_from_db()
    assert imp.finished_at == finished_at
    assert imp.summary["created"] == SAMPLE_VALID


@pytest.mark.django_db
def test_task_marks_a_bad_file_failed():
    bad = SimpleUploadedFile("bad.csv", "이름,전화\n누리,02-1\n".encode())
    imp = RegistryImport.objects.create(file=bad)
    registry_import_run.delay(imp.pk)
    imp.refresh_from_db()
    assert imp.status == "failed"
    assert imp.error.startswith("MISSING_COLUMNS")


@pytest.mark.django_db
def test_admin_upload_queues_the_import(client, staff_user, django_capture_on_commit_callbacks):
    client.force_login(staff_user)
    add_url = "/admin/vendors/registryimport/add/"
    assert client.get(add_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(add_url, {"file": sample_upload()})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(callbacks) == 1
    imp = RegistryImport.objects.get()
    assert imp.status == "done"
    assert imp.created_by == staff_user
    assert Organization.objects.filter(brn="1248100998").exists()

    listing = client.get("/admin/vendors/registryimport/").content.decode()
    assert "300 / 300 (100%)" in listing
    page = client.get(f"/admin/vendors/registryimport/{imp.pk}/change/").content.decode()
    assert "nuri-import-rejected" in page
    for expected in ("124-81-00997", "INVALID_BRN", "검증번호 오류", "연번"):
        assert expected in page
    assert 'name="_save"' not in page  # read-only


@pytest.mark.django_db
def test_admin_refuses_a_file_without_the_required_columns(client, staff_user):
    client.force_login(staff_user)
    bad = SimpleUploadedFile("bad.csv", "이름,전화\n누리,02-1\n".encode())
    response = client.post("/admin/vendors/registryimport/add/", {"file": bad})
    assert response.status_code == 200
    assert "필수 열이 없습니다" in response.content.decode()
    assert not RegistryImport.objects.exists()
