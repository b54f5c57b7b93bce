from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from app.backlog import bp
from app.backlog.forms import ItemForm, PlaceForm, RuleForm, StatusForm
from app.errors import refusal
from app.extensions import db
from app.i18n import current_locale_code
from app.pagination import paginate
from app.params import form_version, query_int
from app.security import is_safe_redirect, roles, signed_in
from app.services.backlog import queries
from app.services.backlog.items import (
    ACTION_LABELS,
    STATUS_LABELS,
    ItemInput,
    actions_for,
    can_edit_item,
    change_status,
    create_from_finding,
    create_from_theme,
    current_rule,
    get_visible_item_or_404,
    item_of_finding,
    item_of_theme,
    item_outcome,
    open_gap_findings,
    owner_choices,
    rule_setting,
    save_item,
    save_rule,
    theme_item_draft,
    visible_items,
)
from app.services.backlog.my_work import MyWork, waiting_for
from app.services.findings.publication import can_view_run
from app.services.findings.records import area_names, reference_model
from app.services.lessons import related_lessons
from app.services.submissions import claim, complete
from app.services.tabular_export import MAX_EXPORT_ROWS, table_response
from app.services.visibility import MANAGERS, visible_business_lines
from assessments.prioritisation import Action
from models import BusinessLine, Finding, ImprovementItem, QuickWinProject, Theme
from models.base import utcnow


def _lines() -> list[BusinessLine]:
    return list(
        db.session.scalars(visible_business_lines(current_user).order_by(BusinessLine.code))
    )


def _context(filters: queries.Filters) -> dict[str, object]:
    return {
        "filters": filters,
        "lines": _lines(),
        "STATUS_LABELS": STATUS_LABELS,
        "rule": current_rule(),
    }


@bp.route("/")
@signed_in
def items() -> str:
    filters = queries.Filters.from_args(request.args)
    page = paginate(queries.list_statement(visible_items(current_user), filters))
    return render_template("backlog/list.html", page=page, **_context(filters))


@bp.route("/export")
@signed_in
def export() -> Response:
    filters = queries.Filters.from_args(request.args)
    stmt = queries.list_statement(visible_items(current_user), filters).limit(MAX_EXPORT_ROWS)
    headers = [
        _("Title"), _("Business line"), _("Process area"), _("Impact"), _("Urgency"),
        _("Effort"), _("Priority"), _("Quick win"), _("Status"), _("Owner"), _("Created"),
    ]  # fmt: skip
    rows = (
        [
            item.title,
            item.business_line.name if item.business_line else _("Company-wide"),
            item.process_area or "",
            item.impact,
            item.urgency,
            item.effort,
            round(item.priority, 2),
            _("Yes") if item.quick_win else _("No"),
            str(STATUS_LABELS[item.status]),
            item.owner.display_name if item.owner else "",
            item.created_at.date().isoformat(),
        ]
        for item in db.session.scalars(stmt)
    )
    return table_response("backlog", headers, rows, request.args.get("format", ""))


@bp.route("/matrix")
@signed_in
def matrix() -> str:
    filters = queries.Filters.from_args(request.args)
    rule = current_rule()
    cells = queries.matrix(visible_items(current_user), filters, rule)
    return render_template(
        "backlog/matrix.html", cells=cells, place_form=PlaceForm(), **_context(filters)
    )


@bp.route("/board")
@signed_in
def board() -> str:
    filters = queries.Filters.from_args(request.args)
    columns = queries.board(visible_items(current_user), filters)
    return render_template("backlog/board.html", columns=columns, **_context(filters))


@bp.route("/<int:item_id>")
@signed_in
def item(item_id: int) -> str:
    return _render_item(get_visible_item_or_404(current_user, item_id))


def _visible_theme(theme_id: int | None) -> Theme | None:
    """The item's theme, unless it belongs to a draft run the user may not see."""
    theme = db.session.get(Theme, theme_id) if theme_id else None
    return theme if theme is not None and can_view_run(current_user, theme.run) else None


def _render_item(found: ImprovementItem) -> str:
    project = db.session.scalar(select(QuickWinProject).where(QuickWinProject.item_id == found.id))
    return render_template(
        "backlog/item.html",
        item=found,
        project=project,
        actions=actions_for(current_user, found),
        ACTION_LABELS=ACTION_LABELS,
        STATUS_LABELS=STATUS_LABELS,
        can_edit=can_edit_item(current_user, found),
        status_form=StatusForm(),
        theme=_visible_theme(found.theme_id),
        outcome=item_outcome(found),
        related=related_lessons(current_user, found.process_area),
    )


def _fill_choices(form: ItemForm) -> None:
    form.business_line_id.choices = [SelectChoice(0, _("Company-wide"))] + [
        SelectChoice(bl.id, f"{bl.code} {bl.name}") for bl in _lines()
    ]
    form.owner_id.choices = [SelectChoice(0, _("Nobody yet"))] + [
        SelectChoice(u.id, u.display_name) for u in owner_choices()
    ]


def _version(form: ItemForm | StatusForm | PlaceForm | RuleForm) -> int | None:
    """The version the form was loaded at, to refuse saving over someone else's change."""
    return form_version(form.version.data)


def _input(form: ItemForm) -> ItemInput:
    return ItemInput(
        title=form.title.data or "",
        description=form.description.data or "",
        business_line_id=form.business_line_id.data or None,
        process_area=form.process_area.data or None,
        impact=form.impact.data or 0,
        urgency=form.urgency.data or 0,
        effort=form.effort.data or 0,
        owner_id=form.owner_id.data or None,
        planned_start=form.planned_start.data,
        planned_end=form.planned_end.data,
    )


@bp.route("/new", methods=["GET", "POST"], endpoint="new_item")
@bp.route("/<int:item_id>/edit", methods=["GET", "POST"])
@signed_in
def edit_item(item_id: int | None = None) -> str | Response | tuple[str, int]:
    found = get_visible_item_or_404(current_user, item_id) if item_id else None
    if not can_edit_item(current_user, found):
        abort(403)
    theme = _theme_of_new_item() if found is None else None
    form = ItemForm(obj=found or (theme_item_draft(theme) if theme else None))
    _fill_choices(form)
    if (found or theme) is not None and request.method == "GET":
        source = found or theme_item_draft(theme)  # type: ignore[arg-type]  # one is set
        form.business_line_id.data = source.business_line_id or 0
        form.owner_id.data = source.owner_id or 0
    if not form.validate_on_submit():
        return render_template(
            "backlog/form.html", form=form, item=found, theme=theme, stale=None, areas=_areas()
        )
    with refusal(form, stale_notice=True) as refused:
        claimed = claim(current_user, form.submission.data) if found is None else None
        if theme is not None:
            saved = create_from_theme(current_user, theme, _input(form))
        else:
            saved = save_item(current_user, found, _input(form), version=_version(form))
        location = url_for("backlog.item", item_id=saved.id)
        complete(claimed, location)
        flash(_("Improvement item saved."), "success")
        return redirect(location)
    if refused.stale is not None and found is not None:
        form.version.data = str(found.version)  # saving again overwrites the changes shown
    return render_template(
        "backlog/form.html",
        form=form,
        item=found,
        theme=theme,
        stale=refused.stale,
        areas=_areas(),
    ), refused.status


def _theme_of_new_item() -> Theme | None:
    """``?theme=ID``: a new item drafted from that theme (404 when it does not exist)."""
    theme_id = query_int("theme")
    if theme_id is None:
        return None
    # Saving locks the theme, so two PMOs saving at once make one item (the other is told).
    theme = db.session.get(Theme, theme_id, with_for_update=request.method == "POST")
    if theme is None or current_user.role not in MANAGERS:
        abort(404)
    return theme


def _areas() -> dict[str, str]:
    """Process-area codes and names, offered while typing the process area."""
    return area_names(reference_model(), current_locale_code())


@bp.route("/<int:item_id>/status", methods=["POST"])
@signed_in
def status(item_id: int) -> Response | tuple[str, int]:
    found = get_visible_item_or_404(current_user, item_id)
    form = StatusForm()
    if not form.validate_on_submit() or form.action.data not in {a.value for a in Action}:
        abort(400)
    with refusal():
        action = Action(form.action.data)
        change_status(current_user, found, action, form.reason.data or "", version=_version(form))
        flash(_("Status changed to %(status)s.", status=STATUS_LABELS[found.status]), "success")
        target = request.form.get("next")
        return redirect(
            target if is_safe_redirect(target) else url_for("backlog.item", item_id=found.id)
        )
    return _render_item(found), 409


@bp.route("/<int:item_id>/place", methods=["POST"])
@signed_in
def place(item_id: int) -> Response:
    """Move an item on the matrix: an edit of its impact and effort only."""
    found = get_visible_item_or_404(current_user, item_id)
    if not can_edit_item(current_user, found):
        abort(403)
    form = PlaceForm()
    if not form.validate_on_submit():
        abort(400)
    data = ItemInput(
        title=found.title,
        description=found.description,
        business_line_id=found.business_line_id,
        process_area=found.process_area,
        impact=form.impact.data or found.impact,
        urgency=found.urgency,
        effort=form.effort.data or found.effort,
        owner_id=found.owner_id,
        planned_start=found.planned_start,
        planned_end=found.planned_end,
    )
    with refusal():
        save_item(current_user, found, data, version=_version(form))
        flash(_("“%(title)s” moved.", title=found.title), "success")
    return redirect(url_for("backlog.matrix"))


@bp.route("/gaps")
@roles(*MANAGERS)
def gaps() -> str:
    page = paginate(open_gap_findings(current_user))
    return render_template("backlog/gaps.html", page=page)


@bp.route("/from-finding/<int:finding_id>", methods=["POST"])
@roles(*MANAGERS)
def from_finding(finding_id: int) -> Response:
    finding = db.session.get(Finding, finding_id, with_for_update=True)  # one post at a time
    if finding is None:
        abort(404)
    existing = item_of_finding(finding)
    if existing is not None:  # a double click, or someone else was quicker
        flash(_("This finding already has an item."), "info")
        return redirect(url_for("backlog.item", item_id=existing.id))
    created = create_from_finding(current_user, finding)
    flash(_("Item created from the finding; review impact, effort and owner."), "success")
    return redirect(url_for("backlog.edit_item", item_id=created.id))


@bp.route("/from-theme/<int:theme_id>", methods=["POST"])
@roles(*MANAGERS)
def from_theme(theme_id: int) -> Response:
    theme = db.session.get(Theme, theme_id, with_for_update=True)  # one post at a time
    if theme is None:
        abort(404)
    existing = item_of_theme(theme)
    if existing is not None:  # a double click, or someone else was quicker
        flash(_("This theme already has an item."), "info")
        return redirect(url_for("backlog.item", item_id=existing.id))
    return redirect(url_for("backlog.new_item", theme=theme.id))  # saved only on 保存


@bp.route("/rule", methods=["GET", "POST"])
@roles(*MANAGERS)
def rule() -> str | Response | tuple[str, int]:
    row = rule_setting()
    form = RuleForm(obj=row)
    if not form.validate_on_submit():
        return render_template("backlog/rule.html", form=form, row=row)
    with refusal():
        count = save_rule(
            current_user,
            min_impact=form.min_impact.data or 0,
            max_effort=form.max_effort.data or 0,
            max_weeks=form.max_weeks.data or 0,
            version=_version(form),
        )
        flash(
            ngettext(
                "Quick-win rule saved: %(num)s item is a candidate.",
                "Quick-win rule saved: %(num)s items are candidates.",
                count,
            ),
            "success",
        )
        return redirect(url_for("backlog.items", quick_win="1"))
    return render_template("backlog/rule.html", form=form, row=row), 409


@bp.app_template_global("my_work")
def my_work_global() -> MyWork:
    """For the home page: what waits for the signed-in user (a fixed number of queries)."""
    return waiting_for(current_user, utcnow().date())
