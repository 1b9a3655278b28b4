"""Households (foyers) and the waiting list."""

from sqlalchemy import select

from refurb.auth.models import Organisation
from refurb.auth.roles import OrganisationKind
from refurb.bounds import check_fields, field_problems, refuse_together
from refurb.db_types import today
from refurb.errors import InvalidInput, check_version
from refurb.extensions import db
from refurb.history.services import record
from refurb.i18n import format_date
from refurb.i18n import gettext as _
from refurb.loans.enums import Criterion, RequestStatus
from refurb.loans.models import Household, LoanRequest
from refurb.loans.privacy import IDENTITY_FIELDS
from refurb.loans.scoping import require_lender, scoped
from refurb.loans.services.lending import waiting_request
from refurb.loans.workflow import LoanRefused
from refurb.numbering import next_reference
from refurb.territory.models import Commune


def _check_household_fields(fields: dict, household: Household | None = None) -> None:
    """Every problem of the household's fields, refused at once."""
    refusals: dict = {}
    if fields.get("commune_code") and db.session.get(Commune, fields["commune_code"]) is None:
        refusals["commune"] = InvalidInput(
            "unknown_commune", _("Commune inconnue dans le Gers."), details={"commune": "unknown"}
        )
    if fields.get("criterion") == Criterion.OTHER and not fields.get("criterion_note", "").strip():
        refusals["criterion_note"] = InvalidInput(
            "criterion_note_required",
            _("Précisez le critère d'éligibilité (sans joindre de justificatif)."),
            details={"criterion_note": "required"},
        )
    refusals |= field_problems(Household, fields, household)
    if any(fields.get(k) for k in IDENTITY_FIELDS) and not fields.get("consent_on"):
        refusals.setdefault(
            "consent_on",
            InvalidInput(
                "consent_required",
                _("Des coordonnées ne s'enregistrent qu'avec la date du consentement du foyer."),
                details={"consent_on": "required"},
            ),
        )
    refuse_together(refusals)


def create_household(actor, organisation: Organisation | None, **fields) -> Household:
    if organisation is None or organisation.kind != OrganisationKind.LENDER:
        raise InvalidInput("not_a_lender", _("Seule une association de prêt suit des foyers."))
    require_lender(actor, organisation.id)
    _check_household_fields(fields)
    household = Household(
        reference=next_reference("F"),
        lender_organisation_id=organisation.id,
        verified_by_id=getattr(actor, "id", None),
        **fields,
    )
    db.session.add(household)
    db.session.flush()
    record(
        "household",
        household.id,
        "household.created",
        actor=actor,
        organisation_id=organisation.id,
        details={"criterion": household.criterion.value},
    )
    return household


def update_household(household: Household, actor, version, **fields) -> None:
    require_lender(actor, household.lender_organisation_id)
    check_version(household, version)
    if household.anonymised_at is not None:
        raise LoanRefused(
            "household_anonymised", _("Ce foyer a été anonymisé : sa fiche ne se modifie plus.")
        )
    kept = ["criterion", "criterion_note", "consent_on"]
    if "consent_on" in fields:  # consent withdrawn: not while contact details stay
        kept += IDENTITY_FIELDS
    merged = {**{key: getattr(household, key) for key in kept}, **fields}
    _check_household_fields(merged, household)
    for key, value in fields.items():
        setattr(household, key, value)
    record(
        "household",
        household.id,
        "household.updated",
        actor=actor,
        organisation_id=household.lender_organisation_id,
        details={"changed": sorted(fields)},
    )
    db.session.flush()


def add_request(
    household: Household, actor, category, priority: int = 2, note: str = ""
) -> LoanRequest:
    require_lender(actor, household.lender_organisation_id)
    if priority not in (1, 2, 3):
        raise InvalidInput("priority", _("Priorité 1, 2 ou 3."), details={"priority": "invalid"})
    check_fields(LoanRequest, {"note": note})
    waiting = waiting_request(household, category)
    if waiting is not None:  # sent twice, or asked again: the waiting list counts it once
        raise LoanRefused(
            "request_already_waiting",
            _(
                "Ce foyer attend déjà un appareil de cette catégorie (demande du %(d)s) : il "
                "n'y figure qu'une fois sur la liste d'attente.",
                d=format_date(waiting.requested_on, "short"),
            ),
            details={"category": "already_waiting"},
        )
    request = LoanRequest(
        household=household,
        category=category,
        priority=priority,
        requested_on=today(),
        note=note.strip(),
    )
    db.session.add(request)
    db.session.flush()
    record(
        "household",
        household.id,
        "household.request_added",
        actor=actor,
        organisation_id=household.lender_organisation_id,
        details={"category": category.value},
    )
    return request


def households_for_reservation(actor, category) -> list[tuple[Household, bool]]:
    """`actor`'s households that can borrow, those waiting for `category` first."""
    waiting = select(LoanRequest.household_id).where(
        LoanRequest.status == RequestStatus.WAITING, LoanRequest.category == category
    )
    rows = db.session.scalars(
        scoped(
            select(Household).where(Household.anonymised_at.is_(None)),
            Household.lender_organisation_id,
            actor,
        )
        .order_by(Household.id.in_(waiting).desc(), Household.reference)
        .limit(200)
    ).all()
    waiting_ids = set(db.session.scalars(waiting))
    return [(household, household.id in waiting_ids) for household in rows]
