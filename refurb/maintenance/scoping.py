"""Who sees which site, visit and incident, written once for pages and API: the coordinator all,
a maintainer the sites assigned to them, site staff the sites their organisation hosts. Another
site's records are a NotFound (guessed ids reveal nothing)."""

from sqlalchemy import or_, select

from refurb.auth.roles import Role
from refurb.errors import NotFound
from refurb.i18n import gettext as _
from refurb.lookups import get_or_none
from refurb.maintenance.models import Incident, Site, Visit, site_maintainers


def visible_sites(actor):
    """A statement of the sites `actor` may see (all of them for the coordinator)."""
    statement = select(Site)
    if actor.is_admin:
        return statement
    conditions = []
    if actor.has_role(Role.MAINTAINER):
        assigned = select(site_maintainers.c.site_id).where(site_maintainers.c.user_id == actor.id)
        conditions.append(Site.id.in_(assigned))
    hosts = actor.organisation_ids(Role.SITE_STAFF)
    if hosts:
        conditions.append(Site.host_organisation_id.in_(hosts))
    return statement.where(or_(*conditions)) if conditions else statement.where(False)


def visible_site_ids(actor) -> list[int]:
    """The ids of the active sites `actor` may see."""
    from refurb.extensions import db

    return list(
        db.session.scalars(visible_sites(actor).where(Site.is_active).with_only_columns(Site.id))
    )


def scoped_to_sites(statement, site_column, actor):
    if actor.is_admin:
        return statement
    return statement.where(site_column.in_(visible_sites(actor).with_only_columns(Site.id)))


def site_for(actor, site_id) -> Site:
    site = get_or_none(Site, site_id)
    if site is None or not can_see_site(actor, site):
        raise NotFound("not_found", _("Lieu introuvable."))
    return site


def can_see_site(actor, site: Site) -> bool:
    if actor.is_admin or maintains(actor, site):
        return True
    return site.host_organisation_id in actor.organisation_ids(Role.SITE_STAFF)


def maintains(actor, site: Site) -> bool:
    """The coordinator, or a maintainer assigned to the site."""
    if actor.is_admin:
        return True
    return actor.has_role(Role.MAINTAINER) and any(m.id == actor.id for m in site.maintainers)


def incident_for(actor, incident_id) -> Incident:
    incident = get_or_none(Incident, incident_id)
    if incident is None or not can_see_site(actor, incident.site):
        raise NotFound("not_found", _("Incident introuvable."))
    return incident


def visit_for(actor, visit_id) -> Visit:
    visit = get_or_none(Visit, visit_id)
    if visit is None or not maintains(actor, visit.site):
        raise NotFound("not_found", _("Visite introuvable."))
    return visit
