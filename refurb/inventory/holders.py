"""Who holds a device decides who moves it: a device in an open loan moves only through that
loan, a device at a site (reserved for it, or in service there) only by the coordinator, the
workshops, or the maintainers assigned to that site."""

from sqlalchemy import select

from refurb.auth.roles import Role
from refurb.extensions import db
from refurb.i18n import gettext as _
from refurb.inventory.context import Context, Refusal, Via
from refurb.inventory.enums import State as S
from refurb.inventory.models import Device


def site_named(context: Context):
    """The active site named by the action (`site_id`), or None."""
    from refurb.maintenance.models import Site  # maintenance builds on the inventory

    site_id = context.details.get("site_id")
    site = db.session.get(Site, site_id) if isinstance(site_id, int) and site_id > 0 else None
    return site if site is not None and site.is_active else None


def site_refusal(actor, site) -> Refusal | None:
    """A maintainer sends devices only to the sites assigned to them (workshops: anywhere)."""
    if actor is None or actor.has_role(Role.TECHNICIAN) or maintains_site(actor, site.id):
        return None
    return Refusal(
        "site_maintainers_only",
        _("Vous n'êtes pas mainteneur de ce lieu : choisissez l'un des vôtres."),
        details={"site_id": "not_assigned"},
        status=403,
    )


def holder_refusal(device: Device, context: Context) -> Refusal | None:
    """Who holds the device decides who moves it: a device in a loan moves only through that
    loan (whose service checks its association), a device reserved for a site only by the
    coordinator, the workshops or that site's maintainers, and a device in service at a site
    only by the coordinator or that site's maintainers."""
    if context.via != Via.LOAN and device.state in (S.RESERVED, S.ON_LOAN):
        from refurb.loans.enums import LoanStatus
        from refurb.loans.models import Loan  # the loans build on the inventory, not the reverse

        loan = db.session.scalar(
            select(Loan.reference).where(
                Loan.device_id == device.id,
                Loan.status.in_([LoanStatus.RESERVED, LoanStatus.ACTIVE]),
            )
        )
        if loan is not None:
            return Refusal(
                "held_by_loan",
                _(
                    "Cet appareil est tenu par le prêt %(loan)s : il ne change d'état que depuis "
                    "la fiche de ce prêt, par l'association qui prête.",
                    loan=loan,
                ),
                details={"loan": loan},
            )
    actor = context.actor
    reserved_for_site = device.state == S.RESERVED and device.site_id is not None
    workshop = actor is not None and actor.has_role(Role.TECHNICIAN)
    if reserved_for_site and not workshop and not maintains_site(actor, device.site_id):
        return Refusal(
            "site_maintainers_only",
            _(
                "Cet appareil est réservé pour un lieu : seuls la coordination, les ateliers et "
                "les mainteneurs de ce lieu peuvent le déplacer."
            ),
            status=403,
        )
    if device.state == S.DEPLOYED and not maintains_site(actor, device.site_id):
        return Refusal(
            "site_maintainers_only",
            _(
                "Cet appareil est en service dans un lieu : seuls la coordination et les "
                "mainteneurs de ce lieu peuvent le retirer ou le déclarer perdu."
            ),
            status=403,
        )
    return None


def maintains_site(actor, site_id: int | None) -> bool:
    """The coordinator, or a maintainer assigned to the site (None: a procedure, no person)."""
    if actor is None or actor.is_admin:
        return True
    if site_id is None or not actor.has_role(Role.MAINTAINER):
        return False
    from refurb.maintenance.models import site_maintainers

    return (
        db.session.scalar(
            select(site_maintainers.c.user_id).where(
                site_maintainers.c.site_id == site_id, site_maintainers.c.user_id == actor.id
            )
        )
        is not None
    )
