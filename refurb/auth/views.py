"""Sign in and out, set a password from a one-time link, one's own account and API tokens."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from refurb.auth import services
from refurb.auth.access import public, signed_in
from refurb.auth.forms import ChangePasswordForm, ConfirmForm, LoginForm, SetPasswordForm, TokenForm
from refurb.auth.models import ApiToken
from refurb.auth.session import memberships_shown
from refurb.auth.tokens import create_api_token, revoke_api_token
from refurb.extensions import db
from refurb.i18n import gettext as _
from refurb.i18n import safe_next
from refurb.lookups import get_or_not_found
from refurb.web import client_address, refusal_shown

bp = Blueprint("auth", __name__)


@bp.route("/connexion", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm(next=request.args.get("next", ""))
    error, status = None, 200
    if form.validate_on_submit():
        with refusal_shown(show=False) as outcome:
            user = services.authenticate(form.email.data, form.password.data, client_address())
        if outcome.ok:
            login_user(user)
            return redirect(safe_next(form.next.data))
        error, status = outcome.refusal.message, outcome.refusal.status
    return render_template("auth/login.html", form=form, error=error, **_demo_hint()), status


def _demo_hint() -> dict:
    """Demo logins, shown on the sign-in page in demo mode only."""
    if not current_app.config["DEMO"]:
        return {}
    from refurb import demo

    return {
        "demo_password": demo.DEMO_PASSWORD,
        "demo_logins": [(demo.demo_email(u[0]), u[3].label, u[1]) for u in demo.USERS],
    }


@bp.route("/deconnexion", methods=["POST"])
@public
def logout():
    form = ConfirmForm()
    if form.validate_on_submit():
        logout_user()
        flash(_("Vous êtes déconnecté·e."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/mot-de-passe/<token>", methods=["GET", "POST"])
@public
def set_password(token):
    user = services.password_link_user(token)
    if user is None:
        return render_template("auth/link_invalid.html"), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            services.use_password_link(token, form.password.data)
        if outcome.ok:
            logout_user()
            flash(_("Mot de passe enregistré. Vous pouvez vous connecter."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, user=user)


def _account_page(password_form=None, token_form=None, new_token=None, status=200):
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())
    ).all()
    return render_template(
        "auth/account.html",
        password_form=password_form or ChangePasswordForm(prefix="pw"),
        token_form=token_form or TokenForm(prefix="tk"),
        revoke_form=ConfirmForm(),
        tokens=tokens,
        new_token=new_token,
        memberships=memberships_shown(current_user),
    ), status


@bp.route("/compte")
@signed_in
def account():
    return _account_page()


@bp.route("/compte/mot-de-passe", methods=["POST"])
@signed_in
def change_password():
    form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            services.change_password(current_user, form.current_password.data, form.password.data)
        if outcome.ok:
            login_user(current_user)  # the session follows the new password
            flash(_("Votre mot de passe a été changé."), "success")
            return redirect(url_for("auth.account"))
    return _account_page(password_form=form, status=400)


@bp.route("/compte/jetons", methods=["POST"])
@signed_in
def create_token():
    form = TokenForm(prefix="tk")
    if not form.validate_on_submit():
        return _account_page(token_form=form, status=400)
    with refusal_shown(form, "name") as outcome:
        raw, _token = create_api_token(current_user, form.name.data)
    if not outcome.ok:
        return _account_page(token_form=form, status=outcome.refusal.status)
    return _account_page(new_token=raw)


@bp.route("/compte/jetons/<int:token_id>/revoquer", methods=["POST"])
@signed_in
def revoke_token(token_id):
    token = get_or_not_found(ApiToken, token_id)
    if token.user_id != current_user.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("auth.account"))
    revoke_api_token(token, current_user)
    flash(_("Le jeton « %(name)s » est révoqué.", name=token.name), "success")
    return redirect(url_for("auth.account"))
