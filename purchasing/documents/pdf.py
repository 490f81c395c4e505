"""견적서, 거래명세서 and 세금계산서 as PDF (ReportLab platypus, A4), and tax-invoice data as CSV.

Fonts: NanumGothic / NanumGothicBold (OFL) shipped with the project are registered from
``settings.KOREAN_FONT_PATH`` / ``KOREAN_FONT_BOLD_PATH`` and embedded (TrueType subsets) in every
PDF, and the documents use no other font (not even for the page preamble), so Hangul renders the
same on any machine and text extraction returns the Korean that was written (DESIGN.md
"Documents (PDF)"). Output is deterministic (``invariant``): the same data gives the same bytes.

Every figure printed comes from ``DocumentData`` (lines computed with the one VAT rule and summed);
renderers never compute amounts of their own.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from .data import EXEMPT, TAXABLE, ZERO_RATED, DocumentData, DocumentKind, Party, Recipient
from .korean_amount import document_amount_line

FONT = "NanumGothic"
FONT_BOLD = "NanumGothic-Bold"

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN  # 180 mm

GRID = colors.HexColor("#555555")
HEAD_BG = colors.HexColor("#EDEFF2")
LABEL_BG = colors.HexColor("#F5F6F8")


# --- fonts -------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def register_fonts() -> tuple[str, str]:
    """Register the shipped Korean fonts with ReportLab once per process; returns their names."""
    regular = Path(settings.KOREAN_FONT_PATH)
    bold = Path(getattr(settings, "KOREAN_FONT_BOLD_PATH", "") or regular)
    if not regular.exists():
        raise FileNotFoundError(f"Korean font not found: {regular} (settings.KOREAN_FONT_PATH)")
    if not bold.exists():
        bold = regular
    pdfmetrics.registerFont(TTFont(FONT, str(regular)))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(bold)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
    )
    return FONT, FONT_BOLD


# --- small formatting helpers -----------------------------------------------------------------


def figure(n: int) -> str:
    """``1234500`` → ``1,234,500`` (how figures appear in the tables)."""
    return f"{n:,}"


def korean_date(d: dt.date | None) -> str:
    return f"{d.year}년 {d.month}월 {d.day}일" if d else ""


def _text(value: str) -> str:
    """Escape user text for Paragraph markup and keep its line breaks."""
    return escape(str(value or "")).replace("\n", "<br/>")


@lru_cache(maxsize=1)
def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=12.5)
    return {
        "base": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11),
        "cell_bold": ParagraphStyle(
            "cell_bold", parent=base, fontName=FONT_BOLD, fontSize=8.5, leading=11
        ),
        "label": ParagraphStyle(
            "label", parent=base, fontName=FONT_BOLD, fontSize=8.5, leading=11, alignment=TA_CENTER
        ),
        "vlabel": ParagraphStyle(
            "vlabel", parent=base, fontName=FONT_BOLD, fontSize=9.5, leading=13, alignment=TA_CENTER
        ),
        "title": ParagraphStyle(
            "title", parent=base, fontName=FONT_BOLD, fontSize=22, leading=28, alignment=TA_CENTER
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=base, fontSize=9, leading=12, alignment=TA_CENTER
        ),
        "meta": ParagraphStyle("meta", parent=base, fontSize=9.5, leading=15),
        "addressee": ParagraphStyle(
            "addressee", parent=base, fontName=FONT_BOLD, fontSize=13, leading=18
        ),
        "amount": ParagraphStyle(
            "amount", parent=base, fontName=FONT_BOLD, fontSize=10.5, leading=14
        ),
        "heading": ParagraphStyle(
            "heading", parent=base, fontName=FONT_BOLD, fontSize=10, leading=14, spaceBefore=4
        ),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
    }


def _p(text: str, style: str = "cell") -> Paragraph:
    return Paragraph(text, _styles()[style])


def _vertical(label: str) -> Paragraph:
    """``공급자`` written top to bottom, as on paper forms."""
    return _p("<br/>".join(escape(ch) for ch in label), "vlabel")


def _grid_style(*extra: tuple) -> TableStyle:
    return TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("FONTSIZE", (0, 0), (-1, -1), 8.5),
            ("GRID", (0, 0), (-1, -1), 0.5, GRID),
            ("BOX", (0, 0), (-1, -1), 1.0, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            *extra,
        ]
    )


def _layout_style(*extra: tuple) -> TableStyle:
    """Invisible tables that only place blocks side by side (Korean font set even for empty
    cells, so that no standard font is ever referenced)."""
    return TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            *extra,
        ]
    )


# --- page frame: footer with "문서 번호 · n / N" ------------------------------------------------


class _NumberedCanvas(rl_canvas.Canvas):
    """Draws the footer once the page count is known (two-pass page numbering)."""

    def __init__(self, *args, footer: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._saved_pages: list[dict] = []

    def showPage(self):  # ReportLab's name
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        count = len(self._saved_pages)
        for state in self._saved_pages:
            self.__dict__.update(state)
            self.setFont(FONT, 7.5)
            self.setFillColor(colors.HexColor("#666666"))
            self.drawString(MARGIN, 9 * mm, self._footer)
            self.drawRightString(PAGE_WIDTH - MARGIN, 9 * mm, f"{self._pageNumber} / {count}")
            super().showPage()
        super().save()


def _build(story: list, data: DocumentData, title: str) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=f"{title} {data.number}",
        author=data.supplier.name,
        subject=title,
        creator="Nuri",
        invariant=1,
        initialFontName=FONT,  # no Helvetica reference anywhere in the file
    )
    footer = f"{title} {data.number} · {data.supplier.name}"
    doc.build(story, canvasmaker=lambda *a, **k: _NumberedCanvas(*a, footer=footer, **k))
    return buffer.getvalue()


# --- building blocks ---------------------------------------------------------------------------


def _title(text: str, subtitle: str = "") -> list:
    spaced = " ".join(text) if len(text) <= 5 else text  # 견 적 서, as printed forms do
    story: list = [_p(escape(spaced), "title")]
    if subtitle:
        story.append(_p(escape(subtitle), "subtitle"))
    story.append(Spacer(1, 5 * mm))
    return story


def _party_table(label: str, party: Party, width: float, *, seal: bool, email_row: bool = False):
    """The 공급자 / 공급받는자 block: 등록번호, 상호 | 성명 (인), 주소, 업태 | 종목, 연락처."""
    v, lab = 7 * mm, 15 * mm
    rest = width - v - 2 * lab
    w_name, w_rep = rest * 0.55, rest * 0.45
    rep = _text(party.representative) + ("&nbsp;&nbsp;(인)" if seal else "")
    contact = " / ".join(x for x in (party.phone, party.email if not email_row else "") if x)
    rows = [
        [_vertical(label), _p("등록번호", "label"), _p(_text(party.brn), "cell_bold"), "", ""],
        [
            "",
            _p("상호", "label"),
            _p(_text(party.name), "cell_bold"),
            _p("성명", "label"),
            _p(rep),
        ],
        ["", _p("주소", "label"), _p(_text(party.address)), "", ""],
        [
            "",
            _p("업태", "label"),
            _p(_text(party.business_category)),
            _p("종목", "label"),
            _p(_text(party.business_item)),
        ],
        ["", _p("연락처", "label"), _p(_text(contact)), "", ""],
    ]
    if email_row:
        rows.append(["", _p("이메일", "label"), _p(_text(party.email)), "", ""])
    last = len(rows) - 1
    spans = [("SPAN", (0, 0), (0, last)), ("SPAN", (2, 0), (4, 0)), ("SPAN", (2, 2), (4, 2))]
    spans += [("SPAN", (2, r), (4, r)) for r in range(4, last + 1)]
    table = Table(rows, colWidths=[v, lab, w_name, lab, w_rep])
    table.setStyle(
        _grid_style(
            *spans,
            ("BACKGROUND", (0, 0), (1, -1), LABEL_BG),
            ("BACKGROUND", (3, 1), (3, 1), LABEL_BG),
            ("BACKGROUND", (3, 3), (3, 3), LABEL_BG),
        )
    )
    return table


def _recipient_table(label: str, recipient: Recipient, width: float):
    """공급받는자 as an addressee only (기관명, 부서, 담당자) when no business data is given."""
    v, lab = 7 * mm, 15 * mm
    rows = [
        [_vertical(label), _p("기관명", "label"), _p(_text(recipient.agency), "cell_bold")],
        ["", _p("부서", "label"), _p(_text(recipient.department))],
        ["", _p("담당자", "label"), _p(_text(recipient.person))],
    ]
    table = Table(rows, colWidths=[v, lab, width - v - lab])
    table.setStyle(
        _grid_style(("SPAN", (0, 0), (0, -1)), ("BACKGROUND", (0, 0), (1, -1), LABEL_BG))
    )
    return table


def _buyer_block(data: DocumentData, width: float):
    if data.buyer is not None:
        return _party_table("공급받는자", data.buyer, width, seal=False)
    if data.recipient is not None:
        return _recipient_table("공급받는자", data.recipient, width)
    raise ValueError(f"{data.title} {data.number}: 공급받는자 (buyer or recipient) is missing")


def _amount_line(data: DocumentData, label: str = "합계금액") -> Table:
    rows = [
        [
            _p(f"{label}<br/>(공급가액 + 세액)", "label"),
            _p(escape(document_amount_line(data.total)), "amount"),
        ]
    ]
    table = Table(rows, colWidths=[32 * mm, CONTENT_WIDTH - 32 * mm])
    table.setStyle(_grid_style(("BACKGROUND", (0, 0), (0, 0), LABEL_BG)))
    return table


_LINE_HEADER = ["품명", "규격", "수량", "단가", "공급가액", "세액", "비고"]
_LINE_WIDTHS = [mm * w for w in (50, 27, 14, 22, 26, 20, 21)]  # = 180 mm


def _note_cell(tax_type: str, note: str) -> str:
    mark = {EXEMPT: "면세", ZERO_RATED: "영세"}.get(tax_type, "")
    return " · ".join(x for x in (mark, note) if x)


def _lines_table(data: DocumentData) -> Table:
    """품명 / 규격 / 수량 / 단가 / 공급가액 / 세액 / 비고, then a 합계 row; the header repeats on
    every page when the table is split."""
    rows: list[list] = [[_p(h, "label") for h in _LINE_HEADER]]
    for line in data.lines:
        rows.append(
            [
                _p(_text(line.name)),
                _p(_text(line.spec)),
                figure(line.quantity),
                figure(line.unit_price),
                figure(line.supply),
                figure(line.tax),
                _p(_text(_note_cell(line.tax_type, line.note))),
            ]
        )
    rows.append(
        [_p("합 계", "label"), "", "", "", figure(data.supply_total), figure(data.tax_total), ""]
    )
    table = Table(rows, colWidths=_LINE_WIDTHS, repeatRows=1)
    table.setStyle(
        _grid_style(
            ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
            ("ALIGN", (2, 1), (5, -1), "RIGHT"),
            ("SPAN", (0, -1), (3, -1)),
            ("BACKGROUND", (0, -1), (-1, -1), LABEL_BG),
            ("FONTNAME", (0, -1), (-1, -1), FONT_BOLD),
        )
    )
    return table


def _summary_table(data: DocumentData) -> Table:
    """공급가액 합계 / 세액 합계 / 총액, right-aligned under the lines."""
    rows = [
        [_p("공급가액 합계", "label"), figure(data.supply_total)],
        [_p("세액 합계", "label"), figure(data.tax_total)],
        [_p("총액 (VAT 포함)", "label"), figure(data.total)],
    ]
    table = Table(rows, colWidths=[34 * mm, 38 * mm], hAlign="RIGHT")
    table.setStyle(
        _grid_style(
            ("BACKGROUND", (0, 0), (0, -1), LABEL_BG),
            ("ALIGN", (1, 0), (1, -1), "RIGHT"),
            ("FONTNAME", (1, -1), (1, -1), FONT_BOLD),
            ("FONTSIZE", (1, 0), (1, -1), 9.5),
        )
    )
    return table


def _conditions(data: DocumentData, *, contract_route: bool = False) -> list:
    """특기사항: delivery, payment, tax note, free notes — then (quotes) the contract route box."""
    items: list[str] = []
    if data.delivery_date:
        items.append(f"납품기한: {korean_date(data.delivery_date)}")
    if data.delivery_place:
        items.append(f"납품장소: {data.delivery_place}")
    if data.payment_terms:
        items.append(f"결제조건: {data.payment_terms}")
    if data.tax_types - {TAXABLE}:
        items.append("면세·영세 품목은 세액이 없습니다 (비고 참조). 세액은 품목별로 원 미만 절사.")
    story: list = []
    if items or data.notes:
        story.append(_p("특기사항", "heading"))
        story.extend(_p("· " + _text(item), "base") for item in items)
        if data.notes:
            story.append(_p(_text(data.notes), "base"))
    if contract_route and data.contract_route_note:
        box = Table(
            [[_p("계약 방법 안내", "label"), _p(_text(data.contract_route_note))]],
            colWidths=[28 * mm, CONTENT_WIDTH - 28 * mm],
        )
        box.setStyle(_grid_style(("BACKGROUND", (0, 0), (0, 0), LABEL_BG)))
        story += [Spacer(1, 3 * mm), KeepTogether([box])]
    return story


# --- 견적서 ------------------------------------------------------------------------------------


def _addressee(data: DocumentData) -> list:
    """``서울특별시 성동구청`` / ``일자리정책과 홍길동 주무관 귀하`` (귀하 after the last line)."""
    if data.recipient is not None:
        person = " ".join(x for x in (data.recipient.department, data.recipient.person) if x)
        lines = [data.recipient.agency, person]
    elif data.buyer is not None:
        lines = [data.buyer.name, ""]
    else:
        lines = ["", ""]
    head = _text(lines[0]) or "&nbsp;" * 24
    if lines[1]:
        return [_p(f"<u>{head}</u>", "addressee"), _p(f"{_text(lines[1])} 귀하", "addressee")]
    return [_p(f"<u>{head}</u> 귀하", "addressee")]


def render_quote_pdf(data: DocumentData) -> bytes:
    """견적서: title, number/date/validity, recipient 귀하, supplier block with seal, "아래와 같이
    견적합니다.", total in words and figures, lines, totals, notes and the contract route note."""
    data.check_totals()
    left_width, right_width = 74 * mm, CONTENT_WIDTH - 78 * mm
    meta = [
        _p(f"견적번호: {_text(data.number)}", "meta"),
        _p(f"견적일자: {korean_date(data.issue_date)}", "meta"),
    ]
    if data.valid_until:
        meta.append(_p(f"유효기간: {korean_date(data.valid_until)}까지", "meta"))
    meta += [
        Spacer(1, 4 * mm),
        *_addressee(data),
        Spacer(1, 4 * mm),
        _p("아래와 같이 견적합니다.", "meta"),
    ]
    head = Table(
        [[meta, _party_table("공급자", data.supplier, right_width, seal=True)]],
        colWidths=[left_width, CONTENT_WIDTH - left_width],
    )
    head.setStyle(_layout_style(("ALIGN", (1, 0), (1, 0), "RIGHT")))
    story = [
        *_title("견적서"),
        head,
        Spacer(1, 5 * mm),
        _amount_line(data, "견적금액"),
        Spacer(1, 4 * mm),
        _lines_table(data),
        Spacer(1, 3 * mm),
        KeepTogether([_summary_table(data)]),
        Spacer(1, 3 * mm),
        *_conditions(data, contract_route=True),
    ]
    return _build(story, data, "견적서")


# --- 거래명세서 --------------------------------------------------------------------------------


def render_statement_pdf(data: DocumentData) -> bytes:
    """거래명세서: 공급자 and 공급받는자 side by side, total in words and figures, the same line
    columns as the quote, totals, delivery and a 인수자 signature line."""
    data.check_totals()
    half = (CONTENT_WIDTH - 4 * mm) / 2
    meta = Table(
        [
            [
                _p(f"문서번호: {_text(data.number)}", "meta"),
                _p(f"거래일자: {korean_date(data.issue_date)}", "meta"),
                _p(
                    f"납품일자: {korean_date(data.delivery_date)}" if data.delivery_date else "",
                    "meta",
                ),
            ]
        ],
        colWidths=[CONTENT_WIDTH / 3] * 3,
    )
    meta.setStyle(_layout_style())
    parties = Table(
        [
            [
                _party_table("공급자", data.supplier, half, seal=True),
                "",
                _buyer_block(data, half),
            ]
        ],
        colWidths=[half, 4 * mm, half],
    )
    parties.setStyle(_layout_style())
    receipt = Table(
        [["", _p("인수자:&nbsp;" + "&nbsp;" * 30 + "(인)", "base")]],
        colWidths=[CONTENT_WIDTH - 70 * mm, 70 * mm],
    )
    receipt.setStyle(_layout_style())
    story = [
        *_title("거래명세서"),
        meta,
        Spacer(1, 2 * mm),
        parties,
        Spacer(1, 5 * mm),
        _amount_line(data),
        Spacer(1, 4 * mm),
        _lines_table(data),
        Spacer(1, 3 * mm),
        KeepTogether([_summary_table(data)]),
        Spacer(1, 3 * mm),
        *_conditions(data),
        Spacer(1, 8 * mm),
        _p("위와 같이 거래합니다.", "meta"),
        Spacer(1, 4 * mm),
        receipt,
    ]
    return _build(story, data, "거래명세서")


# --- 세금계산서 --------------------------------------------------------------------------------

# One tax invoice carries one kind of supply: taxable lines go on a 세금계산서, zero-rated ones on
# a 영세율 세금계산서 and exempt ones on a 계산서 (no 세액). A mixed order therefore yields up to
# three invoices; they are rendered one after the other (each from a new page) and listed in the
# CSV with their 구분.
INVOICE_TYPES = (
    (TAXABLE, "세금계산서"),
    (ZERO_RATED, "영세율 세금계산서"),
    (EXEMPT, "계산서"),
)


_E_INVOICE = {
    "세금계산서": "전자세금계산서",
    "영세율 세금계산서": "전자세금계산서(영세율)",
    "계산서": "전자계산서",
}


@dataclass(frozen=True)
class TaxInvoicePart:
    invoice_type: str  # 세금계산서 / 영세율 세금계산서 / 계산서
    data: DocumentData  # the same document restricted to the lines of that tax type

    @property
    def has_tax_column(self) -> bool:
        return self.invoice_type != "계산서"


def tax_invoice_parts(data: DocumentData) -> list[TaxInvoicePart]:
    """Split a document into the invoices it needs, by tax type; the parts' supply, tax and total
    add up to the document's."""
    _require_invoice_parties(data)
    parts = []
    for tax_type, label in INVOICE_TYPES:
        lines = tuple(line for line in data.lines if line.tax_type == tax_type)
        if lines:
            parts.append(TaxInvoicePart(label, replace(data, lines=lines, expected_total=None)))
    return parts


def _require_invoice_parties(data: DocumentData) -> None:
    if not data.supplier.brn:
        raise ValueError(f"{data.number}: 세금계산서에는 공급자 등록번호가 필요합니다.")
    if data.buyer is None or not data.buyer.brn:
        raise ValueError(
            f"{data.number}: 세금계산서에는 공급받는자(buyer)의 등록번호가 필요합니다."
        )
    if not data.lines:
        raise ValueError(f"{data.number}: 품목이 없습니다.")


def _invoice_story(part: TaxInvoicePart) -> list:
    data = part.data
    assert data.buyer is not None  # checked by tax_invoice_parts
    half = (CONTENT_WIDTH - 4 * mm) / 2
    parties = Table(
        [
            [
                _party_table("공급자", data.supplier, half, seal=True, email_row=True),
                "",
                _party_table("공급받는자", data.buyer, half, seal=False, email_row=True),
            ]
        ],
        colWidths=[half, 4 * mm, half],
    )
    parties.setStyle(_layout_style())
    with_tax = part.has_tax_column
    head = ["작성일자", "공급가액", *(["세액"] if with_tax else []), "비고"]
    values = [
        korean_date(data.issue_date),
        figure(data.supply_total),
        *([figure(data.tax_total)] if with_tax else []),
        _p(_text(data.notes)),
    ]
    head_widths = [40 * mm, 45 * mm, *([40 * mm] if with_tax else []), None]
    used = sum(w for w in head_widths if w)
    head_widths[-1] = CONTENT_WIDTH - used
    summary = Table([[_p(h, "label") for h in head], values], colWidths=head_widths)
    summary.setStyle(
        _grid_style(
            ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
            ("ALIGN", (1, 1), (-2, 1), "RIGHT"),
            ("ALIGN", (0, 1), (0, 1), "CENTER"),
        )
    )

    item_head = ["월", "일", "품목", "규격", "수량", "단가", "공급가액"]
    widths = [8, 8, 40, 22, 13, 20, 24]
    if with_tax:
        item_head.append("세액")
        widths.append(20)
    item_head.append("비고")
    widths.append(180 - sum(widths))
    rows: list[list] = [[_p(h, "label") for h in item_head]]
    for line in data.lines:
        day = line.supply_date or data.issue_date
        row = [
            str(day.month),
            str(day.day),
            _p(_text(line.name)),
            _p(_text(line.spec)),
            figure(line.quantity),
            figure(line.unit_price),
            figure(line.supply),
        ]
        if with_tax:
            row.append(figure(line.tax))
        row.append(_p(_text(line.note)))
        rows.append(row)
    items = Table(rows, colWidths=[w * mm for w in widths], repeatRows=1)
    last_figure = 7 if with_tax else 6
    items.setStyle(
        _grid_style(
            ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
            ("ALIGN", (0, 1), (1, -1), "CENTER"),
            ("ALIGN", (4, 1), (last_figure, -1), "RIGHT"),
        )
    )
    total = Table(
        [
            [
                _p("합계금액", "label"),
                figure(data.total),
                _p(f"이 금액을 <b>{escape(data.tax_invoice_purpose)}</b> 함", "base"),
            ]
        ],
        colWidths=[30 * mm, 50 * mm, CONTENT_WIDTH - 80 * mm],
    )
    total.setStyle(
        _grid_style(
            ("BACKGROUND", (0, 0), (0, 0), LABEL_BG),
            ("ALIGN", (1, 0), (1, 0), "RIGHT"),
            ("FONTNAME", (1, 0), (1, 0), FONT_BOLD),
            ("FONTSIZE", (1, 0), (1, 0), 10),
        )
    )
    return [
        *_title(part.invoice_type, f"({_E_INVOICE[part.invoice_type]} 발행 자료 · 공급자 보관용)"),
        _p(f"문서번호: {_text(data.number)}", "meta"),
        Spacer(1, 2 * mm),
        parties,
        Spacer(1, 4 * mm),
        summary,
        Spacer(1, 4 * mm),
        items,
        Spacer(1, 3 * mm),
        KeepTogether([total]),
        Spacer(1, 2 * mm),
        _p(escape(document_amount_line(data.total)), "right"),
    ]


def render_tax_invoice_pdf(data: DocumentData) -> bytes:
    """세금계산서 data: 공급자/공급받는자 등록번호·상호·성명·주소·업태·종목, 작성일자,
    공급가액, 세액, 품목 lines and 합계 — one invoice per tax type (see ``tax_invoice_parts``)."""
    data.check_totals()
    story: list = []
    for index, part in enumerate(tax_invoice_parts(data)):
        if index:
            story.append(PageBreak())
        story += _invoice_story(part)
    return _build(story, data, "세금계산서")


TAX_INVOICE_CSV_HEADER = [
    "구분",
    "문서번호",
    "작성일자",
    "공급자 등록번호",
    "공급자 상호",
    "공급자 성명",
    "공급자 주소",
    "공급자 업태",
    "공급자 종목",
    "공급자 이메일",
    "공급받는자 등록번호",
    "공급받는자 상호",
    "공급받는자 성명",
    "공급받는자 주소",
    "공급받는자 업태",
    "공급받는자 종목",
    "공급받는자 이메일",
    "품목 월",
    "품목 일",
    "품목",
    "규격",
    "수량",
    "단가",
    "공급가액",
    "세액",
    "비고",
    "합계 공급가액",
    "합계 세액",
    "합계금액",
    "영수/청구",
]


def tax_invoice_csv(data: DocumentData) -> str:
    """Tax-invoice data as CSV: a Korean header row, then one row per 품목 with its invoice's
    parties and totals repeated (one invoice per tax type). Figures are plain integers (no
    separators) for spreadsheets. UTF-8 with BOM: the returned text starts with ``\\ufeff`` so
    Excel opens it as UTF-8; write it with ``encoding="utf-8"``."""
    data.check_totals()
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(TAX_INVOICE_CSV_HEADER)
    for part in tax_invoice_parts(data):
        d = part.data
        buyer = d.buyer
        assert buyer is not None
        for line in d.lines:
            day = line.supply_date or d.issue_date
            writer.writerow(
                [
                    part.invoice_type,
                    d.number,
                    d.issue_date.isoformat(),
                    d.supplier.brn,
                    d.supplier.name,
                    d.supplier.representative,
                    d.supplier.address,
                    d.supplier.business_category,
                    d.supplier.business_item,
                    d.supplier.email,
                    buyer.brn,
                    buyer.name,
                    buyer.representative,
                    buyer.address,
                    buyer.business_category,
                    buyer.business_item,
                    buyer.email,
                    day.month,
                    day.day,
                    line.name,
                    line.spec,
                    line.quantity,
                    line.unit_price,
                    line.supply,
                    line.tax,
                    line.note,
                    d.supply_total,
                    d.tax_total,
                    d.total,
                    d.tax_invoice_purpose,
                ]
            )
    return out.getvalue()


RENDERERS = {
    DocumentKind.QUOTE.value: render_quote_pdf,
    DocumentKind.STATEMENT.value: render_statement_pdf,
    DocumentKind.TAX_INVOICE.value: render_tax_invoice_pdf,
}


def render_pdf(data: DocumentData, kind: str | None = None) -> bytes:
    """Render ``data`` as the document ``kind`` (default: ``data.kind``)."""
    return RENDERERS[DocumentKind(kind or data.kind).value](data)
