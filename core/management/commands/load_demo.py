"""``python manage.py load_demo``: the demo data behind ``make run`` (idempotent; see core.demo)."""

from __future__ import annotations

import time
from datetime import date

from django.core.management.base import BaseCommand

from core.demo import demo_load


class Command(BaseCommand):
    help = (
        "데모 데이터를 불러옵니다: 센터 직원과 데모 계정, 표본 등록부, 사업 참여, 입점 기업, "
        "분류와 상품(이미지 포함), 검색 색인. 여러 번 실행해도 같은 결과입니다. / "
        "Load the demo data (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--small",
            action="store_true",
            help="작은 상품 이미지(160px)로 빠르게 (테스트용) / small pictures, for tests",
        )
        parser.add_argument(
            "--no-images", action="store_true", help="상품 이미지를 만들지 않음 / no pictures"
        )
        parser.add_argument(
            "--on",
            type=date.fromisoformat,
            help="입점 자격(유효한 인증)을 판단할 날짜, 기본 오늘 (YYYY-MM-DD) / eligibility date",
        )
        parser.add_argument(
            "--reindex",
            action="store_true",
            help="검색 색인을 항상 다시 만듦 / always rebuild the search index",
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]

        started = time.monotonic()

        def log(step: str) -> None:
            if verbosity >= 2:
                self.stderr.write(f"  … {step} ({time.monotonic() - started:.1f} s)")

        summary = demo_load(
            small=options["small"],
            images=not options["no_images"],
            reindex=True if options["reindex"] else None,
            on=options["on"],
            log=log,
        )
        if verbosity == 0:
            return
        title = "데모 데이터 / Demo data"
        title += "" if summary.created_anything else " — 이미 모두 있음 / already loaded"
        self.stdout.write(self.style.MIGRATE_HEADING(title))
        self.stdout.write(summary.as_text())
        self.stdout.write(self.style.SUCCESS(f"{summary.seconds:.1f}초 / {summary.seconds:.1f} s"))
