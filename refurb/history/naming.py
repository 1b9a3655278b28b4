"""How the journal names the records its events concern: a device by its tag, a loan or a
household by its reference (never a household's identity, DESIGN §6), a person or a site by
name, each linked to its page. A page of events is named in one query per kind of record."""

from collections.abc import Callable
from dataclasses import dataclass

from flask import url_for
from markupsafe import Markup, escape
from sqlalchemy import select

from refurb.auth.models import Organisation, User
from refurb.extensions import db
from refurb.i18n import gettext as _
from refurb.inventory.enums import Category
from refurb.inventory.models import Collection, Device, Donor, RecyclingBatch
from refurb.loans.models import Household, Loan
from refurb.maintenance.models import Incident, Plan, Site, Visit
from refurb.reports.targets import BY_KEY


@dataclass(frozen=True)
class Named:
    """A record as the journal names it: its tag, reference or name, and its page (if any)."""

    text: str
    url: str | None = None

    def html(self) -> Markup:
        if self.url is None:
            return escape(self.text)
        return Markup('<a href="{}">{}</a>').format(self.url, self.text)


def unnamed(record_id) -> Named:
    return Named(_("n° %(id)s", id=record_id))


def _labels(id_column, label_column, ids) -> list:
    return db.session.execute(select(id_column, label_column).where(id_column.in_(ids))).all()


def _linked(id_column, label_column, link: Callable[[int, str], str]):
    def load(ids) -> dict[int, Named]:
        return {i: Named(text, link(i, text)) for i, text in _labels(id_column, label_column, ids)}

    return load


def _visits(ids) -> dict[int, Named]:
    rows = db.session.execute(
        select(Visit.id, Site.name).join(Site, Site.id == Visit.site_id).where(Visit.id.in_(ids))
    )
    return {
        i: Named(
            _("%(site)s (n° %(id)s)", site=site, id=i), url_for("maintenance.visit", visit_id=i)
        )
        for i, site in rows
    }


def _plans_by_key(keys) -> dict[str, Named]:
    """Plans as visits name them, by key."""
    rows = db.session.execute(select(Plan.key, Plan.id, Plan.name).where(Plan.key.in_(keys)))
    return {key: Named(name, url_for("maintenance.plan", plan_id=i)) for key, i, name in rows}


# subject type → how its records are named, given their ids (plans also by key).
LOADERS: dict[str, Callable[[list], dict]] = {
    "device": _linked(Device.id, Device.tag, lambda i, tag: url_for("inventory.device", tag=tag)),
    "user": _linked(User.id, User.name, lambda i, _n: url_for("admin.user", user_id=i)),
    "organisation": _linked(
        Organisation.id,
        Organisation.name,
        lambda i, _n: url_for("admin.organisation", organisation_id=i),
    ),
    "household": _linked(
        Household.id,
        Household.reference,  # the reference, never the identity
        lambda i, _n: url_for("loans.household", household_id=i),
    ),
    "loan": _linked(Loan.id, Loan.reference, lambda i, _n: url_for("loans.loan", loan_id=i)),
    "donor": _linked(Donor.id, Donor.name, lambda i, _n: url_for("inventory.donor", donor_id=i)),
    "collection": _linked(
        Collection.id,
        Collection.reference,
        lambda i, _n: url_for("inventory.devices", collection_id=i),
    ),
    "recycling_batch": _linked(
        RecyclingBatch.id,
        RecyclingBatch.reference,
        lambda i, _n: url_for("inventory.recycling_batch", batch_id=i),
    ),
    "site": _linked(Site.id, Site.name, lambda i, _n: url_for("maintenance.site", site_id=i)),
    "visit": _visits,
    "incident": _linked(
        Incident.id,
        Incident.reference,
        lambda i, _n: url_for("maintenance.incident", incident_id=i),
    ),
    "plan": _linked(Plan.id, Plan.name, lambda i, _n: url_for("maintenance.plan", plan_id=i)),
    "plan_key": _plans_by_key,
}


def name_records(wanted: dict[str, set[int]]) -> dict[tuple[str, int], Named]:
    """The names of the records wanted ({subject type: ids}), one query per type."""
    named = {}
    for kind, ids in wanted.items():
        loader = LOADERS.get(kind)
        if loader is not None and ids:
            named.update({(kind, i): found for i, found in loader(sorted(ids)).items()})
    return named


def _named_by_details(event) -> Named | None:
    """Subjects recorded without an id of their own: a batch of blank labels, a category's
    checklist, a target."""
    details = event.details or {}
    if event.subject_type == "label_batch" and details.get("batch"):
        return Named(str(details["batch"]))
    if event.subject_type == "checklist" and details.get("category"):
        try:
            return Named(Category(details["category"]).label)
        except ValueError:
            return Named(str(details["category"]))
    if event.subject_type == "indicator" and details.get("key"):
        definition = BY_KEY.get(details["key"])
        if definition is None:
            return Named(str(details["key"]))
        return Named(str(definition.label), url_for("reports.target", indicator=definition.key))
    return None


def subject_of(event, named: dict[tuple[str, int], Named]) -> Named:
    """How `event`'s subject is named, from the names loaded by name_records()."""
    return (
        named.get((event.subject_type, event.subject_id))
        or _named_by_details(event)
        or unnamed(event.subject_id)
    )
