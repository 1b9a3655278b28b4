"""Communes and EPCI, loaded from the shipped INSEE reference file by `refurb init`."""

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from refurb.extensions import db


class Epci(db.Model):
    """An intercommunalité (CA, CC), identified by its SIREN."""

    __tablename__ = "epcis"

    siren: Mapped[str] = mapped_column(String(9), primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(8))

    def __repr__(self) -> str:
        return f"<Epci {self.name!r}>"


class Commune(db.Model):
    """A commune of the Gers, identified by its INSEE code."""

    __tablename__ = "communes"

    insee_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    postal_codes: Mapped[str] = mapped_column(String(64))
    population: Mapped[int]
    epci_siren: Mapped[str] = mapped_column(ForeignKey("epcis.siren"), index=True)

    epci: Mapped[Epci] = relationship(lazy="joined")

    @property
    def label(self) -> str:
        """What people type and read: the name and the postal code(s)."""
        return f"{self.name} ({self.postal_codes.replace(' ', ', ')})"

    def __repr__(self) -> str:
        return f"<Commune {self.insee_code} {self.name!r}>"
