"""JSON API: the communes of the Gers, searchable by name or postal code."""

from marshmallow import Schema, fields

from refurb.api import BEARER, Blueprint
from refurb.api.pagination import PageQuery, page_of, paginate
from refurb.auth.access import signed_in
from refurb.territory.services import search_communes

blp = Blueprint("api_territory", __name__, url_prefix="/api/v1", description="Communes et EPCI")


class CommuneQuery(PageQuery):
    q = fields.String(load_default="", metadata={"description": "Nom ou code postal"})


class CommuneSchema(Schema):
    insee_code = fields.String()
    name = fields.String()
    postal_codes = fields.Function(lambda c: c.postal_codes.split())
    population = fields.Integer()
    epci_siren = fields.String()
    epci = fields.Function(lambda c: c.epci.name)


@blp.route("/communes")
@signed_in
@blp.arguments(CommuneQuery, location="query")
@blp.response(200, page_of(CommuneSchema))
@blp.doc(security=[BEARER])
def list_communes(args):
    """Communes of the Gers matching a name prefix or a postal code (20 at most)."""
    return paginate(search_communes(args["q"]), args)
