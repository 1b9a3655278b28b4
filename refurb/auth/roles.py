"""The roles of DESIGN §2 and the kinds of organisation, with their French labels."""

import enum

from refurb.i18n import lazy_gettext as _l


class Role(enum.StrEnum):
    ADMIN = "admin"
    TECHNICIAN = "technician"
    LENDER = "lender"
    MAINTAINER = "maintainer"
    SITE_STAFF = "site_staff"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.ADMIN: _l("Coordination"),
    Role.TECHNICIAN: _l("Technicien·ne / bénévole réparateur"),
    Role.LENDER: _l("Prêt aux foyers"),
    Role.MAINTAINER: _l("Maintenance des sites"),
    Role.SITE_STAFF: _l("Personnel d'un lieu d'accueil"),
    Role.VIEWER: _l("Lecture des tableaux de bord"),
}


class OrganisationKind(enum.StrEnum):
    COORDINATOR = "coordinator"
    WORKSHOP = "workshop"
    LENDER = "lender"
    SITE_HOST = "site_host"
    FUNDER = "funder"
    DONOR = "donor"
    RECYCLER = "recycler"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])


KIND_LABELS = {
    OrganisationKind.COORDINATOR: _l("Coordination du programme"),
    OrganisationKind.WORKSHOP: _l("Atelier de reconditionnement"),
    OrganisationKind.LENDER: _l("Association de prêt"),
    OrganisationKind.SITE_HOST: _l("Lieu d'accueil (mairie, médiathèque…)"),
    OrganisationKind.FUNDER: _l("Financeur"),
    OrganisationKind.DONOR: _l("Donateur"),
    OrganisationKind.RECYCLER: _l("Recycleur / éco-organisme"),
}


# The kinds of organisation where each role makes sense: a role given elsewhere is refused
# (a lender's role in a recycler's team would let it see households).
ROLE_KINDS = {
    Role.ADMIN: frozenset({OrganisationKind.COORDINATOR}),
    Role.TECHNICIAN: frozenset({OrganisationKind.WORKSHOP}),
    Role.LENDER: frozenset({OrganisationKind.LENDER}),
    Role.MAINTAINER: frozenset({OrganisationKind.WORKSHOP, OrganisationKind.COORDINATOR}),
    Role.SITE_STAFF: frozenset({OrganisationKind.SITE_HOST}),
    Role.VIEWER: frozenset(
        {OrganisationKind.FUNDER, OrganisationKind.COORDINATOR, OrganisationKind.SITE_HOST}
    ),
}
