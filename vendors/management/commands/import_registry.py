"""``python manage.py import_registry FILE``: upsert the registry from a CSV/XLSX file.

Rejected rows do not make the command fail (exit code 0; they are listed in the
summary); an unreadable file or missing required columns do (``CommandError``).
"""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand, CommandError

from vendors.registry_import import ImportFileError, registry_import


class Command(BaseCommand):
    help = (
        "사회적경제 조직 등록부 파일(CSV/XLSX)을 가져옵니다: 사업자등록번호로 생성·수정하고, "
        "거부된 행과 이유를 요약합니다. / Import a registry file (upsert by BRN)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV 또는 XLSX 파일 경로")
        parser.add_argument(
            "--format",
            dest="file_format",
            choices=["csv", "xlsx"],
            help="파일 형식 (기본: 확장자/내용으로 판단)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="검사만 하고 저장하지 않음 (모든 변경을 되돌림)",
        )
        parser.add_argument(
            "--type",
            dest="default_org_type",
            help="유형 열이 없거나 비었을 때 쓸 조직 유형 (예: social_enterprise, 사회적기업)",
        )
        parser.add_argument("--json", action="store_true", help="요약을 JSON으로 출력")
        parser.add_argument("--no-progress", action="store_true", help="진행 막대를 표시하지 않음")

    def handle(self, *args, **options):
        show_progress = not options["no_progress"] and self.stdout.isatty()
        bar = None

        def on_progress(done: int, total: int) -> None:
            nonlocal bar
            if bar is None:
                from tqdm import tqdm

                # The bar goes to stderr so that stdout keeps a clean summary.
                bar = tqdm(total=total, unit="행", desc="가져오는 중", file=self.stderr._out)
            bar.update(done - bar.n)

        started = time.monotonic()
        try:
            summary = registry_import(
                source=options["file"],
                file_format=options["file_format"],
                dry_run=options["dry_run"],
                default_org_type=options["default_org_type"],
                on_progress=on_progress if show_progress else None,
            )
        except ImportFileError as exc:
            raise CommandError(f"{exc.code}: {exc.message}")
        finally:
            if bar is not None:
                bar.close()
        elapsed = time.monotonic() - started

        if options["json"]:
            self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(summary.as_text())
        style = self.style.WARNING if summary.rejected else self.style.SUCCESS
        self.stdout.write(style(f"{summary.total}행 처리, {elapsed:.2f}초 / {elapsed:.2f} s"))
