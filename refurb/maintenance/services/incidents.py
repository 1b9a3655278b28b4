"""Incidents on PCs in service: reported by site staff, maintainers, a failed critical item or
the public from the PC's label (rate-limited, no account, no personal data required); then
acknowledged and resolved (or rejected) by the site's maintainers, each step dated and signed."""

import hashlib
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select

from refurb.bounds import check_fields, phone_problem
from refurb.db_types import utcnow
from refurb.errors import DomainError, InvalidInput, check_version
from refurb.extensions import db
from refurb.history.services import record
from refurb.i18n import gettext as _
from refurb.inventory.enums import State
from refurb.inventory.models import Device
from refurb.maintenance.enums import IncidentImpact, IncidentSource, IncidentStatus
from refurb.maintenance.models import Incident, Site
from refurb.maintenance.scoping import can_see_site, maintains
from refurb.maintenance.workflow import (
    INCIDENT_STEPS,
    IncidentAction,
    MaintenanceRefused,
    require_incident_step,
)
from refurb.numbering import next_reference


class TooManyReports(DomainError):
    status = 429


def _in_service(device: Device) -> Site:
    site = db.session.get(Site, device.site_id) if device.site_id else None
    if device.state != State.DEPLOYED or site is None:
        raise MaintenanceRefused(
            "not_in_service",
            _("Ce PC n'est pas en service dans un lieu : un incident ne s'y signale pas."),
        )
    return site


def report(
    actor,
    device: Device,
    category,
    impact,
    description: str,
    source: IncidentSource,
    *,
    visit=None,
    public_contact: str = "",
    address_digest: str = "",
) -> Incident:
    """Open an incident on a PC in service; its site's maintainers are told."""
    site = _in_service(device)
    if actor is not None and source != IncidentSource.VISIT and not can_see_site(actor, site):
        raise MaintenanceRefused(
            "other_site", _("Ce PC est en service dans un autre lieu que le vôtre."), status=403
        )
    check_fields(Incident, {"description": description, "public_contact": public_contact})
    incident = Incident(
        reference=next_reference("INC"),
        device_id=device.id,
        site_id=site.id,
        category=category,
        impact=impact,
        description=description.strip(),
        source=source,
        reporter_id=getattr(actor, "id", None),
        public_contact=public_contact.strip(),
        address_digest=address_digest,
        visit_id=getattr(visit, "id", None),
        reported_at=utcnow(),
    )
    db.session.add(incident)
    db.session.flush()
    record(
        "incident",
        incident.id,
        "incident.reported",
        actor=actor,
        to_state=IncidentStatus.OPEN.value,
        details={"device": device.tag, "site": site.id, "source": source.value},
    )
    record(
        "device",
        device.id,
        "device.incident_reported",
        actor=actor,
        details={"incident": incident.reference, "impact": impact.value},
    )
    _notify_maintainers(incident, site)
    return incident


def _notify_maintainers(incident: Incident, site: Site) -> None:
    from refurb.mail import mail_configured, send_mail
    from refurb.web import public_url_for

    if not mail_configured():
        return
    link = public_url_for("maintenance.incident", incident_id=incident.id)
    body = _(
        "Bonjour,\n\nUn incident est signalé au lieu « %(site)s » sur le PC %(tag)s :\n%(what)s\n"
        "(%(impact)s)\n\nPour le prendre en charge : %(link)s\n\nrefurb",
        site=site.name,
        tag=incident.device.tag,
        what=incident.category.label
        + (" — " + incident.description if incident.description else ""),
        impact=incident.impact.label,
        link=link,
    )
    for maintainer in site.maintainers:
        try:
            send_mail(
                maintainer.email,
                _("Incident %(ref)s — %(site)s", ref=incident.reference, site=site.name),
                body,
            )
        except OSError:
            current_app.logger.warning("incident mail to %s failed", maintainer.email)


def address_digest(address: str) -> str:
    secret = current_app.config["SECRET_KEY"]
    return hashlib.sha256(f"{secret}:{address}".encode()).hexdigest()


def _check_contact(contact: str) -> None:
    """A contact left for the public's report: an e-mail or a telephone, so that someone can
    really be told of the repair (or nothing)."""
    text = contact.strip()
    if not text or phone_problem(text) is None:
        return
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidInput(
            "contact_unreadable",
            _(
                "Laissez une adresse e-mail (nom@exemple.fr) ou un numéro de téléphone "
                "(06 12 34 56 78) pour être prévenu, ou ne remplissez pas ce champ."
            ),
            details={"contact": "invalid"},
        ) from None


def report_from_label(device: Device, category, description: str, contact: str, address: str):
    """The public's report from a PC's label. Limits: a few reports per address and per PC an
    hour (settings), refused with a clear message beyond."""
    _check_contact(contact)
    digest = address_digest(address)
    since = utcnow() - timedelta(hours=1)
    config = current_app.config
    by_address = db.session.scalar(
        select(func.count()).where(
            Incident.source == IncidentSource.PUBLIC,
            Incident.address_digest == digest,
            Incident.reported_at >= since,
        )
    )
    by_device = db.session.scalar(
        select(func.count()).where(
            Incident.source == IncidentSource.PUBLIC,
            Incident.device_id == device.id,
            Incident.reported_at >= since,
        )
    )
    if by_device >= int(config["PUBLIC_REPORTS_PER_DEVICE_HOUR"]):
        raise TooManyReports(
            "too_many_reports",
            _(
                "Ce problème a déjà été signalé plusieurs fois dans l'heure : il est connu de "
                "l'équipe. Merci ! Si c'est urgent, adressez-vous à l'accueil du lieu."
            ),
        )
    if by_address >= int(config["PUBLIC_REPORTS_PER_ADDRESS_HOUR"]):  # a library's one network
        raise TooManyReports(
            "too_many_reports",
            _(
                "Plusieurs signalements viennent d'être envoyés depuis ce réseau : réessayez "
                "dans une heure, ou signalez ce poste à l'accueil du lieu. Merci !"
            ),
        )
    return report(
        None,
        device,
        category,
        IncidentImpact.BLOCKING,
        description,
        IncidentSource.PUBLIC,
        public_contact=contact,
        address_digest=digest,
    )


def step(actor, incident: Incident, action: IncidentAction, note: str = "", version=None) -> None:
    """Acknowledge, resolve or reject: the site's maintainers (and the coordinator) only; with
    `version`, refused if the incident changed since it was read."""
    if actor is not None and not maintains(actor, incident.site):
        raise MaintenanceRefused(
            "not_assigned",
            _("Seuls les mainteneurs de ce lieu (et la coordination) traitent ses incidents."),
            status=403,
        )
    if version is not None:
        check_version(incident, version)
    require_incident_step(incident, action, note)
    check_fields(Incident, {"resolution": note})
    previous = incident.status
    now = utcnow()
    incident.status = INCIDENT_STEPS[action].target
    if action == IncidentAction.ACKNOWLEDGE:
        incident.acknowledged_at, incident.acknowledged_by_id = now, getattr(actor, "id", None)
    else:
        # Resolving takes charge of it, if nobody had; setting a report aside (spam, duplicate)
        # does not: the time to acknowledge counts the reports someone took on.
        if incident.acknowledged_at is None and action == IncidentAction.RESOLVE:
            incident.acknowledged_at, incident.acknowledged_by_id = now, getattr(actor, "id", None)
        incident.closed_at, incident.closed_by_id = now, getattr(actor, "id", None)
        incident.resolution = note.strip()
    record(
        "incident",
        incident.id,
        f"incident.{incident.status.value}",
        actor=actor,
        from_state=previous.value,
        to_state=incident.status.value,
        note=note.strip() or None,
        details={"device": incident.device.tag, "site": incident.site_id},
    )
    db.session.flush()
