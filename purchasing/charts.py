"""Inline SVG charts of the priority-purchase report (no JavaScript, no image files).

``monthly_svg``: a bar per month (all Nuri purchases), the priority-purchase part in green.
``category_svg``: a horizontal bar per category against its target (a tick marks the target).
Labels are escaped; every chart has a ``<title>`` and ``aria-label`` for screen readers.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from purchasing.report import PriorityPurchaseReport

GREEN = "#1f7a4d"
GREY = "#c9d3d8"
INK = "#1d2327"
MUTED = "#5f6b73"
TARGET = "#b3261e"


def nice_ceiling(value: int) -> int:
    """The smallest 1, 2, 4 or 8 × 10^n at or above ``value`` (a round axis maximum that
    divides into four labelled steps)."""
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 4, 8, 10):
        top = step * magnitude
        if top >= value:
            return top
    return 10 * magnitude


def _short(amount: int) -> str:
    """₩ amounts for axis labels: 1.2억, 3,400만, 5,000."""
    if amount >= 100_000_000:
        return f"{amount / 100_000_000:.1f}억".replace(".0억", "억")
    if amount >= 10_000:
        return f"{amount // 10_000:,}만"
    return f"{amount:,}"


def monthly_svg(report: PriorityPurchaseReport) -> SafeString:
    width, height = 720, 260
    left, right, top, bottom = 64, 16, 20, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = nice_ceiling(max([m.amount for m in report.months] + [1]))
    slot = plot_w / 12
    bar = slot * 0.62
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{report.year}년 월별 구매액" class="chart chart-monthly">',
        f"<title>{report.year}년 월별 누리 구매액과 우선구매 인정액</title>",
    ]
    for i in range(5):
        value = peak * i // 4
        y = top + plot_h - plot_h * i / 4
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="#e3e8ea" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{MUTED}">{escape(_short(value))}</text>'
        )
    for m in report.months:
        x = left + slot * (m.month - 1) + (slot - bar) / 2
        total_h = plot_h * m.amount / peak
        eligible_h = plot_h * m.eligible_amount / peak
        base = top + plot_h
        tip = f"{m.month}월: 구매 {m.amount:,}원, 우선구매 인정 {m.eligible_amount:,}원"
        parts.append(f'<g class="month" data-month="{m.month}"><title>{escape(tip)}</title>')
        if m.amount:
            parts.append(
                f'<rect x="{x:.1f}" y="{base - total_h:.1f}" width="{bar:.1f}" '
                f'height="{total_h:.1f}" fill="{GREY}"/>'
            )
        if m.eligible_amount:
            parts.append(
                f'<rect class="eligible" x="{x:.1f}" y="{base - eligible_h:.1f}" '
                f'width="{bar:.1f}" height="{eligible_h:.1f}" fill="{GREEN}"/>'
            )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
            f'font-size="11" fill="{INK}">{m.month}월</text></g>'
        )
    parts.append(
        f'<rect x="{left}" y="{height - 14}" width="10" height="10" fill="{GREEN}"/>'
        f'<text x="{left + 14}" y="{height - 5}" font-size="11" fill="{INK}">우선구매 인정</text>'
        f'<rect x="{left + 110}" y="{height - 14}" width="10" height="10" fill="{GREY}"/>'
        f'<text x="{left + 124}" y="{height - 5}" font-size="11" fill="{INK}">그 외 구매</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


def category_svg(report: PriorityPurchaseReport) -> SafeString:
    rows = [r for r in report.categories if r.count or r.target]
    width, row_h, left, right = 720, 34, 200, 150
    height = max(len(rows), 1) * row_h + 16
    peak = max([max(r.amount, r.target) for r in rows] + [1])
    plot_w = width - left - right
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="구분별 실적과 목표" class="chart chart-categories">',
        "<title>구분별 구매 실적과 목표</title>",
    ]
    if not rows:
        parts.append(
            f'<text x="{width / 2}" y="24" text-anchor="middle" font-size="13" '
            f'fill="{MUTED}">아직 집계된 구매가 없습니다.</text>'
        )
    for i, r in enumerate(rows):
        y = 8 + i * row_h
        w = plot_w * r.amount / peak
        color = GREEN if r.statutory and r.key != "not_counted" else GREY
        label = f"{r.amount:,}원"
        if r.target:
            label += f" / 목표 {r.target:,}원"
        parts.append(f'<g class="category" data-key="{escape(r.key)}">')
        parts.append(
            f'<text x="{left - 8}" y="{y + 17}" text-anchor="end" font-size="12" '
            f'fill="{INK}">{escape(r.label)}</text>'
            f'<rect x="{left}" y="{y + 4}" width="{plot_w}" height="18" fill="#f1f4f5"/>'
        )
        if r.amount:
            parts.append(
                f'<rect x="{left}" y="{y + 4}" width="{max(w, 1):.1f}" height="18" fill="{color}"/>'
            )
        if r.target:
            tx = left + plot_w * r.target / peak
            parts.append(
                f'<line class="target" x1="{tx:.1f}" y1="{y}" x2="{tx:.1f}" y2="{y + 26}" '
                f'stroke="{TARGET}" stroke-width="2"/>'
            )
        parts.append(
            f'<text x="{left + plot_w + 8}" y="{y + 17}" font-size="11" fill="{MUTED}">'
            f"{escape(_pct(r.achievement))}</text><title>{escape(r.label)}: "
            f"{escape(label)}</title></g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


def _pct(value: float | None) -> str:
    return "목표 없음" if value is None else f"달성 {value:.1f}%"
