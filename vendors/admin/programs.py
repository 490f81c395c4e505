"""Admin: the centre's programs, their cycles and participation.

Status changes made here follow the same rules as the API (``vendors.programs``): the
allowed transitions and the cycle budget are checked in the forms and in the actions.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.money import format_krw
from vendors import programs as program_services
from vendors.models import Participation, ParticipationStatus, Program, ProgramCycle


def _digits_search(model_admin, request, queryset, search_term, brn_field: str):
    """The default search, plus the 사업자등록번호 typed with or without dashes."""
    results, may_have_duplicates = admin.ModelAdmin.get_search_results(
        model_admin, request, queryset, search_term
    )
    digits = search_term.replace("-", "").replace(" ", "")
    if digits.isdigit() and len(digits) >= 3:
        results = results | queryset.filter(**{f"{brn_field}__contains": digits})
    return results, may_have_duplicates


class ProgramCodeFilter(admin.SimpleListFilter):
    title = _("사업")
    parameter_name = "program"
    field_path = "cycle__program__code"

    def lookups(self, request, model_admin):
        return list(Program.objects.order_by("id").values_list("code", "name"))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.field_path: self.value()})
        return queryset


# --- Participation -----------------------------------------------------------------------


class ParticipationForm(forms.ModelForm):
    """Checks status transitions and the cycle budget with the service rules."""

    # Rows of an inline are checked together against the budget by the formset instead.
    check_budget_per_row = True

    class Meta:
        model = Participation
        fields = ("cycle", "organization", "status", "amount_granted", "notes")

    def clean(self):
        data = super().clean()
        status = data.get("status")
        amount = data.get("amount_granted")
        try:
            if self.instance.pk and status:
                original = Participation.objects.only("status").get(pk=self.instance.pk)
                program_services.participation_check_transition(current=original.status, new=status)
            cycle = data.get("cycle") or getattr(self.instance, "cycle", None)
            if self.check_budget_per_row and cycle is not None and amount is not None:
                program_services.participation_check_amount(
                    cycle=cycle, amount_granted=amount, exclude_pk=self.instance.pk
                )
        except DomainError as exc:
            field = {"status": "status", "amountGranted": "amount_granted"}.get(exc.field or "")
            self.add_error(field if field in self.fields else None, str(exc.message))
        return data


class ParticipationInlineFormSet(forms.BaseInlineFormSet):
    """The grants of every row of one cycle, taken together, must fit its budget."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            f
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.instance is not None
        ]
        pks = [f.instance.pk for f in kept if f.instance.pk]
        total = sum(int(f.cleaned_data.get("amount_granted") or 0) for f in kept)
        others = (
            Participation.objects.filter(cycle_id=self.instance.pk)
            .exclude(pk__in=pks)
            .aggregate(t=Coalesce(Sum("amount_granted"), 0))["t"]
            if self.instance.pk
            else 0
        )
        budget = self.instance.budget or 0
        if total + others > budget:
            raise forms.ValidationError(
                f"지원 금액 합계 {format_krw(total + others)}이(가) 회차 예산 "
                f"{format_krw(budget)}을(를) 넘습니다."
            )


class ParticipationInlineForm(ParticipationForm):
    check_budget_per_row = False

    def clean(self):
        data = super().clean()
        amount = data.get("amount_granted")
        if amount is not None and amount < 0:
            self.add_error("amount_granted", "지원 금액은 0원 이상이어야 합니다.")
        return data


class ParticipationInline(admin.TabularInline):
    model = Participation
    form = ParticipationInlineForm
    formset = ParticipationInlineFormSet
    fields = ("organization", "status", "amount_granted", "notes")
    autocomplete_fields = ("organization",)
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization")


def _status_action(status: str, label: str):
    def action(modeladmin, request, queryset):
        done, failed = 0, []
        for participation in queryset.select_related("organization"):
            try:
                program_services.participation_set_status(
                    participation=participation, status=status, actor=request.user
                )
                done += 1
            except DomainError as exc:
                failed.append(f"{participation.organization.name}: {exc.message}")
        if done:
            modeladmin.message_user(request, f"{done}건을 '{label}'(으)로 바꿨습니다.")
        for line in failed:
            modeladmin.message_user(request, line, level=messages.ERROR)

    action.__name__ = f"mark_{status}"
    return admin.action(description=f"선택한 참여를 '{label}'(으)로 변경")(action)


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    form = ParticipationForm
    list_display = (
        "organization",
        "brn_col",
        "program_col",
        "year_col",
        "cohort_col",
        "status",
        "amount_col",
        "updated_at",
    )
    list_filter = (ProgramCodeFilter, "cycle__year", "status")
    list_select_related = ("organization", "cycle__program")
    search_fields = ("organization__name", "organization__brn", "organization__representative")
    autocomplete_fields = ("organization", "cycle")
    readonly_fields = ("created_at", "updated_at")
    list_per_page = 50
    actions = [
        _status_action(ParticipationStatus.SELECTED, "선정"),
        _status_action(ParticipationStatus.ACTIVE, "참여 중"),
        _status_action(ParticipationStatus.COMPLETED, "완료"),
        _status_action(ParticipationStatus.DROPPED, "중도 포기"),
    ]

    def get_search_results(self, request, queryset, search_term):
        return _digits_search(self, request, queryset, search_term, "organization__brn")

    @admin.display(description=_("사업자등록번호"), ordering="organization__brn")
    def brn_col(self, obj):
        return obj.organization.brn_display or "—"

    @admin.display(description=_("사업"), ordering="cycle__program_id")
    def program_col(self, obj):
        return obj.cycle.program.name

    @admin.display(description=_("연도"), ordering="cycle__year")
    def year_col(self, obj):
        return obj.cycle.year

    @admin.display(description=_("기수"), ordering="cycle__cohort")
    def cohort_col(self, obj):
        return obj.cycle.cohort or "—"

    @admin.display(description=_("지원 금액"), ordering="amount_granted")
    def amount_col(self, obj):
        return format_krw(obj.amount_granted)


# --- ProgramCycle ------------------------------------------------------------------------


@admin.register(ProgramCycle)
class ProgramCycleAdmin(admin.ModelAdmin):
    list_display = (
        "program",
        "year",
        "cohort",
        "window",
        "budget_col",
        "granted_col",
        "remaining_col",
        "participant_count_col",
    )
    list_filter = ("program", "year")
    list_select_related = ("program",)
    search_fields = ("program__name", "program__code", "cohort", "year")
    inlines = [ParticipationInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("program")
            .annotate(
                granted_total=Coalesce(Sum("participations__amount_granted"), 0),
                participant_count=Count("participations"),
            )
        )

    @admin.display(description=_("접수 기간"), ordering="application_opens")
    def window(self, obj):
        if not (obj.application_opens or obj.application_closes):
            return "—"
        opens = f"{obj.application_opens:%Y-%m-%d}" if obj.application_opens else ""
        closes = f"{obj.application_closes:%Y-%m-%d}" if obj.application_closes else ""
        return f"{opens} ~ {closes}"

    @admin.display(description=_("예산"), ordering="budget")
    def budget_col(self, obj):
        return format_krw(obj.budget)

    @admin.display(description=_("지원 합계"), ordering="granted_total")
    def granted_col(self, obj):
        return format_krw(obj.granted_total)

    @admin.display(description=_("잔액"))
    def remaining_col(self, obj):
        return format_krw(obj.budget - obj.granted_total)

    @admin.display(description=_("참여 수"), ordering="participant_count")
    def participant_count_col(self, obj):
        return obj.participant_count


# --- Program -----------------------------------------------------------------------------


class ProgramCycleInline(admin.TabularInline):
    model = ProgramCycle
    fields = ("year", "cohort", "application_opens", "application_closes", "budget")
    extra = 0
    show_change_link = True


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "is_active", "cycle_count_col")
    list_display_links = ("code", "name")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "description")
    inlines = [ProgramCycleInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(cycle_count=Count("cycles"))

    @admin.display(description=_("회차 수"), ordering="cycle_count")
    def cycle_count_col(self, obj):
        return obj.cycle_count
