"""The reviewers' and the coordinator's dashboard (DESIGN §8): indicator cards, charts with
their tables, as of any date; the report PDF, the CSV files and the workbook of the same
figures; the coordinator's page to set a target (each edit kept)."""

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_login import current_user

from refurb.auth.access import allow
from refurb.auth.roles import Role
from refurb.db_types import today
from refurb.i18n import gettext as _
from refurb.reports import charts
from refurb.reports.documents import report_pdf
from refurb.reports.exports import table_csv, workbook
from refurb.reports.forms import TargetForm
from refurb.reports.summary import summary
from refurb.reports.tables import STATUS, shown, tables
from refurb.reports.targets import BY_KEY, MEANINGS, history, is_share, set_target, version_of
from refurb.web import day_arg, form_status, pdf_response, refusal_shown

bp = Blueprint("reports", __name__)
READERS = (Role.ADMIN, Role.VIEWER)
EARLIEST = date(2020, 1, 1)
# An SVG chart is an image: it runs no script, and its drawing attributes need inline style.
CHART_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


def as_of_from(args) -> tuple[date, str | None]:
    """The date asked for (`date`, YYYY-MM-DD), default today; with the error to show."""
    now, errors = today(), {}
    message = _(
        "Choisissez une date entre le %(first)s et aujourd'hui.",
        first=format_date(EARLIEST, "dd/MM/yyyy"),
    )
    day = day_arg(args, "date", errors, EARLIEST, now, message)
    return (now if day is None else day), errors.get("date")


def _as_of() -> date:
    """The date of a file asked for; a bad one is a 400 (the page shows the message)."""
    day, error = as_of_from(request.args)
    if error:
        abort(400, error)
    return day


@bp.route("/tableau-de-bord")
@allow(*READERS)
def dashboard():
    day, error = as_of_from(request.args)
    figures = summary(day)
    return render_template(
        "reports/dashboard.html",
        day=day,
        error=error,
        figures=figures,
        tables={t.key: t for t in tables(figures)},
        charts=charts.CHARTS,
        status=STATUS,
        shown=shown,
        today=today(),
        meanings=MEANINGS,
        is_share=is_share,
    ), (400 if error else 200)


@bp.route("/tableau-de-bord/graphiques/<name>.svg")
@allow(*READERS)
def chart(name):
    if name not in charts.CHARTS:
        abort(404)
    draw, _title = charts.CHARTS[name]
    response = Response(charts.svg(draw(summary(_as_of()))), mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = CHART_POLICY
    return response


@bp.route("/tableau-de-bord/rapport.pdf")
@allow(*READERS)
def report():
    day = _as_of()
    return pdf_response(report_pdf(summary(day)), f"rapport-{day.isoformat()}.pdf")


@bp.route("/tableau-de-bord/export/<key>.csv")
@allow(*READERS)
def export_csv(key):
    day = _as_of()
    found = {t.key: t for t in tables(summary(day))}
    if key not in found:
        abort(404)
    return Response(
        table_csv(found[key], day),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={key}-{day.isoformat()}.csv"},
    )


@bp.route("/tableau-de-bord/rapport.xlsx")
@allow(*READERS)
def export_xlsx():
    day = _as_of()
    return Response(
        workbook(tables(summary(day)), day),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename=rapport-{day.isoformat()}.xlsx"},
    )


@bp.route("/tableau-de-bord/cibles/<indicator>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def target(indicator):
    key = indicator
    definition = BY_KEY.get(key)
    if definition is None:
        abort(404)
    targets = history(key)
    current = targets[0] if targets else None
    share = is_share(key)
    value = (current.target * 100 if share else current.target) if current else None
    form = TargetForm(
        data={
            "version": version_of(key),
            "target": value,
            "deadline": current.deadline if current else definition.deadline,
        }
    )
    if share:
        form.target.label.text = _("Part visée (%)")
        form.target.description = _(
            "En pourcentage du parc public (1 à 100). Chaque fin d'année en atteint une part : "
            "un tiers fin 2025, deux tiers fin 2026, la totalité fin 2027."
        )
    if form.validate_on_submit():
        value = float(form.target.data) / (100 if share else 1)
        deadline = None if definition.deadline is None else form.deadline.data
        with refusal_shown(form) as outcome:
            set_target(current_user, key, value, deadline, form.version.data)
        if outcome.ok:
            flash(_("Nouvelle cible enregistrée ; les rapports passés gardent la leur."), "success")
            return redirect(url_for(".dashboard"))
    return render_template(
        "reports/target.html",
        definition=definition,
        meaning=MEANINGS[key],
        targets=targets,
        form=form,
        share=share,
        shown=shown,
    ), form_status(form)
