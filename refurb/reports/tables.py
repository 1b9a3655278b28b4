"""The report's figures as tables, defined once for the dashboard, the PDF, the CSV files and
the workbook; each medium formats the cells by the kind of their column."""

from dataclasses import dataclass

from flask_babel import format_date, format_decimal

from refurb.i18n import gettext as _
from refurb.i18n import lazy_gettext as _l
from refurb.reports.environment import factors
from refurb.reports.lending import masked
from refurb.reports.summary import Summary

STATUS = {"reached": _l("Atteint"), "on_track": _l("En bonne voie"), "behind": _l("En retard")}


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = "int"  # text, int, decimal, date


@dataclass
class Table:
    key: str  # the file name of its CSV and its sheet
    title: str
    columns: list[Column]
    rows: list[list]
    note: str = ""


def small_counts_note() -> str:
    return _(
        "Moins de 5 foyers : « < 5 » ; « masqué » : caché pour qu'un total ne permette pas de "
        "retrouver un petit nombre."
    )


def status_label(status: str) -> str:
    return str(STATUS[status])


def shown(value, kind: str) -> str:
    """A cell as a French reader reads it (dashboard and PDF)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str) and kind != "text":
        return value  # "< 5"
    if kind == "int":
        return format_decimal(value, format="#,##0")
    if kind == "decimal":
        return format_decimal(value, format="#,##0" if float(value).is_integer() else "#,##0.0")
    if kind == "date":
        return format_date(value, "dd/MM/yyyy")
    return str(value)


def _percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def _is_share(indicator) -> bool:
    return indicator.key.endswith("_share")


def indicators_table(summary: Summary) -> Table:
    rows = []
    for i in summary.indicators:
        scale = 100 if _is_share(i) else 1  # shares in per cent
        projected = i.forecast.get("projected_at_deadline")
        rows.append(
            [
                f"{i.label} (%)" if scale == 100 else str(i.label),
                round(i.value * scale, 1),
                round(i.target * scale, 1),
                i.deadline,
                status_label(i.status),
                None if projected is None else round(projected * scale, 1),
                i.forecast.get("reached_on_at_this_pace"),
                i.since,
            ]
        )
    return Table(
        "indicateurs",
        _("Indicateurs de la feuille de route"),
        [
            Column(_("Indicateur"), "text"),
            Column(_("Valeur"), "decimal"),
            Column(_("Cible"), "decimal"),
            Column(_("Échéance"), "date"),
            Column(_("Statut"), "text"),
            Column(_("Projection"), "decimal"),  # as the card and the CSV: 569,5
            Column(_("Atteinte prévue"), "date"),
            Column(_("Depuis le"), "date"),
        ],
        rows,
    )


def flows_table(summary: Summary) -> Table:
    return Table(
        "flux",
        _("Flux mensuels"),
        [
            Column(_("Mois"), "text"),
            Column(_("Reçus")),
            Column(_("Mis à disposition")),
            Column(_("Prêtés")),
            Column(_("Installés")),
            Column(_("Donnés")),
            Column(_("Recyclés")),
            Column(_("Reçus cumulés")),
            Column(_("Mis à disposition cumulés")),
        ],
        [
            [
                format_date(m.month, "MMM yyyy"),
                m.received,
                m.made_ready,
                m.lent,
                m.deployed,
                m.given,
                m.recycled,
                m.received_total,
                m.made_ready_total,
            ]
            for m in summary.flows
        ],
    )


def stock_table(summary: Summary) -> Table:
    """States down, the categories present across, totals both ways."""
    present = summary.by_category()
    rows = [
        [state.label, *[counts[state] for _c, counts, _t in present], total]
        for state, total in summary.by_state()
        if total
    ]
    rows.append([_("Total"), *[total for _c, _counts, total in present], summary.devices])
    return Table(
        "stock",
        _("Stock par état et catégorie"),
        [
            Column(_("État"), "text"),
            *[Column(category.label) for category, _counts, _t in present],
            Column(_("Total")),
        ],
        rows,
        note=_("Délai médian de la réception à la première mise à disposition : %(days)s jours.")
        % {"days": shown(summary.median_days_to_ready, "decimal")},
    )


def loans_table(summary: Summary) -> Table:
    loans = summary.loans
    rows = [
        [_("Foyers servis (au moins un prêt remis)"), masked(loans.households_served)],
        [_("Prêts en cours"), loans.active],
        [_("dont en retard"), loans.overdue],
        [_("Prêts rendus"), loans.returned],
        [_("Prêts transformés en don"), loans.gifts],
        [_("Prêts perdus"), loans.lost],
        [_("Demandes en attente"), masked(loans.waiting)],
        [_("Attente médiane de la demande à la remise (jours)"), loans.median_wait_days],
    ]
    return Table(
        "prets",
        _("Prêts aux foyers"),
        [Column(_("Mesure"), "text"), Column(_("Valeur"), "decimal")],
        rows,
    )


def unmet_table(summary: Summary) -> Table:
    return Table(
        "demande_non_satisfaite",
        _("Demande non satisfaite par catégorie et intercommunalité (EPCI)"),
        [Column(_("EPCI"), "text"), Column(_("Catégorie"), "text"), Column(_("Foyers en attente"))],
        [[epci, category.label, count] for category, epci, count in summary.loans.unmet],
        note=small_counts_note(),
    )


def maintenance_table(summary: Summary) -> Table:
    m = summary.maintenance
    rows = [
        [g.epci, g.sites, g.pcs, _percent(g.availability), g.sites_equipped, g.missing]
        for g in m.by_epci
    ]
    rows.append(
        [_("Programme"), m.sites, m.pcs, _percent(m.availability), m.sites_equipped, m.missing]
    )
    return Table(
        "maintenance",
        _("Maintenance des PC en accès libre"),
        [
            Column(_("EPCI"), "text"),
            Column(_("Lieux")),
            Column(_("PC en service")),
            Column(_("Disponibilité (%)"), "decimal"),
            Column(_("Lieux équipés selon leurs besoins")),
            Column(_("PC manquants")),
        ],
        rows,
        note=_(
            "Du %(start)s au %(end)s : délai moyen de réparation %(mttr)s h ; incidents "
            "signalés : %(reported)s ; visites faites : %(done)s, dont à l'heure : %(timely)s ; "
            "visites en retard au %(end)s : %(overdue)s."
        )
        % {
            "start": shown(m.start, "date"),
            "end": shown(m.end, "date"),
            "mttr": shown(m.mttr_hours, "decimal"),
            "reported": m.incidents_reported,
            "timely": m.visits_on_time,
            "done": m.visits_done,
            "overdue": m.visits_overdue,
        },
    )


def territory_table(summary: Summary) -> Table:
    return Table(
        "territoire",
        _("Territoire par EPCI"),
        [
            Column(_("EPCI"), "text"),
            Column(_("Appareils collectés (commune du donateur)")),
            Column(_("Foyers équipés (prêt remis)")),
            Column(_("Appareils installés en lieu")),
        ],
        [
            [r.epci or _("Commune non renseignée"), r.collected, r.households, r.deployed]
            for r in summary.territory
        ],
        note=small_counts_note(),
    )


def environment_table(summary: Summary) -> Table:
    e = summary.environment
    rows = [[c.category.label, c.devices, c.kg, c.factor, c.avoided_kg_co2e] for c in e.by_category]
    rows.append([_("Total"), e.reused_devices, e.reused_kg, None, e.avoided_kg_co2e])
    return Table(
        "environnement",
        _("Environnement : réemploi et émissions évitées"),
        [
            Column(_("Catégorie"), "text"),
            Column(_("Appareils réemployés")),
            Column(_("Poids réemployé (kg)"), "decimal"),
            Column(_("Facteur de fabrication (kg CO2e)"), "decimal"),
            Column(_("Émissions évitées (kg CO2e)"), "decimal"),
        ],
        rows,
        note=_(
            "DEEE remis aux recycleurs : %(kg)s kg. Facteurs : %(version)s (%(source)s). "
            "Sans facteur publié (imprimantes, périphériques, autres) : non comptés."
        )
        % {
            "kg": shown(e.recycled_kg, "decimal"),
            "version": e.factor_version,
            "source": factors().citation,
        },
    )


def tables(summary: Summary) -> list[Table]:
    return [
        indicators_table(summary),
        flows_table(summary),
        stock_table(summary),
        loans_table(summary),
        unmet_table(summary),
        maintenance_table(summary),
        territory_table(summary),
        environment_table(summary),
    ]
