"""A lender organisation's loan rules and its agreement terms (versioned)."""

from importlib.resources import files

from sqlalchemy import select

from refurb.bounds import check_fields
from refurb.errors import InvalidInput, check_version
from refurb.extensions import db
from refurb.history.services import record
from refurb.i18n import gettext as _
from refurb.loans.models import AgreementTerms, LenderSettings
from refurb.loans.scoping import require_lender

DEFAULTS = {"loan_days": 180, "renewal_days": 90, "renewal_cap": 2}


def default_terms() -> str:
    """The starting text of a lender's terms, until the lender writes its own."""
    return files("refurb.loans").joinpath("data", "default_terms.txt").read_text(encoding="utf-8")


def settings_for(organisation_id: int) -> LenderSettings:
    """The lender's settings, or the defaults (not stored: reading writes nothing)."""
    stored = db.session.get(LenderSettings, organisation_id)
    return stored or LenderSettings(organisation_id=organisation_id, version=1, **DEFAULTS)


def current_terms(organisation_id: int) -> AgreementTerms:
    """The terms a loan handed over today is signed under (the default text, not stored, until
    the lender saves its own or a loan is handed over)."""
    stored = db.session.scalar(
        select(AgreementTerms)
        .where(AgreementTerms.organisation_id == organisation_id)
        .order_by(AgreementTerms.version_number.desc())
        .limit(1)
    )
    return stored or AgreementTerms(
        organisation_id=organisation_id, version_number=1, text=default_terms()
    )


def terms_for_signing(organisation_id: int) -> AgreementTerms:
    """The current terms, stored if they were the default, so that a loan can keep them."""
    terms = current_terms(organisation_id)
    if terms.id is None:
        db.session.add(terms)
        db.session.flush()
    return terms


def update_settings(
    actor,
    organisation_id: int,
    version,
    loan_days: int,
    renewal_days: int,
    renewal_cap: int,
    terms_text: str,
) -> None:
    require_lender(actor, organisation_id)
    settings = settings_for(organisation_id)
    check_version(settings, version)
    check_fields(AgreementTerms, {"text": terms_text})
    if not (7 <= loan_days <= 730 and 7 <= renewal_days <= 365 and 0 <= renewal_cap <= 10):
        raise InvalidInput(
            "settings_out_of_range",
            _("Durées ou plafond hors des limites."),
            details={"loan_days": "out_of_range"},
        )
    settings.loan_days, settings.renewal_days, settings.renewal_cap = (
        loan_days,
        renewal_days,
        renewal_cap,
    )
    db.session.add(settings)
    terms = current_terms(organisation_id)
    text = terms_text.strip()
    if text and text != terms.text.strip():
        number = terms.version_number + 1 if terms.id is not None else 1
        db.session.add(
            AgreementTerms(
                organisation_id=organisation_id,
                version_number=number,
                text=text,
                created_by_id=getattr(actor, "id", None),
            )
        )
    record(
        "organisation",
        organisation_id,
        "loans.settings_updated",
        actor=actor,
        organisation_id=organisation_id,
    )
    db.session.flush()
