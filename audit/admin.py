"""Admin: the audit log, read-only for everyone (superusers included).

List: time, actor, action, object (a link to its admin page when it has one) and a short
summary of the change; filters by action, actor kind, object type and date; search by object
id or name, the actor's e-mail and the request id. Each row's object links to its whole
history (the list filtered by that object). The list runs a fixed number of queries whatever
its length (``list_select_related``).
"""

from __future__ import annotations

import json

from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent

SUMMARY_LENGTH = 120


def summarize(changes) -> str:
    """``status: unfulfilled → shipped; carrier: → CJ`` (or the payload, shortened)."""
    if not changes:
        return ""
    parts = []
    if isinstance(changes, dict):
        for field, value in changes.items():
            if isinstance(value, list) and len(value) == 2 and not isinstance(value[0], dict):
                old, new = ("" if v is None else v for v in value)
                parts.append(f"{field}: {old} → {new}")
            else:
                parts.append(f"{field}: {json.dumps(value, ensure_ascii=False)}")
        text = "; ".join(parts)
    else:
        text = json.dumps(changes, ensure_ascii=False)
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1] + "…"


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = (
        "occurred_at",
        "actor_display",
        "actor_kind",
        "action",
        "object_display",
        "summary",
    )
    list_filter = ("action", "actor_kind", "object_type")
    date_hierarchy = "occurred_at"
    search_fields = ("=object_id", "object_repr", "actor_label", "=request_id", "action")
    list_select_related = ("object_type",)
    list_per_page = 50
    show_full_result_count = False
    actions = None
    ordering = ("-occurred_at", "-id")
    fields = (
        "occurred_at",
        "action",
        "actor_kind",
        "actor",
        "actor_label",
        "object_type",
        "object_id",
        "object_repr",
        "changes_pretty",
        "reason",
        "request_id",
        "ip",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("object_type", "actor")

    @admin.display(description=_("행위자"), ordering="actor_label")
    def actor_display(self, event: AuditEvent) -> str:
        return event.actor_label or event.get_actor_kind_display()

    @admin.display(description=_("대상"))
    def object_display(self, event: AuditEvent):
        if event.object_type_id is None:
            return ""
        ct = event.object_type
        history = (
            reverse("admin:audit_auditevent_changelist")
            + "?"
            + urlencode({"object_type__id__exact": ct.pk, "object_id": event.object_id})
        )
        label = event.object_repr or f"{ct.model} #{event.object_id}"
        try:
            page = reverse(f"admin:{ct.app_label}_{ct.model}_change", args=[event.object_id])
        except NoReverseMatch:
            page = None
        if page:
            return format_html(
                '<a href="{}">{}</a> <small>({}, <a href="{}">{}</a>)</small>',
                page,
                label,
                ct.name,
                history,
                _("기록"),
            )
        return format_html(
            '{} <small>({}, <a href="{}">{}</a>)</small>', label, ct.name, history, _("기록")
        )

    @admin.display(description=_("변경 내용"))
    def summary(self, event: AuditEvent) -> str:
        return summarize(event.changes)

    @admin.display(description=_("변경 내용"))
    def changes_pretty(self, event: AuditEvent):
        return format_html("<pre>{}</pre>", json.dumps(event.changes, ensure_ascii=False, indent=2))
