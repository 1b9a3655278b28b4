"""Who may use which route: one declaration per view, one check for every request.

Each view is decorated with `@allow(...)`, `@signed_in` or `@public`. A before-request hook reads
that declaration and refuses the request (401, or the sign-in page, then 403) before the view
runs. A view without a declaration is refused: access is closed by default, and a test walks the
URL map to prove every route declares one.

`organisation_arg` names a URL argument holding an organisation id: the user must hold the role
in that organisation (the coordinator passes everywhere). Records that belong to an organisation
without carrying it in the URL are checked by the services with `require_organisation()`.
"""

import logging
from dataclasses import dataclass

from flask import abort, current_app, g, request
from flask_login import AnonymousUserMixin, current_user

from refurb.auth.roles import Role
from refurb.errors import Forbidden
from refurb.i18n import gettext as _

log = logging.getLogger(__name__)

ALWAYS_PUBLIC = {"static", "api-docs.openapi_json"}


@dataclass(frozen=True)
class AccessRule:
    roles: frozenset[Role] = frozenset()  # empty: any signed-in user
    public: bool = False
    organisation_arg: str | None = None


def _declare(view, rule: AccessRule):
    view.access_rule = rule
    return view


def allow(*roles: Role, organisation_arg: str | None = None):
    """Only users holding one of `roles` (in the URL's organisation, if named) may call the view."""

    def decorator(view):
        return _declare(view, AccessRule(frozenset(roles), False, organisation_arg))

    return decorator


def signed_in(view=None, *, organisation_arg: str | None = None):
    """Any signed-in user (a member of the URL's organisation, if named) may call the view."""

    def decorator(view):
        return _declare(view, AccessRule(frozenset(), False, organisation_arg))

    return decorator(view) if view is not None else decorator


def public(view):
    """Anyone, signed in or not, may call the view."""
    return _declare(view, AccessRule(public=True))


def rule_for(endpoint: str) -> AccessRule | None:
    if endpoint in ALWAYS_PUBLIC:
        return AccessRule(public=True)
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


def current_actor():
    """The user behind this request: the bearer token's for the API, the session's otherwise."""
    if request.path.startswith("/api/"):
        return g.get("api_user") or AnonymousUserMixin()
    return current_user


def can_access(user, rule: AccessRule, organisation_id: int | None = None) -> bool:
    if rule.public:
        return True
    if not user.is_authenticated:
        return False
    if rule.roles:
        return user.has_role(*rule.roles, organisation_id=organisation_id)
    if organisation_id is not None:
        return user.is_admin or organisation_id in user.organisation_ids()
    return True


def enforce_access():
    """before_request hook: apply the view's declared rule, refusing undeclared views."""
    if request.endpoint is None:  # no route matched: the 404/405 handlers answer
        return None
    rule = rule_for(request.endpoint)
    if rule is None:
        log.error("route %s declares no access rule: refused", request.endpoint)
        abort(403)
    if rule.public:
        return None
    user = current_actor()
    if not user.is_authenticated:
        if request.path.startswith("/api/"):
            abort(401)
        return current_app.login_manager.unauthorized()
    organisation_id = None
    if rule.organisation_arg:
        organisation_id = (request.view_args or {}).get(rule.organisation_arg)
    if not can_access(user, rule, organisation_id):
        abort(403)
    return None


def require_organisation(user, organisation_id: int, *roles: Role) -> None:
    """For services: refuse unless the user holds one of `roles` in that organisation."""
    if not can_access(user, AccessRule(frozenset(roles)), organisation_id):
        raise Forbidden("other_organisation", _("Cette fiche appartient à une autre organisation."))
