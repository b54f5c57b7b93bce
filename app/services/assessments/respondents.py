"""Several respondents per assessment: invitations, assignments, own ratings, consolidation.

The director (or the PMO) invites people of the business line and assigns them process areas
or single practices. Each respondent rates their assignments on their own, in
``respondent_ratings``; nobody else sees those ratings until the director opens
consolidation. The director then sets the consensus of each practice in the assessment's
``practice_ratings`` (a reason is required where it differs from the proposed consensus), so
scores, levels and gaps keep being computed from ``practice_ratings`` alone; the PMO may
change the consensus the same way while reviewing. An assessment without respondents is
filled by its director as before.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.services.assessments import workflow
from app.services.audit import record_change
from app.services.errors import ServiceError, StaleEdit
from app.services.org import save_user
from app.services.visibility import MANAGERS, leads
from assessments.consensus import PracticeConsensus, is_disagreement, propose_consensus, spread
from assessments.maturity_model.model import Practice, ProcessArea
from assessments.progress import Progress
from assessments.scoring import Rating
from models import (
    Assessment,
    AssessmentStatus,
    Cycle,
    CycleStatus,
    Finding,
    FindingSource,
    PracticeRating,
    Respondent,
    RespondentRating,
    Role,
    User,
)
from models.base import utcnow

#: The prefix of a finding made from a disagreement (认识不一致: the team sees it differently).
DISAGREEMENT_FINDING = "认识不一致"


# ------------------------------------------------------------------------------ rules


def can_manage_respondents(user: User, assessment: Assessment) -> bool:
    """The director of the line or the PMO, while the assessment can still change."""
    return (
        (
            user.role in MANAGERS
            or (user.role is Role.DIRECTOR and leads(user, assessment.business_line_id))
        )
        and assessment.cycle.status is CycleStatus.OPEN
        and not assessment.frozen
    )


def can_consolidate(user: User, assessment: Assessment) -> bool:
    """May ``user`` set the consensus now: the director while the assessment is a draft or
    returned, the PMO while it is in review."""
    if assessment.cycle.status is not CycleStatus.OPEN:
        return False
    if user.role is Role.DIRECTOR and leads(user, assessment.business_line_id):
        return assessment.status in (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)
    return user.role in MANAGERS and assessment.status is AssessmentStatus.SUBMITTED


def can_read_consolidation(user: User, assessment: Assessment) -> bool:
    """The director of the line and the PMO; respondents never see each other's ratings."""
    return user.role in MANAGERS or (
        user.role is Role.DIRECTOR and leads(user, assessment.business_line_id)
    )


# ------------------------------------------------------------------------------ reading


def respondents_of(
    assessment: Assessment, practice_ids: Collection[str] | None = None
) -> list[Respondent]:
    """The respondents with their accounts and ratings, in two queries whatever their number;
    with ``practice_ids``, only the ratings of those practices are loaded (a page of one
    area need not read every rating of the assessment)."""
    ratings = Respondent.ratings
    stmt = (
        select(Respondent).where(Respondent.assessment_id == assessment.id).order_by(Respondent.id)
    )
    if practice_ids is None:
        stmt = stmt.options(joinedload(Respondent.user), selectinload(ratings))
    else:
        wanted = ratings.and_(RespondentRating.practice_id.in_(list(practice_ids)))
        stmt = stmt.options(joinedload(Respondent.user), selectinload(wanted))
        stmt = stmt.execution_options(populate_existing=True)
    return list(db.session.scalars(stmt).unique())


def assigned_practices(
    areas: Sequence[ProcessArea], assignments: Iterable[str]
) -> dict[str, list[Practice]]:
    """Area code → the practices of ``assignments`` (whole areas or single practices), in
    model order; areas with none are left out."""
    wanted = set(assignments)
    result: dict[str, list[Practice]] = {}
    for area in areas:
        practices = [p for _goal, p in area.practices() if area.code in wanted or p.id in wanted]
        if practices:
            result[area.code] = practices
    return result


def progress_of(respondent: Respondent, areas: Sequence[ProcessArea]) -> Progress:
    assigned = {
        p.id for ps in assigned_practices(areas, respondent.assignments).values() for p in ps
    }
    rated = sum(1 for r in respondent.ratings if r.rating and r.practice_id in assigned)
    return Progress(rated=rated, total=len(assigned))


def get_own_respondent_or_404(user: User, assessment_id: int) -> Respondent:
    """``user``'s invitation to the assessment; 404 when there is none (or the respondent
    no longer belongs to the assessment's business line)."""
    respondent = db.session.scalar(
        select(Respondent)
        .where(Respondent.assessment_id == assessment_id, Respondent.user_id == user.id)
        .options(
            selectinload(Respondent.ratings),
            joinedload(Respondent.assessment).joinedload(Assessment.cycle).joinedload(Cycle.model),
            joinedload(Respondent.assessment).joinedload(Assessment.business_line),
        )
    )
    if respondent is None:
        abort(404)
    line = respondent.assessment.business_line_id
    if user.role is Role.RESPONDENT and user.business_line_id != line:
        abort(404)
    if user.role is Role.DIRECTOR and not leads(user, line):
        abort(404)
    return respondent


@dataclass(frozen=True)
class Assignment:
    respondent: Respondent
    progress: Progress


def assignments_of(user: User) -> list[Assignment]:
    """What ``user`` is asked to rate in open cycles: the "assigned to me" list."""
    rows = db.session.scalars(
        select(Respondent)
        .join(Assessment, Assessment.id == Respondent.assessment_id)
        .join(Cycle, Cycle.id == Assessment.cycle_id)
        .where(Respondent.user_id == user.id, Cycle.status == CycleStatus.OPEN)
        .options(
            selectinload(Respondent.ratings),
            joinedload(Respondent.assessment).joinedload(Assessment.cycle).joinedload(Cycle.model),
            joinedload(Respondent.assessment).joinedload(Assessment.business_line),
        )
        .order_by(Respondent.due, Respondent.id)
    ).unique()
    mine = [
        r
        for r in rows
        if user.role is not Role.RESPONDENT
        or r.assessment.business_line_id == user.business_line_id
    ]
    return [Assignment(r, progress_of(r, workflow.areas_in_scope(r.assessment))) for r in mine]


def respondent_summaries(assessment: Assessment) -> list[dict[str, Any]]:
    """``[{"id", "name", "completed"}]`` for the API: every respondent, and the director when
    they rate an assessment that has no respondents (completed when it is complete)."""
    areas = workflow.areas_in_scope(assessment)
    respondents = respondents_of(assessment)
    if respondents:
        return [
            {
                "id": r.user_id,
                "name": r.user.display_name,
                "completed": progress_of(r, areas).done,
            }
            for r in respondents
        ]
    raters = db.session.scalars(
        select(User)
        .join(PracticeRating, PracticeRating.updated_by_id == User.id)
        .where(PracticeRating.assessment_id == assessment.id, User.role == Role.DIRECTOR)
        .distinct()
        .order_by(User.id)
    )
    return [{"id": u.id, "name": u.display_name, "completed": assessment.complete} for u in raters]


# ------------------------------------------------------------------------------ inviting


def _check_assignments(assessment: Assessment, assignments: Iterable[str]) -> list[str]:
    areas = workflow.areas_in_scope(assessment)
    known = {a.code for a in areas} | {p.id for a in areas for _goal, p in a.practices()}
    cleaned = sorted({item.strip() for item in assignments if item.strip()})
    unknown = [item for item in cleaned if item not in known]
    if unknown:
        raise ServiceError(
            _("Unknown process areas or practices: %(items)s", items=", ".join(unknown)),
            "assignments",
        )
    if not cleaned:
        raise ServiceError(_("Assign at least one process area or practice."), "assignments")
    return cleaned


def _invitee(
    actor: User,
    assessment: Assessment,
    user_id: int | None,
    email: str,
    display_name: str,
    password: str,
) -> User:
    line = assessment.business_line_id
    if user_id is None:
        return save_user(
            actor,
            None,
            email=email,
            display_name=display_name,
            role=Role.RESPONDENT,
            password=password,
            business_line_ids=[line],
        )
    user = db.session.get(User, user_id)
    belongs = user is not None and (
        (user.role is Role.RESPONDENT and user.business_line_id == line)
        or (user.role is Role.DIRECTOR and leads(user, line))
    )
    if user is None or not user.active or not belongs:
        raise ServiceError(_("Choose a person of this business line."), "user_id")
    return user


def invite(
    actor: User,
    assessment: Assessment,
    *,
    assignments: Iterable[str],
    due: date | None = None,
    user_id: int | None = None,
    email: str = "",
    display_name: str = "",
    password: str = "",
) -> Respondent:
    """Invite a person of the line (``user_id``) or a new respondent account (``email``,
    ``display_name``, ``password``) to rate ``assignments``: process-area codes or practice
    ids. Inviting someone again replaces their assignments and due date."""
    if not can_manage_respondents(actor, assessment):
        raise ServiceError(_("Respondents can be invited only while the assessment is open."))
    cleaned = _check_assignments(assessment, assignments)
    user = _invitee(actor, assessment, user_id, email, display_name, password)
    respondent = db.session.scalar(
        select(Respondent).where(
            Respondent.assessment_id == assessment.id, Respondent.user_id == user.id
        )
    )
    old: dict[str, Any] = {}
    if respondent is None:
        respondent = Respondent(
            assessment_id=assessment.id, user_id=user.id, invited_by_id=actor.id
        )
        db.session.add(respondent)
    else:
        old = {"assignments": respondent.assignments, "due": _iso(respondent.due)}
    respondent.assignments = cleaned
    respondent.due = due
    db.session.flush()
    record_change(
        actor,
        "invite",
        assessment,
        old={"respondent": user.email, **old} if old else {},
        new={"respondent": user.email, "assignments": cleaned, "due": _iso(due)},
        label=_label(assessment),
    )
    return respondent


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _label(assessment: Assessment) -> str:
    return f"{assessment.cycle.name} / {assessment.business_line.name}"


# --------------------------------------------------------------------------- own ratings


def own_states(respondent: Respondent) -> dict[str, dict[str, Any]]:
    return {
        r.practice_id: {
            "rating": r.rating,
            "evidence": r.evidence,
            "comment": r.comment,
            "na_reason": r.na_reason,
        }
        for r in respondent.ratings
    }


def save_own_ratings(
    actor: User, respondent: Respondent, items: Iterable[workflow.RatingInput]
) -> int:
    """A respondent's ratings of their assignments, all of a page (or a workbook) or none;
    the number of practices changed."""
    assessment = respondent.assessment
    workflow.ensure_editable(assessment)
    areas = workflow.areas_in_scope(assessment)
    assigned = {
        p.id for ps in assigned_practices(areas, respondent.assignments).values() for p in ps
    }
    items = list(items)
    for item in items:
        problem = workflow.input_problem(item, assigned)
        if problem is not None:
            raise ServiceError(problem, item.practice_id)
    saved = {r.practice_id: r for r in respondent.ratings}
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    now = utcnow()
    for item in items:
        row = saved.get(item.practice_id)
        after: dict[str, Any] = {
            "rating": item.rating or None,
            "evidence": (item.evidence or "").strip(),
            "comment": (item.comment or "").strip(),
            "na_reason": (item.na_reason or "").strip() if item.rating == Rating.NA else "",
        }
        before = own_states(respondent).get(item.practice_id) if row is not None else None
        if before == after or (
            row is None
            and after["rating"] is None
            and not any(after[k] for k in ("evidence", "comment"))
        ):
            continue
        if row is None:
            row = RespondentRating(practice_id=item.practice_id)
            respondent.ratings.append(row)
        row.rating, row.evidence = after["rating"], after["evidence"]
        row.comment, row.na_reason, row.updated_at = after["comment"], after["na_reason"], now
        old[item.practice_id], new[item.practice_id] = before, after
    db.session.flush()
    if new:
        record_change(actor, "respond", assessment, old=old, new=new, label=_label(assessment))
    return len(new)


# ------------------------------------------------------------------------- consolidation


def open_consolidation(actor: User, assessment: Assessment) -> None:
    """Let the director and the PMO see every respondent's ratings side by side."""
    if not can_consolidate(actor, assessment):
        raise ServiceError(_("Consolidation cannot be opened now."))
    if assessment.consolidation_opened_at is None:
        assessment.consolidation_opened_at = utcnow()
        db.session.flush()
        record_change(
            actor, "open_consolidation", assessment, new={"opened": True}, label=_label(assessment)
        )


@dataclass(frozen=True)
class ConsensusRow:
    """One practice on the consolidation page."""

    practice: Practice
    #: The rating of each respondent, aligned with the page's respondents (None: unrated).
    ratings: tuple[str | None, ...]
    consensus: PracticeConsensus | None
    #: The consensus set so far, and its reason.
    current: str | None
    reason: str

    @property
    def disagreement(self) -> bool:
        return self.consensus is not None and self.consensus.disagreement

    @property
    def proposed(self) -> str | None:
        if self.consensus is None or self.consensus.proposed is None:
            return None
        return self.consensus.proposed.value


def consolidation_rows(
    assessment: Assessment, area: ProcessArea, respondents: Sequence[Respondent]
) -> list[ConsensusRow]:
    """Every practice of ``area``: disagreements first, then in model order."""
    by_respondent = [{r.practice_id: r.rating for r in resp.ratings} for resp in respondents]
    current = workflow.ratings_by_practice(assessment)
    rows = []
    for _goal, practice in area.practices():
        ratings = tuple(given.get(practice.id) for given in by_respondent)
        named = {  # by email: display names need not be unique
            resp.user.email: rating
            for resp, rating in zip(respondents, ratings, strict=True)
            if rating
        }
        consensus = None
        if named:
            values = list(named.values())
            consensus = PracticeConsensus(
                practice_id=practice.id,
                ratings={name: Rating(value) for name, value in named.items()},
                proposed=propose_consensus(values),
                disagreement=is_disagreement(values),
                spread=spread(values),
            )
        saved = current.get(practice.id)
        rows.append(
            ConsensusRow(
                practice=practice,
                ratings=ratings,
                consensus=consensus,
                current=saved.rating if saved else None,
                reason=saved.consensus_reason if saved else "",
            )
        )
    return sorted(rows, key=lambda row: not row.disagreement)


def disagreement_counts(
    assessment: Assessment, areas: Sequence[ProcessArea], respondents: Sequence[Respondent]
) -> dict[str, int]:
    """Area code → its number of disagreements."""
    return {
        area.code: sum(
            1 for row in consolidation_rows(assessment, area, respondents) if row.disagreement
        )
        for area in areas
    }


@dataclass(frozen=True)
class ConsensusInput:
    practice_id: str
    rating: str | None
    reason: str = ""


def set_consensus(
    actor: User,
    assessment: Assessment,
    area: ProcessArea,
    items: Iterable[ConsensusInput],
    *,
    expected_version: int | None,
) -> None:
    """Set the consensus of practices of ``area``, all or none.

    A consensus that differs from the proposal needs a reason (NA always does: it is the NA
    reason). A save from a page loaded before another save of the assessment is refused
    with StaleEdit naming the practices whose consensus changed meanwhile.
    """
    if not can_consolidate(actor, assessment):
        raise ServiceError(_("The consensus cannot be changed now."))
    respondents = respondents_of(assessment)
    rows = {row.practice.id: row for row in consolidation_rows(assessment, area, respondents)}
    items = [item for item in items if item.practice_id in rows]
    for item in items:
        if item.rating not in (None, "", *workflow.RATING_VALUES):
            raise ServiceError(
                _("%(id)s: the rating must be one of FI, LI, PI, NI, NA.", id=item.practice_id),
                item.practice_id,
            )
        row = rows[item.practice_id]
        differs = (item.rating or None) != row.proposed
        if (differs or item.rating == Rating.NA) and item.rating and not item.reason.strip():
            raise ServiceError(
                _(
                    "%(id)s: give a reason where the consensus differs from the proposal "
                    "(or is NA).",
                    id=item.practice_id,
                ),
                item.practice_id,
            )
    wanted: dict[str, dict[str, Any]] = {
        item.practice_id: {"rating": item.rating or None, "reason": item.reason.strip()}
        for item in items
    }
    saved = {pid: {"rating": rows[pid].current, "reason": rows[pid].reason} for pid in wanted}
    if expected_version is not None and expected_version != assessment.version:
        raise StaleEdit(
            _(
                "Someone else changed this assessment after you opened the page. Nothing of "
                "yours was saved; your entries are kept below next to what is saved now."
            ),
            {
                pid: {"saved": saved[pid], "yours": wanted[pid]}
                for pid in wanted
                if saved[pid] != wanted[pid]
            },
        )
    changed = {pid: value for pid, value in wanted.items() if value != saved[pid]}
    current = workflow.ratings_by_practice(assessment)
    now = utcnow()
    for pid, value in changed.items():
        stored = current.get(pid)
        if stored is None:
            stored = PracticeRating(practice_id=pid)
            assessment.ratings.append(stored)
        stored.rating = value["rating"]
        stored.consensus_reason = value["reason"]
        stored.na_reason = value["reason"] if value["rating"] == Rating.NA else ""
        stored.updated_by_id, stored.updated_at = actor.id, now
    if changed:
        assessment.version += 1
    workflow.recompute(assessment)
    db.session.flush()
    if changed:
        record_change(
            actor,
            "consensus",
            assessment,
            old={pid: saved[pid] for pid in changed},
            new=changed,
            label=_label(assessment),
        )


def disagreement_finding(actor: User, assessment: Assessment, practice_id: str) -> Finding:
    """Record a disagreement as a finding (认识不一致) of the business line, in one step."""
    if not can_read_consolidation(actor, assessment) or assessment.consolidation_opened_at is None:
        raise ServiceError(_("Open the consolidation first."))
    areas = workflow.areas_in_scope(assessment)
    area = next((a for a in areas if any(p.id == practice_id for _g, p in a.practices())), None)
    if area is None:
        raise ServiceError(_("Unknown practice %(id)s.", id=practice_id))
    respondents = respondents_of(assessment)
    row = next(
        r for r in consolidation_rows(assessment, area, respondents) if r.practice.id == practice_id
    )
    if not row.disagreement or row.consensus is None:
        raise ServiceError(_("%(id)s is not a disagreement.", id=practice_id))
    given = "、".join(
        f"{person.user.display_name} {rating}"
        for person, rating in zip(respondents, row.ratings, strict=True)
        if rating
    )
    finding = Finding(
        source=FindingSource.MANUAL,
        business_line_id=assessment.business_line_id,
        cycle_id=assessment.cycle_id,
        assessment_id=assessment.id,
        process_area=area.code,
        severity=3,
        text=(
            f"{DISAGREEMENT_FINDING}：{practice_id} {row.practice.text.zh}（{given}） / "
            f"Disagreement on {practice_id} {row.practice.text.en}"
        ),
        created_by_id=actor.id,
    )
    db.session.add(finding)
    db.session.flush()
    record_change(
        actor,
        "disagreement_finding",
        assessment,
        new={"practice": practice_id, "finding": finding.id},
        label=_label(assessment),
    )
    return finding
