"""Sites: their record, maintainers, needs and plans; their park (the devices in service
there) with each PC's last visit, open incidents and availability."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from refurb.auth.models import Organisation, User
from refurb.auth.roles import OrganisationKind, Role
from refurb.bounds import check_fields
from refurb.db_types import utcnow
from refurb.errors import InvalidInput, check_version
from refurb.extensions import db
from refurb.history.services import record
from refurb.i18n import gettext as _
from refurb.inventory.enums import Category, State
from refurb.inventory.models import Device
from refurb.lookups import get_or_none
from refurb.maintenance.enums import OPEN_INCIDENT, SiteKind, VisitStatus
from refurb.maintenance.models import Incident, Plan, Site, SiteNeed, Visit, VisitResult
from refurb.territory.models import Commune

SITE_FIELDS = (
    "name",
    "kind",
    "commune_code",
    "host_organisation_id",
    "contact_name",
    "contact_phone",
    "contact_email",
    "opening_hours",
    "weekly_attendance",
    "attendance_assessed_on",
)


def _check(fields: dict, maintainer_ids: list[int], site=None) -> list[User]:
    if "name" in fields and not fields["name"].strip():
        raise InvalidInput(
            "name_required", _("Le nom du lieu est obligatoire."), details={"name": "required"}
        )
    check_fields(Site, fields, site)
    if fields.get("commune_code") and db.session.get(Commune, fields["commune_code"]) is None:
        raise InvalidInput(
            "unknown_commune", _("Commune inconnue dans le Gers."), details={"commune": "unknown"}
        )
    host_id = fields.get("host_organisation_id")
    if host_id is not None:
        host = get_or_none(Organisation, host_id)
        if host is None or host.kind != OrganisationKind.SITE_HOST:
            raise InvalidInput(
                "unknown_host",
                _("Choisissez l'organisation qui accueille le lieu (un lieu d'accueil)."),
                details={"host_organisation_id": "unknown"},
            )
    maintainers = [get_or_none(User, user_id) for user_id in maintainer_ids]
    if any(m is None or not m.has_role(Role.MAINTAINER) or m.is_admin for m in maintainers):
        raise InvalidInput(
            "not_a_maintainer",
            _("Seules des personnes ayant le rôle de mainteneur peuvent être affectées au lieu."),
            details={"maintainer_ids": "invalid"},
        )
    return maintainers


def _set_needs(site: Site, needs: dict[Category, int]) -> None:
    for category, count in needs.items():
        if not isinstance(count, int) or not 0 <= count <= 200:
            raise InvalidInput(
                "needs_out_of_range",
                _("Besoin en postes : un nombre entre 0 et 200."),
                details={f"need_{category.value}": "out_of_range"},
            )
    site.needs = [SiteNeed(category=c, count=n) for c, n in sorted(needs.items()) if n]


def create_site(actor, *, maintainer_ids=(), needs=None, **fields) -> Site:
    """Record a site; the plans of the departmental protocol apply to it."""
    maintainers = _check(fields, list(maintainer_ids))
    site = Site(**{k: v for k, v in fields.items() if k in SITE_FIELDS})
    site.maintainers = maintainers
    site.plans = list(db.session.scalars(select(Plan).where(Plan.is_departmental)))
    db.session.add(site)
    _set_needs(site, needs or {})
    db.session.flush()
    record("site", site.id, "site.created", actor=actor, details={"kind": site.kind.value})
    return site


def update_site(site: Site, actor, version, *, maintainer_ids=None, needs=None, **fields) -> None:
    check_version(site, version)
    maintainers = _check(fields, list(maintainer_ids or []), site)
    for key, value in fields.items():
        setattr(site, key, value)
    if maintainer_ids is not None:
        site.maintainers = maintainers
    if needs is not None:
        _set_needs(site, needs)
    record("site", site.id, "site.updated", actor=actor, details={"changed": sorted(fields)})
    db.session.flush()


def rotation_pool() -> Site | None:
    return db.session.scalar(select(Site).where(Site.kind == SiteKind.ROTATION_POOL).limit(1))


def park(site_ids, as_of: datetime | None = None) -> list[Device]:
    """The devices in service at the sites (put in service by `as_of`, if given), by tag."""
    statement = select(Device).where(Device.site_id.in_(site_ids), Device.state == State.DEPLOYED)
    if as_of is not None:
        statement = statement.where(Device.state_changed_at <= as_of)
    return list(db.session.scalars(statement.order_by(Device.tag)))


@dataclass
class ParkRow:
    device: Device
    last_visit_at: datetime | None
    open_incidents: int
    availability: float


def park_rows(site: Site, days: int = 90) -> list[ParkRow]:
    """Each PC of the park with its last visit, open incidents and availability (last `days`)."""
    from refurb.maintenance.figures import device_availability

    devices = park([site.id])
    ids = [d.id for d in devices]
    last_visits = dict(
        db.session.execute(
            select(VisitResult.device_id, func.max(Visit.completed_at))
            .join(Visit, Visit.id == VisitResult.visit_id)
            .where(VisitResult.device_id.in_(ids), Visit.status == VisitStatus.COMPLETED)
            .group_by(VisitResult.device_id)
        ).all()
    )
    incidents = dict(
        db.session.execute(
            select(Incident.device_id, func.count())
            .where(
                Incident.device_id.in_(ids),
                Incident.status.in_(OPEN_INCIDENT),
            )
            .group_by(Incident.device_id)
        ).all()
    )
    end = utcnow()
    availability = device_availability(ids, end - timedelta(days=days), end)
    return [
        ParkRow(d, last_visits.get(d.id), incidents.get(d.id, 0), availability.get(d.id, 1.0))
        for d in devices
    ]


def needs_against_park(site_ids) -> dict[int, list[tuple[Category, int, int]]]:
    """Per site: (category, PCs needed, PCs in service) for every category needed or present."""
    present = {}
    for site_id, category, count in db.session.execute(
        select(Device.site_id, Device.category, func.count())
        .where(Device.site_id.in_(site_ids), Device.state == State.DEPLOYED)
        .group_by(Device.site_id, Device.category)
    ):
        present[(site_id, category)] = count
    wanted = {
        (n.site_id, n.category): n.count
        for n in db.session.scalars(select(SiteNeed).where(SiteNeed.site_id.in_(site_ids)))
    }
    result: dict[int, list] = {site_id: [] for site_id in site_ids}
    for site_id, category in sorted(set(present) | set(wanted), key=lambda k: (k[0], k[1].value)):
        result[site_id].append(
            (category, wanted.get((site_id, category), 0), present.get((site_id, category), 0))
        )
    return result
