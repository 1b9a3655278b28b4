"""JSON API for households and loans (DESIGN §7). Same services, same organisation boundary
(`refurb.loans.scoping`): a household or loan of another association is a 404."""

from refurb.api import Blueprint

blp = Blueprint("api_loans", __name__, url_prefix="/api/v1", description="Foyers et prêts")

from refurb.loans.api import households, lending  # noqa: E402, F401
