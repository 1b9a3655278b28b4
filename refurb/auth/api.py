"""JSON API: tokens, the signed-in user, organisations."""

from flask import g
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from refurb.api import BEARER, Blueprint
from refurb.api.pagination import PageQuery, page_of, paginate
from refurb.api.schemas import ErrorSchema
from refurb.auth import services, tokens
from refurb.auth.access import allow, current_actor, public, signed_in
from refurb.auth.models import Organisation
from refurb.auth.roles import OrganisationKind, Role
from refurb.auth.session import memberships_shown
from refurb.lookups import get_or_not_found
from refurb.web import client_address

blp = Blueprint(
    "api_auth", __name__, url_prefix="/api/v1", description="Authentification et organisations"
)


class TokenRequest(Schema):
    email = fields.String(required=True)
    password = fields.String(required=True, load_only=True)
    name = fields.String(load_default="API", validate=validate.Length(max=80))


class TokenResponse(Schema):
    token = fields.String(required=True)
    token_id = fields.Integer(required=True)


class MembershipSchema(Schema):
    organisation_id = fields.Integer()
    organisation = fields.Function(lambda m: m.organisation.name)
    role = fields.Function(lambda m: m.role.value)


class UserSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    is_active = fields.Boolean()
    memberships = fields.List(fields.Nested(MembershipSchema))


class OrganisationSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.Function(lambda o: o.kind.value)
    commune_code = fields.String(metadata={"description": "Code INSEE"})
    commune = fields.Function(lambda o: o.commune.name)
    epci_siren = fields.Function(lambda o: o.commune.epci_siren)
    epci = fields.Function(lambda o: o.commune.epci.name)
    is_active = fields.Boolean()


@blp.route("/auth/token", methods=["POST"])
@public
@blp.arguments(TokenRequest)
@blp.response(201, TokenResponse)
@blp.alt_response(401, schema=ErrorSchema)
@blp.alt_response(429, schema=ErrorSchema)
def create_token(payload):
    """Exchange an e-mail and password for a bearer token."""
    user = services.authenticate(payload["email"], payload["password"], client_address())
    raw, token = tokens.create_api_token(user, payload["name"])
    return {"token": raw, "token_id": token.id}


@blp.route("/auth/token", methods=["DELETE"])
@signed_in
@blp.response(204)
@blp.doc(security=[BEARER])
def revoke_token():
    """Revoke the token used for this request."""
    tokens.revoke_api_token(g.api_token, current_actor())


@blp.route("/me")
@signed_in
@blp.response(200, UserSchema)
@blp.doc(security=[BEARER])
def me():
    """The user the token belongs to, with their roles (by organisation name)."""
    user = current_actor()
    shown = ("id", "email", "name", "is_active")
    return {name: getattr(user, name) for name in shown} | {"memberships": memberships_shown(user)}


@blp.route("/organisations")
@signed_in
@blp.arguments(PageQuery, location="query")
@blp.response(200, page_of(OrganisationSchema))
@blp.doc(security=[BEARER])
def list_organisations(args):
    """Organisations: all of them for the coordinator, one's own otherwise."""
    user = current_actor()
    statement = select(Organisation).order_by(Organisation.name, Organisation.id)
    if not user.is_admin:
        statement = statement.where(Organisation.id.in_(user.organisation_ids()))
    return paginate(statement, args)


@blp.route("/organisations/<int:organisation_id>")
@signed_in(organisation_arg="organisation_id")
@blp.response(200, OrganisationSchema)
@blp.alt_response(403, schema=ErrorSchema)
@blp.doc(security=[BEARER])
def get_organisation(organisation_id):
    """One organisation (its members and the coordinator only)."""
    return get_or_not_found(Organisation, organisation_id)


class OrganisationCreate(Schema):
    name = fields.String(required=True, validate=validate.Length(min=2, max=160))
    kind = fields.Enum(OrganisationKind, by_value=True, required=True)
    commune_code = fields.String(required=True, validate=validate.Length(equal=5))
    email = fields.Email(load_default=None)
    phone = fields.String(load_default=None, validate=validate.Length(max=32))
    address = fields.String(load_default=None, validate=validate.Length(max=255))


@blp.route("/organisations", methods=["POST"])
@allow(Role.ADMIN)
@blp.arguments(OrganisationCreate)
@blp.response(201, OrganisationSchema)
@blp.alt_response(400, schema=ErrorSchema)
@blp.doc(security=[BEARER])
def create_organisation(payload):
    """Create an organisation (coordinator only)."""
    organisation = services.create_organisation(
        payload.pop("name"),
        payload.pop("kind"),
        payload.pop("commune_code"),
        current_actor(),
        **payload,
    )
    return organisation
