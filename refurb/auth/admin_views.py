"""The coordinator's pages: organisations, users, roles; an organisation's own page."""

from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, or_, select

from refurb.auth import services
from refurb.auth.access import allow, signed_in
from refurb.auth.forms import (
    ConfirmForm,
    MembershipForm,
    OrganisationForm,
    UserCreateForm,
    UserEditForm,
)
from refurb.auth.models import Membership, Organisation, User
from refurb.auth.roles import OrganisationKind, Role
from refurb.db_types import utcnow
from refurb.extensions import db
from refurb.i18n import gettext as _
from refurb.lookups import get_or_not_found
from refurb.mail import mail_configured, send_mail
from refurb.territory.services import all_communes
from refurb.web import form_status, public_url_for, refusal_shown

bp = Blueprint("admin", __name__)

USERS_PER_PAGE = 50


def organisation_choices():
    rows = db.session.execute(
        select(Organisation.id, Organisation.name)
        .where(Organisation.is_active)
        .order_by(Organisation.name)
    )
    return [(0, _("— choisissez une organisation —"))] + [(row.id, row.name) for row in rows]


# --- Organisations ----------------------------------------------------------------------------


@bp.route("/organisations")
@allow(Role.ADMIN)
def organisations():
    member_counts = (
        select(Membership.organisation_id, func.count(func.distinct(Membership.user_id)).label("n"))
        .group_by(Membership.organisation_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Organisation, func.coalesce(member_counts.c.n, 0))
        .outerjoin(member_counts, member_counts.c.organisation_id == Organisation.id)
        .order_by(Organisation.kind, Organisation.name)
    ).all()
    return render_template("admin/organisations.html", rows=rows)


def _organisation_fields(form: OrganisationForm) -> dict:
    return {
        "name": form.name.data,
        "kind": OrganisationKind(form.kind.data),
        "commune_code": form.commune.data,
        "address": form.address.data or None,
        "email": form.email.data or None,
        "phone": form.phone.data or None,
    }


@bp.route("/organisations/nouvelle", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new_organisation():
    form = OrganisationForm()
    if form.validate_on_submit():
        fields = _organisation_fields(form)
        with refusal_shown(form) as outcome:
            organisation = services.create_organisation(
                fields.pop("name"),
                fields.pop("kind"),
                fields.pop("commune_code"),
                current_user,
                **fields,
            )
        if outcome.ok:
            flash(_("Organisation « %(name)s » créée.", name=organisation.name), "success")
            return redirect(url_for("admin.organisation", organisation_id=organisation.id))
    return render_template(
        "admin/organisation_form.html", form=form, organisation=None, communes=all_communes()
    ), form_status(form)


@bp.route("/organisations/<int:organisation_id>/modifier", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_organisation(organisation_id):
    organisation = get_or_not_found(Organisation, organisation_id)
    form = OrganisationForm(
        obj=organisation,
        data={
            "commune": organisation.commune_code,
            "kind": organisation.kind.value,
            "version": organisation.version,
        },
    )
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            services.update_organisation(
                organisation, current_user, form.version.data, **_organisation_fields(form)
            )
        if outcome.ok:
            flash(_("Organisation enregistrée."), "success")
            return redirect(url_for("admin.organisation", organisation_id=organisation.id))
    return render_template(
        "admin/organisation_form.html",
        form=form,
        organisation=organisation,
        communes=all_communes(),
    ), form_status(form)


@bp.route("/organisations/<int:organisation_id>")
@signed_in(organisation_arg="organisation_id")
def organisation(organisation_id):
    organisation = get_or_not_found(Organisation, organisation_id)
    members = db.session.execute(
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation.id)
        .order_by(User.name)
    ).all()
    return render_template("admin/organisation.html", organisation=organisation, members=members)


# --- Users --------------------------------------------------------------------------------------


@bp.route("/utilisateurs")
@allow(Role.ADMIN)
def users():
    query = request.args.get("q", "").strip()
    role = request.args.get("role", "")
    page = max(request.args.get("page", 1, type=int), 1)
    statement = select(User).order_by(User.name)
    if query:
        pattern = f"%{query.lower()}%"
        statement = statement.where(
            or_(func.lower(User.name).like(pattern), func.lower(User.email).like(pattern))
        )
    if role in {r.value for r in Role}:
        statement = statement.where(
            User.id.in_(select(Membership.user_id).where(Membership.role == Role(role)))
        )
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    people = db.session.scalars(
        statement.limit(USERS_PER_PAGE).offset((page - 1) * USERS_PER_PAGE)
    ).all()
    return render_template(
        "admin/users.html",
        users=people,
        total=total,
        page=page,
        pages=max((total + USERS_PER_PAGE - 1) // USERS_PER_PAGE, 1),
        query=query,
        role=role,
        roles=list(Role),
    )


def _link_page(user: User, raw: str):
    link, mailed = _deliver_link(user, raw)
    expires = utcnow() + timedelta(hours=int(current_app.config["PASSWORD_LINK_HOURS"]))
    return render_template(
        "admin/password_link.html", user=user, link=link, mailed=mailed, expires=expires
    )


def _deliver_link(user: User, raw: str) -> tuple[str, bool]:
    """Return the link and whether it was e-mailed (when SMTP is configured)."""
    link = public_url_for("auth.set_password", token=raw)
    if not mail_configured():
        return link, False
    body = _(
        "Bonjour %(name)s,\n\nUn compte refurb vous a été ouvert. Choisissez votre mot de passe "
        "avec ce lien (valable une seule fois) :\n\n%(link)s\n\nLa coordination Gers Numérique",
        name=user.name,
        link=link,
    )
    try:
        send_mail(user.email, _("Votre compte refurb"), body)
    except OSError:
        return link, False
    return link, True


@bp.route("/utilisateurs/nouveau", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new_user():
    form = UserCreateForm()
    form.organisation.choices = organisation_choices()
    if form.validate_on_submit():
        organisation = get_or_not_found(Organisation, form.organisation.data)
        with refusal_shown(form, "organisation") as outcome:
            services.check_role_fits(organisation, Role(form.role.data))
            user = services.create_user(
                form.email.data, form.name.data, organisation, Role(form.role.data), current_user
            )
            raw = services.issue_password_link(user, current_user)
        if outcome.ok:
            return _link_page(user, raw)
    return render_template("admin/user_new.html", form=form), form_status(form)


def _user_page(user: User, edit_form=None, membership_form=None, status=200):
    if membership_form is None:
        membership_form = MembershipForm(prefix="m")
    membership_form.organisation.choices = organisation_choices()
    if edit_form is None:
        edit_form = UserEditForm(prefix="u", obj=user, data={"version": user.version})
    return render_template(
        "admin/user.html",
        user=user,
        edit_form=edit_form,
        membership_form=membership_form,
        confirm_form=ConfirmForm(),
    ), status


@bp.route("/utilisateurs/<int:user_id>")
@allow(Role.ADMIN)
def user(user_id):
    return _user_page(get_or_not_found(User, user_id))


@bp.route("/utilisateurs/<int:user_id>/modifier", methods=["POST"])
@allow(Role.ADMIN)
def edit_user(user_id):
    person = get_or_not_found(User, user_id)
    form = UserEditForm(prefix="u")
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            services.update_user(
                person, current_user, form.version.data, form.name.data, form.email.data
            )
        if outcome.ok:
            flash(_("Compte enregistré."), "success")
            return redirect(url_for("admin.user", user_id=person.id))
    return _user_page(person, edit_form=form, status=409 if form.form_errors else 400)


@bp.route("/utilisateurs/<int:user_id>/roles", methods=["POST"])
@allow(Role.ADMIN)
def grant_role(user_id):
    person = get_or_not_found(User, user_id)
    form = MembershipForm(prefix="m")
    form.organisation.choices = organisation_choices()
    if form.validate_on_submit():
        organisation = get_or_not_found(Organisation, form.organisation.data)
        with refusal_shown(form) as outcome:
            services.grant_role(person, organisation, Role(form.role.data), current_user)
        if outcome.ok:
            flash(_("Rôle donné."), "success")
            return redirect(url_for("admin.user", user_id=person.id))
    return _user_page(person, membership_form=form, status=400)


def _confirmed_action(user_id: int, action, success: str):
    person = get_or_not_found(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with refusal_shown() as outcome:
        action(person)
    if outcome.ok:
        flash(success, "success")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.route("/utilisateurs/<int:user_id>/roles/<int:membership_id>/retirer", methods=["POST"])
@allow(Role.ADMIN)
def revoke_role(user_id, membership_id):
    membership = get_or_not_found(Membership, membership_id)
    if membership.user_id != user_id:
        abort(404)
    return _confirmed_action(
        user_id, lambda _person: services.revoke_role(membership, current_user), _("Rôle retiré.")
    )


@bp.route("/utilisateurs/<int:user_id>/desactiver", methods=["POST"])
@allow(Role.ADMIN)
def deactivate_user(user_id):
    return _confirmed_action(
        user_id,
        lambda person: services.deactivate_user(person, current_user),
        _("Compte désactivé : cette personne ne peut plus se connecter."),
    )


@bp.route("/utilisateurs/<int:user_id>/reactiver", methods=["POST"])
@allow(Role.ADMIN)
def reactivate_user(user_id):
    return _confirmed_action(
        user_id,
        lambda person: services.reactivate_user(person, current_user),
        _("Compte réactivé."),
    )


@bp.route("/utilisateurs/<int:user_id>/lien", methods=["POST"])
@allow(Role.ADMIN)
def password_link(user_id):
    person = get_or_not_found(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not person.is_active:
        flash(_("Réactivez d'abord ce compte."), "error")
        return redirect(url_for("admin.user", user_id=person.id))
    raw = services.issue_password_link(person, current_user)
    return _link_page(person, raw)
