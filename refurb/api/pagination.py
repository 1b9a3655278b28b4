"""One way to page every list of the API (DESIGN §7): `?page=&per_page=` →
`{"items": [...], "total", "page", "per_page"}`, with the same schema in the OpenAPI document."""

from functools import cache

from marshmallow import Schema, fields, validate
from sqlalchemy import Select, func, select

from refurb.extensions import db

MAX_PAGE = 1_000_000


class PageQuery(Schema):
    """The paging arguments every list takes; list queries extend it."""

    page = fields.Integer(load_default=1, validate=validate.Range(1, MAX_PAGE))
    per_page = fields.Integer(load_default=50, validate=validate.Range(1, 200))


@cache
def page_of(item_schema: type[Schema]) -> type[Schema]:
    """The envelope schema of a list of `item_schema` (one per item type, named after it)."""
    name = item_schema.__name__.removesuffix("Schema").removesuffix("Out") + "Page"
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema)),
            "total": fields.Integer(),
            "page": fields.Integer(),
            "per_page": fields.Integer(),
        },
        name=name,
    )


def paginate(source: Select | list, args: dict) -> dict:
    """One page of a query (counted in SQL) or of a list already computed."""
    page, per_page = args["page"], args["per_page"]
    offset = (page - 1) * per_page
    if isinstance(source, Select):
        total = db.session.scalar(
            select(func.count()).select_from(source.order_by(None).subquery())
        )
        items = db.session.scalars(source.limit(per_page).offset(offset)).all()
    else:
        total, items = len(source), source[offset : offset + per_page]
    return {"items": items, "total": total, "page": page, "per_page": per_page}
