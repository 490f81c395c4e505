from __future__ import annotations

import datetime as dt

import pytest

from purchasing.documents.data import (
    DocumentData,
    DocumentLine,
    Party,
    Recipient,
)


@pytest.fixture
def supplier() -> Party:
    return Party(
        name="사회적협동조합 누리푸드",
        brn="1248100998",
        representative="김누리",
        address="서울특별시 성동구 왕십리로 100, 3층",
        business_category="제조, 도소매",
        business_item="식품, 제과",
        phone="02-123-4567",
        email="sales@nuri.example",
    )


@pytest.fixture
def buyer() -> Party:
    return Party(
        name="서울특별시 성동구청",
        brn="206-83-00010",
        representative="성동구청장",
        address="서울특별시 성동구 고산자로 270",
        email="buy@sd.go.kr",
    )


@pytest.fixture
def mixed_lines() -> list[DocumentLine]:
    """Taxable, exempt and zero-rated lines; one taxable line whose tax needs the floor."""
    return [
        DocumentLine(
            "유기농 쿠키 선물세트", 30, 41_150, "taxable", spec="500g × 12입", note="개별 포장"
        ),
        DocumentLine("국산 두부", 40, 2_500, "exempt", spec="1kg"),
        DocumentLine("배추김치", 15, 18_000, "exempt", spec="5kg", note="냉장 배송"),
        DocumentLine("수제 잼", 7, 3_333, "taxable", spec="250g"),
        DocumentLine("수출용 건조 버섯", 2, 55_000, "zero_rated", spec="1kg"),
    ]


@pytest.fixture
def quote_data(supplier, buyer, mixed_lines) -> DocumentData:
    return DocumentData(
        kind="quote",
        number="Q-2025-0001",
        issue_date=dt.date(2025, 3, 4),
        valid_until=dt.date(2025, 4, 3),
        supplier=supplier,
        recipient=Recipient("서울특별시 성동구청", "일자리정책과", "홍길동 주무관"),
        buyer=buyer,
        lines=mixed_lines,
        notes="운송비 포함.\n납품 전 담당자와 일정을 협의합니다.",
        contract_route_note=(
            "사회적기업 수의계약: 추정가격 5천만 원 이하로 1인 견적으로 계약 가능합니다."
        ),
        delivery_date=dt.date(2025, 3, 20),
        delivery_place="성동구청 본관 1층",
        payment_terms="검수 후 청구일로부터 5일 이내 계좌이체",
    )
