"""Admin: registry imports. Staff upload a CSV/XLSX file; a Celery task imports it.

The add form has only the file (its header is checked at once, so a file without the
required columns is refused before anything is queued); saving queues
``registry_import_run`` after commit. The list shows status, progress and counts; the
change page is read-only and shows the summary with every rejected row and its reason.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.media import private_url
from core.uploads import SPREADSHEET_KINDS, UploadValidator, random_name
from vendors.models import ImportStatus, RegistryImport
from vendors.registry_import import FIELD_LABELS, ImportFileError, registry_read
from vendors.tasks.imports import registry_import_run

STATUS_COLORS = {
    ImportStatus.PENDING: ("#f1f1f1", "#555"),
    ImportStatus.RUNNING: ("#e8f0fe", "#1a4d99"),
    ImportStatus.DONE: ("#e6f4ea", "#1e6b34"),
    ImportStatus.FAILED: ("#fde8e8", "#a11d1d"),
}


class RegistryImportAddForm(forms.ModelForm):
    file = forms.FileField(
        label=_("파일"),
        # Extension, size and real content (core.uploads); stored under a random name.
        validators=[UploadValidator(SPREADSHEET_KINDS, "등록부")],
        help_text=_(
            "CSV(UTF-8 또는 CP949) 또는 XLSX. 첫 행은 열 이름: 기업명, 사업자등록번호, 기업유형, "
            "인증번호, 인증일, 대표자명, 전화번호, 주소, 홈페이지 (영문 열 이름도 가능)."
        ),
    )

    class Meta:
        model = RegistryImport
        fields = ["file"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            registry_read(source=upload)
        except ImportFileError as exc:
            raise forms.ValidationError(exc.message, code=exc.code)
        finally:
            upload.seek(0)
        upload.name = random_name(upload.name)
        return upload


@admin.register(RegistryImport)
class RegistryImportAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "status_badge",
        "progress",
        "count_created",
        "count_updated",
        "count_unchanged",
        "count_rejected",
        "created_by",
        "created_at",
        "finished_at",
    )
    list_filter = ("status",)
    date_hierarchy = "created_at"
    readonly_fields = (
        "file_link",
        "status_badge",
        "progress",
        "count_created",
        "count_updated",
        "count_unchanged",
        "count_rejected",
        "error",
        "created_by",
        "created_at",
        "finished_at",
        "summary_table",
    )
    fieldsets = (
        (None, {"fields": ("file_link", "status_badge", "progress", "error")}),
        (
            _("결과"),
            {
                "fields": (
                    ("count_created", "count_updated", "count_unchanged", "count_rejected"),
                    "summary_table",
                )
            },
        ),
        (_("기록"), {"fields": ("created_by", "created_at", "finished_at")}),
    )

    # --- add: just the file; change: read-only ---------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = RegistryImportAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return ((None, {"fields": ("file",)}),)
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        # An import is a record: its page is view-only (no save buttons).
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            pk = obj.pk
            transaction.on_commit(lambda: registry_import_run.delay(pk))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")

    # --- columns ------------------------------------------------------------------------

    @admin.display(description=_("파일"))
    def file_link(self, obj):
        """The uploaded file, through the staff-only view (never a public media URL)."""
        if not obj.file:
            return "-"
        return format_html('<a href="{}">{}</a>', private_url(obj.file.name), obj.file.name)

    @admin.display(description=_("상태"), ordering="status")
    def status_badge(self, obj):
        bg, fg = STATUS_COLORS.get(obj.status, ("#f1f1f1", "#555"))
        return format_html(
            '<span style="background:{};color:{};padding:2px 8px;border-radius:10px;'
            'font-size:11px;white-space:nowrap">{}</span>',
            bg,
            fg,
            obj.get_status_display(),
        )

    @admin.display(description=_("진행"))
    def progress(self, obj):
        if not obj.total_rows:
            return "-"
        percent = obj.processed_rows * 100 // obj.total_rows
        return f"{obj.processed_rows:,} / {obj.total_rows:,} ({percent}%)"

    def _count(self, obj, key: str):
        if not obj.summary:
            return "-"
        return f"{obj.summary.get(key, 0):,}"

    @admin.display(description=_("생성"))
    def count_created(self, obj):
        return self._count(obj, "created")

    @admin.display(description=_("수정"))
    def count_updated(self, obj):
        return self._count(obj, "updated")

    @admin.display(description=_("변경 없음"))
    def count_unchanged(self, obj):
        return self._count(obj, "unchanged")

    @admin.display(description=_("거부"))
    def count_rejected(self, obj):
        return self._count(obj, "rejected")

    @admin.display(description=_("거부된 행"))
    def summary_table(self, obj):
        summary = obj.summary or {}
        if not summary:
            return _("아직 결과가 없습니다.")
        columns = summary.get("columns") or {}
        mapped = format_html_join(
            ", ", "{} → {}", ((h, FIELD_LABELS.get(f, f)) for h, f in columns.items())
        )
        ignored = ", ".join(summary.get("ignored_columns") or []) or "-"
        head = format_html(
            '<p>전체 {}행 · 생성 {} · 수정 {} · 변경 없음 {} · 거부 {}</p><p style="color:#666">'
            "인식한 열: {}<br>무시한 열: {}</p>",
            summary.get("total", 0),
            summary.get("created", 0),
            summary.get("updated", 0),
            summary.get("unchanged", 0),
            summary.get("rejected", 0),
            mapped,
            ignored,
        )
        rows = summary.get("rejected_rows") or []
        if not rows:
            return format_html("{}<p>거부된 행이 없습니다.</p>", head)
        body = format_html_join(
            "\n",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
            (
                (
                    r.get("row"),
                    r.get("brn") or "-",
                    r.get("name") or "-",
                    ", ".join(r.get("codes") or []),
                    r.get("reason", ""),
                )
                for r in rows
            ),
        )
        return format_html(
            '{}<table class="nuri-import-rejected"><thead><tr><th>행</th><th>사업자등록번호</th>'
            "<th>기업명</th><th>오류 코드</th><th>사유</th></tr></thead><tbody>{}</tbody></table>",
            head,
            body,
        )
