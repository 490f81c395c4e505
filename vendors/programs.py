"""The centre's programs and participation: services (writes) and selectors (reads).

Participation moves ``applied → selected → active → completed``; it can be ``dropped`` from
any of the first three. Grants are integer KRW; the grants of a cycle may not exceed its
budget. Every write takes the acting staff user and leaves an entry in the admin history
(``LogEntry``), so "who changed what, when" shows on the participation's admin page.

The registry overview (counts by type, district, certification validity and program) is
here too: each figure is one aggregate query, whatever the size of the registry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.errors import DomainError
from core.money import format_krw
from vendors.districts import DISTRICTS
from vendors.models import (
    Certification,
    Organization,
    OrgType,
    Participation,
    ParticipationStatus,
    Program,
    ProgramCycle,
)

SEOUL = ZoneInfo("Asia/Seoul")

S = ParticipationStatus
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.APPLIED: frozenset({S.SELECTED, S.DROPPED}),
    S.SELECTED: frozenset({S.ACTIVE, S.DROPPED}),
    S.ACTIVE: frozenset({S.COMPLETED, S.DROPPED}),
    S.COMPLETED: frozenset(),
    S.DROPPED: frozenset(),
}
# Statuses shown to the public: the centre publishes who was selected, not who applied.
PUBLIC_STATUSES = (S.SELECTED, S.ACTIVE, S.COMPLETED)


def seoul_today() -> date:
    """Today's date in Seoul, whatever the server's or the request's time zone."""
    return timezone.localdate(timezone=SEOUL)


def _status_label(value: str) -> str:
    return str(S(value).label) if value in S.values else value


# --- services --------------------------------------------------------------------------


def participation_check_transition(*, current: str, new: str) -> None:
    if new not in S.values:
        raise DomainError("INVALID_STATUS", f"알 수 없는 참여 상태입니다: '{new}'.", "status")
    if new == current:
        return
    if new not in ALLOWED_TRANSITIONS.get(current, frozenset()):
        allowed = ALLOWED_TRANSITIONS.get(current, frozenset())
        hint = (
            "가능한 상태: " + ", ".join(_status_label(s) for s in S.values if s in allowed)
            if allowed
            else "더 이상 상태를 바꿀 수 없습니다"
        )
        raise DomainError(
            "INVALID_STATUS",
            f"'{_status_label(current)}' 상태에서 '{_status_label(new)}'(으)로 바꿀 수 없습니다 "
            f"({hint}).",
            "status",
        )


def participation_check_amount(
    *, cycle: ProgramCycle, amount_granted: int, exclude_pk: int | None = None
) -> None:
    """``amount_granted`` must be ≥ 0 and fit in what is left of the cycle's budget."""
    if amount_granted is None or int(amount_granted) < 0:
        raise DomainError("INVALID_AMOUNT", "지원 금액은 0원 이상이어야 합니다.", "amountGranted")
    if amount_granted == 0:
        return
    others = Participation.objects.filter(cycle_id=cycle.pk)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    granted = others.aggregate(total=Coalesce(Sum("amount_granted"), 0))["total"]
    remaining = cycle.budget - granted
    if amount_granted > remaining:
        raise DomainError(
            "BUDGET_EXCEEDED",
            f"지원 금액 {format_krw(amount_granted)}이(가) 남은 예산 "
            f"{format_krw(max(remaining, 0))}을(를) 넘습니다 "
            f"(예산 {format_krw(cycle.budget)}, 이미 지원 {format_krw(granted)}).",
            "amountGranted",
        )


def _log(actor, obj: Participation, flag: int, message: str) -> None:
    if actor is None or not getattr(actor, "pk", None):
        return
    LogEntry.objects.log_actions(
        user_id=actor.pk,
        queryset=[obj],
        action_flag=flag,
        change_message=message,
        single_object=True,
    )


def _lock_cycle(cycle_id: int) -> ProgramCycle:
    # Lock the cycle row so that two grants cannot both take the last of the budget.
    try:
        return ProgramCycle.objects.select_for_update().select_related("program").get(pk=cycle_id)
    except ProgramCycle.DoesNotExist:
        raise DomainError("NOT_FOUND", "사업 회차를 찾을 수 없습니다.", "cycleId")


@transaction.atomic
def participation_create(
    *,
    cycle: ProgramCycle,
    organization: Organization,
    actor,
    status: str = S.APPLIED,
    amount_granted: int = 0,
    notes: str = "",
) -> Participation:
    """Record that an organization (or a prospective group) applied to / joined a cycle.

    Any status may be recorded at creation (staff also enter past participations); changes
    after that go through ``participation_set_status``.
    """
    if status not in S.values:
        raise DomainError("INVALID_STATUS", f"알 수 없는 참여 상태입니다: '{status}'.", "status")
    cycle = _lock_cycle(cycle.pk)
    amount_granted = int(amount_granted or 0)
    participation_check_amount(cycle=cycle, amount_granted=amount_granted)
    if Participation.objects.filter(cycle=cycle, organization=organization).exists():
        raise DomainError(
            "DUPLICATE_PARTICIPATION",
            f"'{organization.name}'은(는) 이미 {cycle}에 참여 기록이 있습니다.",
            "organizationId",
        )
    participation = Participation.objects.create(
        cycle=cycle,
        organization=organization,
        status=status,
        amount_granted=amount_granted,
        notes=notes or "",
    )
    _log(
        actor,
        participation,
        ADDITION,
        f"참여 등록: {_status_label(status)}, 지원 금액 {format_krw(amount_granted)}",
    )
    return participation


@transaction.atomic
def participation_set_status(
    *,
    participation: Participation,
    status: str,
    actor,
    amount_granted: int | None = None,
) -> Participation:
    """Move a participation along ``applied → selected → active → completed`` (or ``dropped``).

    ``amount_granted`` (optional) changes the grant at the same time; it is checked against
    what is left of the cycle's budget.
    """
    try:
        current = (
            Participation.objects.select_for_update()
            .select_related("organization")
            .get(pk=participation.pk)
        )
    except Participation.DoesNotExist:
        raise DomainError("NOT_FOUND", "참여 기록을 찾을 수 없습니다.", "id")
    participation_check_transition(current=current.status, new=status)
    current.cycle = _lock_cycle(current.cycle_id)
    changes = []
    if status != current.status:
        changes.append(f"상태 {_status_label(current.status)} → {_status_label(status)}")
    if amount_granted is not None:
        amount_granted = int(amount_granted)
        participation_check_amount(
            cycle=current.cycle, amount_granted=amount_granted, exclude_pk=current.pk
        )
        if amount_granted != current.amount_granted:
            changes.append(
                f"지원 금액 {format_krw(current.amount_granted)} → {format_krw(amount_granted)}"
            )
            current.amount_granted = amount_granted
    current.status = status
    current.save(update_fields=["status", "amount_granted", "updated_at"])
    # Keep the caller's instance in step with the database.
    participation.status = current.status
    participation.amount_granted = current.amount_granted
    participation.updated_at = current.updated_at
    if changes:
        _log(actor, current, CHANGE, "; ".join(changes))
    return current


# --- selectors -------------------------------------------------------------------------


def program_list(*, kind: str | None = None, active_only: bool = False) -> QuerySet[Program]:
    qs = Program.objects.annotate(cycle_count=Count("cycles"))
    if kind:
        qs = qs.filter(kind=kind)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("id")


def cycle_list(*, program: str | None = None, year: int | None = None) -> QuerySet[ProgramCycle]:
    """Cycles with their program, granted total and number of participants (one query)."""
    qs = ProgramCycle.objects.select_related("program").annotate(
        granted_total=Coalesce(Sum("participations__amount_granted"), 0),
        participant_count=Count("participations"),
    )
    if program:
        qs = qs.filter(program__code=program)
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "program_id", "application_opens", "cohort", "id")


def participation_list(
    *,
    program: str | None = None,
    year: int | None = None,
    status: str | list[str] | None = None,
    organization: Organization | int | None = None,
    public_only: bool = False,
) -> QuerySet[Participation]:
    """Participations with their cycle, program and organization (one query)."""
    qs = Participation.objects.select_related("cycle__program", "organization")
    if program:
        qs = qs.filter(cycle__program__code=program)
    if year:
        qs = qs.filter(cycle__year=year)
    if status:
        qs = qs.filter(status__in=[status] if isinstance(status, str) else list(status))
    if organization is not None:
        qs = qs.filter(organization=organization)
    if public_only:
        qs = qs.filter(status__in=PUBLIC_STATUSES)
    return qs.order_by("-cycle__year", "cycle__program_id", "cycle__cohort", "id")


# --- certification validity at a date (registry) ---------------------------------------


class CertStatus:
    """How an organization's certifications stand on a day (exclusive, in this order)."""

    VALID = "valid"  # a verified certification valid that day
    UNVERIFIED = "unverified"  # valid that day, but the centre has not checked the document
    REVOKED = "revoked"  # none valid; one was revoked
    EXPIRED = "expired"  # none valid; one has ended
    NOT_YET = "not_yet"  # none valid; one starts later
    NONE = "none"  # no certification at all

    choices = [
        (VALID, "유효"),
        (UNVERIFIED, "미확인"),
        (EXPIRED, "만료"),
        (REVOKED, "취소"),
        (NOT_YET, "시작 전"),
        (NONE, "인증 없음"),
    ]
    labels = dict(choices)


def _valid_on_q(on: date) -> Q:
    return (
        Q(valid_from__lte=on)
        & (Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        & (Q(revoked_on__isnull=True) | Q(revoked_on__gt=on))
    )


def cert_status_expression(on: date) -> Case:
    """A SQL expression giving each organization's ``CertStatus`` on ``on`` (no extra query)."""
    certs = Certification.objects.filter(organization=OuterRef("pk"))
    valid = certs.filter(_valid_on_q(on))
    return Case(
        When(Exists(valid.filter(verified_at__isnull=False)), then=Value(CertStatus.VALID)),
        When(Exists(valid), then=Value(CertStatus.UNVERIFIED)),
        When(Exists(certs.filter(revoked_on__lte=on)), then=Value(CertStatus.REVOKED)),
        When(Exists(certs.filter(valid_until__lt=on)), then=Value(CertStatus.EXPIRED)),
        When(Exists(certs), then=Value(CertStatus.NOT_YET)),
        default=Value(CertStatus.NONE),
        output_field=CharField(),
    )


# --- registry overview ----------------------------------------------------------------


@dataclass
class Bucket:
    key: str
    label: str
    count: int


@dataclass
class RegistryOverview:
    on: date
    total: int
    by_type: list[Bucket]
    by_district: list[Bucket]  # the 25 districts, in code order
    outside_seoul: int  # no district, province outside Seoul
    district_unknown: int  # no district, province Seoul or blank
    by_validity: list[Bucket]
    by_program: list[Bucket] = field(default_factory=list)
    participations_by_program: dict[str, int] = field(default_factory=dict)

    @property
    def valid_count(self) -> int:
        return next((b.count for b in self.by_validity if b.key == CertStatus.VALID), 0)

    @property
    def not_valid_count(self) -> int:
        return self.total - self.valid_count


def registry_overview(*, on: date | None = None) -> RegistryOverview:
    """Counts of the registry for the staff overview: four aggregate queries in all."""
    on = on or seoul_today()
    orgs = Organization.objects.order_by()

    # 1. By type.
    type_counts = dict(orgs.values_list("org_type").annotate(n=Count("id")))
    by_type = [Bucket(k, str(label), type_counts.get(k, 0)) for k, label in OrgType.choices]

    # 2. By district; organizations without a district split into outside Seoul / unknown.
    outside = ~Q(province="") & ~Q(province__startswith="서울")
    district_rows = orgs.values("district").annotate(
        n=Count("id"), outside=Count("id", filter=outside)
    )
    district_counts, outside_seoul, unknown = {}, 0, 0
    for row in district_rows:
        if row["district"]:
            district_counts[row["district"]] = row["n"]
        else:
            outside_seoul += row["outside"]
            unknown += row["n"] - row["outside"]
    by_district = [Bucket(c, n, district_counts.get(c, 0)) for c, n in DISTRICTS.items()]

    # 3. By certification validity on the day.
    validity_counts = dict(
        orgs.annotate(cert_status=cert_status_expression(on))
        .values_list("cert_status")
        .annotate(n=Count("id"))
    )
    by_validity = [Bucket(k, label, validity_counts.get(k, 0)) for k, label in CertStatus.choices]

    # 4. By program: organizations that took part (any status) and participation records.
    program_rows = (
        Program.objects.order_by("id")
        .annotate(
            orgs=Count("cycles__participations__organization", distinct=True),
            records=Count("cycles__participations"),
        )
        .values_list("code", "name", "orgs", "records")
    )
    by_program, records = [], {}
    for code, name, n_orgs, n_records in program_rows:
        by_program.append(Bucket(code, name, n_orgs))
        records[code] = n_records

    total = sum(b.count for b in by_type)
    return RegistryOverview(
        on=on,
        total=total,
        by_type=by_type,
        by_district=by_district,
        outside_seoul=outside_seoul,
        district_unknown=unknown,
        by_validity=by_validity,
        by_program=by_program,
        participations_by_program=records,
    )
