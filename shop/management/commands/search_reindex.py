"""``python manage.py search_reindex``: rebuild the product search index.

Reads published products in batches (keyset pagination), analyzes them with kiwi and writes
each batch in bulk; shows a progress bar on a terminal (on stderr, so that stdout keeps the
summary) and prints the count and the throughput. ``--products 1 2 3`` re-indexes only those
products (unpublished or deleted ones leave the index).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from shop.search import analysis
from shop.search.registry import get_backend


class Command(BaseCommand):
    help = "상품 검색 색인을 다시 만듭니다. / Rebuild the product search index."

    def add_arguments(self, parser):
        parser.add_argument(
            "--products",
            nargs="+",
            type=int,
            metavar="ID",
            help="이 상품들만 다시 색인 (기본: 전체 재구축)",
        )
        parser.add_argument("--no-progress", action="store_true", help="진행 막대를 숨김")

    def handle(self, *args, **options):
        backend = get_backend()
        show_progress = not options["no_progress"] and self.stderr.isatty()
        bar = None

        def on_progress(done: int, total: int) -> None:
            nonlocal bar
            if not show_progress:
                return
            if bar is None:
                from tqdm import tqdm

                bar = tqdm(total=total, unit="상품", desc="색인 중", file=self.stderr._out)
            bar.total = total
            bar.update(done - bar.n)

        self.stdout.write(f"검색 백엔드: {backend.name}")
        load_started = time.monotonic()
        analysis.get_kiwi()
        load_seconds = time.monotonic() - load_started
        started = time.monotonic()
        try:
            if options["products"]:
                backend.index_products(options["products"])
                count = len(set(options["products"]))
                verb = "다시 색인"
            else:
                count = backend.rebuild(progress=on_progress)
                verb = "색인"
        finally:
            if bar is not None:
                bar.close()
        seconds = time.monotonic() - started
        rate = count / seconds if seconds > 0 else float("inf")
        self.stdout.write(
            self.style.SUCCESS(
                f"상품 {count:,}개 {verb} 완료: {seconds:.1f}초, 초당 {rate:,.0f}개 "
                f"(형태소 분석기 준비 {load_seconds:.1f}초)"
            )
        )
