"""Loading and finding communes."""

import csv
import unicodedata
from importlib.resources import files

from sqlalchemy import or_, select

from refurb.extensions import db
from refurb.territory.models import Commune, Epci

DATA_FILE = "gers_communes.csv"


def load_communes() -> int:
    """Insert or update the communes and EPCI from the shipped file; return the commune count."""
    text = files("refurb.territory").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    epcis = {e.siren: e for e in db.session.scalars(select(Epci))}
    communes = {c.insee_code: c for c in db.session.scalars(select(Commune))}
    for row in rows:
        epci = epcis.get(row["epci_siren"])
        if epci is None:
            epci = epcis[row["epci_siren"]] = Epci(siren=row["epci_siren"])
            db.session.add(epci)
        epci.name, epci.kind = row["epci_name"], row["epci_type"]
        commune = communes.get(row["insee_code"])
        if commune is None:
            commune = Commune(insee_code=row["insee_code"])
            db.session.add(commune)
        commune.name = row["name"]
        commune.postal_codes = row["postal_codes"]
        commune.population = int(row["population"])
        commune.epci_siren = row["epci_siren"]
    db.session.flush()
    return len(rows)


def fold(text: str) -> str:
    """Lower case without accents, hyphens or apostrophes, for forgiving comparisons."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    for mark in "-'’":
        plain = plain.replace(mark, " ")
    return " ".join(plain.split())


def all_communes() -> list[Commune]:
    return list(db.session.scalars(select(Commune).order_by(Commune.name)))


def find_commune(text: str) -> Commune | None:
    """Resolve what a person typed: an INSEE code, a label "Auch (32000)" or an exact name."""
    text = (text or "").strip()
    if not text:
        return None
    commune = db.session.get(Commune, text)
    if commune is not None:
        return commune
    wanted = fold(text)
    for candidate in all_communes():
        if wanted in (fold(candidate.label), fold(candidate.name)):
            return candidate
    return None


def search_communes(query: str, limit: int = 20) -> list[Commune]:
    """Communes whose name starts with, or whose postal code contains, the query."""
    query = (query or "").strip()
    statement = select(Commune).order_by(Commune.name).limit(limit)
    if query.isdigit():
        statement = statement.where(
            or_(Commune.postal_codes.contains(query), Commune.insee_code.startswith(query))
        )
    elif query:
        wanted = fold(query)
        return [c for c in all_communes() if fold(c.name).startswith(wanted)][:limit]
    return list(db.session.scalars(statement))
