"""Finding devices: the filtered, sorted list and its CSV export (aggregates in SQL, no N+1)."""

import io
from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import func, literal_column, or_, select, table

from refurb.errors import DomainError, InvalidInput
from refurb.extensions import db
from refurb.i18n import gettext as _
from refurb.inventory import tags
from refurb.inventory.enums import Category, Grade, State
from refurb.inventory.models import Collection, Device, DeviceCount, Donor
from refurb.inventory.services.intake import normalise_serial
from refurb.lookups import MAX_ID
from refurb.spreadsheets import BOM, FrenchWriter

SORTS = {
    "recent": (Device.created_at.desc(), Device.id.desc()),
    "oldest": (Device.created_at.asc(), Device.id.asc()),
    "tag": (Device.tag.asc(),),
    "state": (Device.state.asc(), Device.created_at.desc(), Device.id.desc()),
    "category": (Device.category.asc(), Device.created_at.desc(), Device.id.desc()),
}


@dataclass
class DeviceFilters:
    state: str = ""
    category: str = ""
    grade: str = ""
    collection_id: int | None = None
    donor_id: int | None = None
    q: str = ""
    sort: str = "recent"
    page: int = 1
    per_page: int = 50

    @classmethod
    def from_args(cls, args) -> "DeviceFilters":
        def integer(name, default=None):
            try:
                return int(args.get(name)) if args.get(name) not in (None, "") else default
            except ValueError:
                return default

        def record_id(name):  # beyond what a database id can be, it names nothing: said
            found = integer(name)
            if found is not None and not 0 < found <= MAX_ID:
                raise InvalidInput(
                    "id_out_of_range", _("Numéro invalide."), details={name: "out_of_range"}
                )
            return found

        return cls(
            state=args.get("state", "") if args.get("state") in State.__members__.values() else "",
            category=args.get("category", "")
            if args.get("category") in Category.__members__.values()
            else "",
            grade=args.get("grade", "") if args.get("grade") in Grade.__members__.values() else "",
            collection_id=record_id("collection_id"),
            donor_id=record_id("donor_id"),
            q=(args.get("q") or "").strip()[:80],
            sort=args.get("sort") if args.get("sort") in SORTS else "recent",
            page=max(integer("page", 1), 1),
            per_page=min(max(integer("per_page", 50), 1), 200),
        )

    def as_args(self, **overrides) -> dict:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(overrides)
        return {
            k: v
            for k, v in values.items()
            if v not in (None, "", 1, 50, "recent") or k in overrides
        }


def contains(column, pattern: str):
    """Case-insensitive LIKE without lower() on every row: SQLite's LIKE already ignores
    ASCII case; PostgreSQL has ILIKE."""
    if db.engine.dialect.name == "postgresql":
        return column.ilike(pattern)
    return column.like(pattern)


# SQLite's trigram index of the searched columns (migration 0010); a phrase of three symbols or
# more matches where it appears inside a column, whatever the case, through the index.
SEARCH_INDEX = table("device_search")
TRIGRAM = 3


def text_matches(q: str):
    """Devices whose tag, brand or model contains `q`, through an index on both databases
    (PostgreSQL: trigram GIN indexes; SQLite: the FTS5 trigram table)."""
    if db.engine.dialect.name == "sqlite" and len(q) >= TRIGRAM:
        # the serial is matched whole (as on PostgreSQL), not in part
        phrase = '{tag brand model} : "' + q.replace('"', '""') + '"'
        return Device.id.in_(
            select(literal_column("rowid"))
            .select_from(SEARCH_INDEX)
            .where(literal_column("device_search").op("MATCH")(phrase))
        )
    pattern = f"%{q}%"
    return or_(
        contains(Device.model, pattern),
        contains(Device.brand, pattern),
        Device.tag.like(f"%{q.upper()}%"),
    )


def filtered(filters: DeviceFilters):
    """The WHERE part of the list, shared by the page, the count, the API and the export."""
    conditions = []
    if filters.state:
        conditions.append(Device.state == State(filters.state))
    if filters.category:
        conditions.append(Device.category == Category(filters.category))
    if filters.grade:
        conditions.append(Device.grade == Grade(filters.grade))
    if filters.collection_id:
        conditions.append(Device.collection_id == filters.collection_id)
    if filters.donor_id:
        conditions.append(
            Device.collection_id.in_(
                select(Collection.id).where(Collection.donor_id == filters.donor_id)
            )
        )
    if filters.q:
        try:
            conditions.append(Device.tag == tags.parse_tag(filters.q))
        except DomainError:
            conditions.append(
                or_(
                    Device.serial_number == normalise_serial(filters.q),
                    text_matches(filters.q),
                )
            )
    return conditions


def _rows(filters: DeviceFilters, device_columns=(Device,)):
    return (
        select(*device_columns, Collection.reference, Donor.name)
        .outerjoin(Collection, Collection.id == Device.collection_id)
        .outerjoin(Donor, Donor.id == Collection.donor_id)
        .where(*filtered(filters))
        .order_by(*SORTS[filters.sort])
    )


@dataclass(frozen=True, slots=True)
class ListedDevice:
    """What the list page shows of a device: a row of 8 columns, not the 48 of a Device and its
    media (loading those was half the page's SQL time and a quarter of its Python)."""

    tag: str
    category: Category
    brand: str
    model: str
    serial_number: str | None
    state: State
    grade: Grade | None
    created_at: datetime

    brand_and_model = Device.brand_and_model
    title = Device.title


LISTED = [getattr(Device, f.name) for f in fields(ListedDevice)]


def search_devices(
    filters: DeviceFilters, *, listed_only: bool = False
) -> tuple[list, int, dict[str, int]]:
    """One page of (device, collection reference, donor name) rows, the total count, and the
    count per state whatever the state filter (the list's state links). The devices are
    Device entities, or ListedDevice rows when `listed_only` (the list page)."""
    statement = _rows(filters, LISTED if listed_only else [Device])
    page_of = (filters.page - 1) * filters.per_page
    if _counts_with_the_page(filters):
        # Each state's count computed over the rows the page is taken from, in the page's own
        # statement: a text search's index scan runs once, not twice.
        windows = [func.count().filter(Device.state == state).over() for state in State]
        rows = db.session.execute(
            statement.add_columns(*windows).limit(filters.per_page).offset(page_of)
        ).all()
        page = [row[: -len(State)] for row in rows]
        if rows:
            per_state = zip(State, rows[0][-len(State) :], strict=True)
            counts = {state.value: n for state, n in per_state if n}
        else:  # a page past the end has no row to carry the counts
            counts = state_counts(filters)
    else:
        counts = state_counts(filters)
        page = db.session.execute(statement.limit(filters.per_page).offset(page_of)).all()
    total = counts.get(filters.state, 0) if filters.state else sum(counts.values())
    if listed_only:
        width = len(LISTED)
        return [(ListedDevice(*row[:width]), *row[width:]) for row in page], total, counts
    return page, total, counts


def _from_counters(filters: DeviceFilters) -> bool:
    """Filters on state, category and grade alone: the counters the database keeps answer."""
    return not (filters.collection_id or filters.donor_id or filters.q)


def _counts_with_the_page(filters: DeviceFilters) -> bool:
    """The counts per state must be counted (not read from the counters) and the page is taken
    from the same rows (no state filter): one statement gives both."""
    return not _from_counters(filters) and not filters.state


def devices_for_tags(text: str) -> tuple[list[Device], dict[str, str]]:
    """Devices for typed or scanned tags (one per line, in that order, without repeats), and
    the reason for each line that names none. One query, whatever the number of lines."""
    wanted, problems = [], {}
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        try:
            tag = tags.parse_tag(line)
        except DomainError as refusal:
            problems[line.strip()] = refusal.message
            continue
        if tag not in wanted:
            wanted.append(tag)
    found = {d.tag: d for d in db.session.scalars(select(Device).where(Device.tag.in_(wanted)))}
    for tag in wanted:
        if tag not in found:
            problems[tag] = _("Aucun appareil ne porte cette étiquette.")
    return [found[tag] for tag in wanted if tag in found], problems


def state_counts(filters: DeviceFilters | None = None) -> dict[str, int]:
    """Devices per state among those the other filters keep. Filters on category and grade
    alone read the counters the database keeps (DeviceCount); the others count the rows they
    select, through their indexes."""
    filters = filters or DeviceFilters()
    if _from_counters(filters):
        query = select(DeviceCount.state, func.sum(DeviceCount.devices)).group_by(DeviceCount.state)
        if filters.category:
            query = query.where(DeviceCount.category == filters.category)
        if filters.grade:
            query = query.where(DeviceCount.grade == filters.grade)
        return {state: int(count) for state, count in db.session.execute(query) if count}
    others = filtered(DeviceFilters(**{**filters.__dict__, "state": ""}))
    rows = db.session.execute(
        select(Device.state, func.count()).where(*others).group_by(Device.state)
    )
    return {state.value: count for state, count in rows}


def export_columns() -> list[str]:
    """The export's headers, in the reader's language (French first)."""
    return [
        _("Étiquette"),
        _("Catégorie"),
        _("Marque"),
        _("Modèle"),
        _("Numéro de série"),
        _("Année de fabrication"),
        _("État"),
        _("État esthétique"),
        _("Poids (kg)"),
        _("Système d'exploitation"),
        _("Appareil simplifié"),
        _("Collecte"),
        _("Donateur"),
        _("Reçu le"),
    ]


def export_csv(filters: DeviceFilters) -> Iterator[str]:
    """The whole filtered list as CSV for French Excel (refurb.spreadsheets.FrenchWriter),
    streamed in chunks (personal data never included)."""
    labels = {
        kind: {member: member.label for member in kind} for kind in (Category, State, Grade)
    }  # translated once, not per row
    yes, no = _("oui"), _("non")
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = FrenchWriter(buffer)
    writer.writerow(export_columns())
    statement = _rows(filters).execution_options(yield_per=2000)
    for count, (device, reference, donor) in enumerate(db.session.execute(statement), start=1):
        writer.writerow(
            [
                device.tag,
                labels[Category][device.category],
                device.brand,
                device.model,
                device.serial_number,
                device.year_of_manufacture,
                labels[State][device.state],
                labels[Grade][device.grade] if device.grade else None,
                device.weight_kg,
                device.os,
                yes if device.simplified else no,
                reference,
                donor,
                device.created_at,
            ]
        )
        if count % 1000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
