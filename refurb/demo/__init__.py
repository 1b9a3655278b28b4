"""Demonstration data: the programme's organisations and one user per role.

Loaded by `refurb demo` (and `make run`) into an empty database only. Every demo account shares
one password, printed with the logins; it is for local demonstrations, never for production.
"""

from sqlalchemy import select

from refurb.auth import services
from refurb.auth.models import User
from refurb.auth.roles import OrganisationKind as Kind
from refurb.auth.roles import Role
from refurb.extensions import db

DEMO_PASSWORD = "demo-refurb-gers"  # noqa: S105 - shared demo password, printed to the user
DEMO_DOMAIN = "demo.refurb.fr"

ORGANISATIONS = [
    ("Gers Numérique", Kind.COORDINATOR, "32013"),
    ("Conseil Départemental du Gers", Kind.FUNDER, "32013"),
    ("AG2I", Kind.WORKSHOP, "32013"),
    ("Coll.In — atelier Courtcirclic", Kind.WORKSHOP, "32132"),
    ("Gers Solidaire", Kind.LENDER, "32013"),
    ("Garros Services", Kind.LENDER, "32013"),
    ("Médiathèque d'Auch", Kind.SITE_HOST, "32013"),
    ("Mairie de Marciac", Kind.SITE_HOST, "32233"),
    ("France Services de Mirande", Kind.SITE_HOST, "32256"),
    ("Ecologic — point de collecte DEEE", Kind.RECYCLER, "32013"),
]
# What a household needs to reach its association (printed on the loan documents).
CONTACTS = {
    "Gers Solidaire": {
        "address": "12 rue Victor Hugo, 32000 Auch",
        "phone": "05 62 05 00 00",
        "email": "pret@gers-solidaire.example",
    },
    "Garros Services": {
        "address": "3 place du Garros, 32000 Auch",
        "phone": "05 62 61 00 00",
        "email": "accueil@garros-services.example",
    },
}

USERS = [
    ("coordination", "Claire Dupouy", "Gers Numérique", Role.ADMIN),
    ("atelier", "Karim Benali", "AG2I", Role.TECHNICIAN),
    ("benevole", "Jean Lacoste", "Coll.In — atelier Courtcirclic", Role.TECHNICIAN),
    ("pret", "Sophie Martin", "Gers Solidaire", Role.LENDER),
    ("pret.garros", "Nadia Ferreira", "Garros Services", Role.LENDER),
    ("maintenance", "Luc Sarrade", "Gers Numérique", Role.MAINTAINER),
    ("mediatheque", "Anne Castéra", "Médiathèque d'Auch", Role.SITE_STAFF),
    ("mairie.marciac", "Pierre Abadie", "Mairie de Marciac", Role.SITE_STAFF),
    ("departement", "Hélène Sourbès", "Conseil Départemental du Gers", Role.VIEWER),
]


def demo_email(login: str) -> str:
    return f"{login}@{DEMO_DOMAIN}"


def is_loaded() -> bool:
    return (
        db.session.scalar(select(User).where(User.email == demo_email("coordination"))) is not None
    )


def load() -> None:
    organisations = {}
    for name, kind, commune in ORGANISATIONS:
        organisations[name] = services.create_organisation(
            name, kind, commune, None, **CONTACTS.get(name, {})
        )
    for login, full_name, organisation, role in USERS:
        services.create_user(
            demo_email(login), full_name, organisations[organisation], role, None, DEMO_PASSWORD
        )
    db.session.flush()
    from datetime import timedelta

    from refurb.db_types import utcnow
    from refurb.demo.inventory import load_inventory
    from refurb.demo.loans import load_loans
    from refurb.demo.maintenance import load_history, load_sites

    load_sites(utcnow() - timedelta(days=560))
    load_inventory()
    load_loans()
    load_history()


def logins_text() -> str:
    lines = [f"Comptes de démonstration (mot de passe commun : {DEMO_PASSWORD})"]
    for login, full_name, organisation, role in USERS:
        lines.append(f"  {demo_email(login):38} {role.value:11} {full_name}, {organisation}")
    return "\n".join(lines)
