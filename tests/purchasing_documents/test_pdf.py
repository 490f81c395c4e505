from __future__ import annotations

import csv
import dataclasses
import io
import re

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from purchasing.documents.data import DocumentLine
from purchasing.documents.korean_amount import document_amount_line
from purchasing.documents.pdf import (
    TAX_INVOICE_CSV_HEADER,
    figure,
    render_pdf,
    render_quote_pdf,
    render_statement_pdf,
    render_tax_invoice_pdf,
    tax_invoice_csv,
    tax_invoice_parts,
)


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page_texts(pdf))


def flat(text: str) -> str:
    """Without whitespace: names in narrow cells wrap onto two lines."""
    return re.sub(r"\s+", "", text)


def embedded_fonts(pdf: bytes) -> set[str]:
    """BaseFont names of every font used by any page; each must be embedded (FontFile2)."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            assert descriptor is not None, f"{font['/BaseFont']} is not embedded"
            assert "/FontFile2" in descriptor.get_object(), f"{font['/BaseFont']} not embedded"
            names.add(str(font["/BaseFont"]))
    return names


def test_quote_pdf_text_shows_the_numbers_of_the_data(quote_data):
    pdf = render_quote_pdf(quote_data)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "\ufffd" not in text
    assert "견 적 서" in text
    assert "사회적협동조합 누리푸드" in text
    assert "124-81-00998" in text
    assert "김누리" in text
    assert "(인)" in text
    for label in ("상호", "등록번호", "성명", "주소", "업태", "종목", "연락처"):
        assert label in text
    assert "서울특별시 성동구청" in text
    assert "귀하" in text
    assert "아래와 같이 견적합니다." in text
    assert "견적번호: Q-2025-0001" in text
    assert "견적일자: 2025년 3월 4일" in text
    assert "유효기간: 2025년 4월 3일까지" in text
    for header in ("품명", "규격", "수량", "단가", "공급가액", "세액", "비고"):
        assert header in text
    for line in quote_data.lines:
        assert line.name in text
        assert figure(line.unit_price) in text
        assert figure(line.supply) in text
        assert figure(line.tax) in text
    assert "1,234,500" in text
    assert "123,450" in text
    assert "2,333" in text
    # totals, and the total in words — the exact line of DOMAIN.md's convention
    assert figure(quote_data.supply_total) == "1,737,831"
    assert "1,737,831" in text
    assert figure(quote_data.tax_total) == "125,783"
    assert "125,783" in text
    assert figure(quote_data.total) == "1,863,614"
    assert "1,863,614" in text
    assert (
        document_amount_line(quote_data.total) == "일금 일백팔십육만삼천육백일십사원정 (₩1,863,614)"
    )
    assert "일금 일백팔십육만삼천육백일십사원정 (₩1,863,614)" in text
    assert "면세" in text
    assert "영세" in text
    assert quote_data.contract_route_note in text
    assert "계약 방법 안내" in text
    assert "납품 전 담당자와 일정을 협의합니다." in text
    assert "1 / 1" in text


def test_quote_pdf_embeds_nanum_gothic_and_nothing_else(quote_data):
    fonts = embedded_fonts(render_quote_pdf(quote_data))
    assert fonts
    for name in fonts:  # subset fonts: "/AAAAAA+NanumGothic", "/AAAAAA+NanumGothicBold"
        assert re.fullmatch(r"/[A-Z]{6}\+NanumGothic(Bold)?", name), name
    assert any(name.endswith("+NanumGothicBold") for name in fonts)


def test_quote_page_renders_hangul_in_the_title_area(quote_data, tmp_path):
    pdf = pdfium.PdfDocument(render_quote_pdf(quote_data))
    try:
        image = pdf[0].render(scale=2).to_pil().convert("L")
    finally:
        pdf.close()
    image.save(tmp_path / "quote-page1.png")
    assert image.size[1] == 1684  # A4 (842 pt) at 144 dpi

    def dark_pixels(box_pt):
        region = image.crop(tuple(int(v * 2) for v in box_pt))
        return sum(region.histogram()[:100])  # pixels darker than 100/255

    assert dark_pixels((180, 38, 415, 80)) > 1_000  # "견 적 서", 22 pt bold, centred
    assert dark_pixels((0, 0, 595, 30)) == 0  # the top margin stays blank


def test_statement_pdf(quote_data):
    data = dataclasses.replace(quote_data, kind="statement", number="S-2025-0007")
    text = pdf_text(render_statement_pdf(data))
    assert "거 래 명 세 서" in text
    assert "공" in text
    assert "받" in text
    assert "사회적협동조합누리푸드" in flat(text)
    assert "124-81-00998" in text
    assert "서울특별시성동구청" in flat(text)
    assert "206-83-00010" in text
    for line in data.lines:
        assert figure(line.supply) in text
        assert figure(line.tax) in text
    assert "1,737,831" in text
    assert "125,783" in text
    assert "1,863,614" in text
    assert document_amount_line(data.total) in text
    assert "인수자" in text
    assert "계약 방법 안내" not in text  # the contract route is a quote matter
    for name in embedded_fonts(render_pdf(data)):
        assert "NanumGothic" in name


def test_statement_with_an_addressee_only(quote_data):
    data = dataclasses.replace(quote_data, kind="statement", buyer=None)
    text = pdf_text(render_statement_pdf(data))
    assert "일자리정책과" in text
    assert "홍길동 주무관" in text
    with pytest.raises(ValueError, match="공급받는자"):
        render_statement_pdf(dataclasses.replace(data, recipient=None))


def test_tax_invoice_parts_by_tax_type(quote_data):
    parts = tax_invoice_parts(quote_data)
    assert [p.invoice_type for p in parts] == ["세금계산서", "영세율 세금계산서", "계산서"]
    assert [len(p.data.lines) for p in parts] == [2, 1, 2]
    assert sum(p.data.supply_total for p in parts) == quote_data.supply_total
    assert sum(p.data.tax_total for p in parts) == quote_data.tax_total
    assert sum(p.data.total for p in parts) == quote_data.total
    assert (parts[0].data.supply_total, parts[0].data.tax_total) == (1_257_831, 125_783)


def test_tax_invoice_pdf_numbers_equal_the_data(quote_data):
    data = dataclasses.replace(quote_data, kind="tax_invoice")
    pdf = render_tax_invoice_pdf(data)
    pages = page_texts(pdf)
    assert len(pages) == 3  # one invoice per tax type, each from a new page
    taxable, zero_rated, exempt = pages
    assert "세 금 계 산 서" in taxable
    assert "영세율 세금계산서" in zero_rated
    assert "계 산 서" in exempt
    for page in pages:
        for field in ("등록번호", "상호", "성명", "주소", "업태", "종목", "작성일자", "합계금액"):
            assert field in page
        assert "124-81-00998" in page
        assert "206-83-00010" in page
        assert "2025년 3월 4일" in page
        assert "이 금액을 청구 함" in page
    assert "1,257,831" in taxable
    assert "125,783" in taxable
    assert "1,383,614" in taxable
    assert "1,234,500" in taxable
    assert "123,450" in taxable
    assert "23,331" in taxable
    assert "110,000" in zero_rated
    assert "370,000" in exempt
    assert "100,000" in exempt
    assert "270,000" in exempt
    assert "세액" not in exempt  # a 계산서 has no tax column
    for name in embedded_fonts(pdf):
        assert "NanumGothic" in name


def test_tax_invoice_needs_registration_numbers(quote_data):
    with pytest.raises(ValueError, match="공급받는자"):
        render_tax_invoice_pdf(dataclasses.replace(quote_data, buyer=None))
    with pytest.raises(ValueError, match="공급받는자"):
        tax_invoice_csv(
            dataclasses.replace(quote_data, buyer=dataclasses.replace(quote_data.buyer, brn=""))
        )


def test_tax_invoice_csv(quote_data):
    text = tax_invoice_csv(quote_data)
    assert text.startswith("\ufeff")  # UTF-8 BOM once encoded
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == TAX_INVOICE_CSV_HEADER
    body = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert len(body) == len(quote_data.lines)
    assert [r["품목"] for r in body] == [
        "유기농 쿠키 선물세트",
        "수제 잼",
        "수출용 건조 버섯",
        "국산 두부",
        "배추김치",
    ]
    assert sum(int(r["공급가액"]) for r in body) == quote_data.supply_total
    assert sum(int(r["세액"]) for r in body) == quote_data.tax_total
    by_name = {line.name: line for line in quote_data.lines}
    for row in body:
        line = by_name[row["품목"]]
        assert (int(row["수량"]), int(row["단가"])) == (line.quantity, line.unit_price)
        assert (int(row["공급가액"]), int(row["세액"])) == (line.supply, line.tax)
        assert row["공급자 등록번호"] == "124-81-00998"
        assert row["공급받는자 등록번호"] == "206-83-00010"
        assert row["작성일자"] == "2025-03-04"
        assert (row["품목 월"], row["품목 일"]) == ("3", "4")
        assert int(row["합계 공급가액"]) + int(row["합계 세액"]) == int(row["합계금액"])
    totals = {(r["구분"], r["합계금액"]) for r in body}
    assert totals == {
        ("세금계산서", "1383614"),
        ("영세율 세금계산서", "110000"),
        ("계산서", "370000"),
    }


def test_long_tables_paginate_with_the_header_on_every_page(quote_data):
    lines = [
        DocumentLine(f"품목 {i:03d}", i, 1_000 + i, "taxable" if i % 3 else "exempt", spec="1개")
        for i in range(1, 121)
    ]
    data = dataclasses.replace(quote_data, lines=lines)
    pages = page_texts(render_quote_pdf(data))
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"{number} / {len(pages)}" in page
    for page in pages[:-1]:
        assert "품명" in page
        assert "공급가액" in page
    everything = "\n".join(pages)
    for line in lines:
        assert line.name in everything
    assert data.supply_total == 7_843_220
    assert "7,843,220" in pages[-1]
    assert "518,360" in pages[-1]
    assert "8,361,580" in pages[-1]
    assert document_amount_line(data.total) in pages[0]


def test_rendering_is_deterministic_and_escapes_markup(quote_data):
    assert render_quote_pdf(quote_data) == render_quote_pdf(quote_data)
    odd = DocumentLine("A&B <특가> 세트", 1, 1_000, note="<b>굵게</b> & 기타")
    data = dataclasses.replace(quote_data, lines=(odd,), notes="1 < 2 & 3 > 2")
    text = pdf_text(render_quote_pdf(data))
    assert "A&B <특가> 세트" in text
    assert "1 < 2 & 3 > 2" in text
