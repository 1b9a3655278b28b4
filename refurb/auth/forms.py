"""Forms for sign-in, passwords, tokens, organisations, users and roles."""

from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields import TelField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from refurb.auth.passwords import MIN_LENGTH
from refurb.auth.roles import OrganisationKind, Role
from refurb.i18n import lazy_gettext as _l
from refurb.territory.fields import CommuneField


def role_choices():
    # A blank first choice: nobody gets a role (least of all admin) by leaving the default.
    return [("", _l("— choisissez un rôle —"))] + [(r.value, r.label) for r in Role]


def kind_choices():
    return [(k.value, k.label) for k in OrganisationKind]


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Adresse e-mail"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "username", "autofocus": True},
    )
    password = PasswordField(
        _l("Mot de passe"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()
    submit = SubmitField(_l("Se connecter"))


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Nouveau mot de passe"),
        validators=[DataRequired(), Length(min=MIN_LENGTH)],
        description=_l(
            "Au moins %(n)d caractères. Une phrase facile à retenir convient bien.", n=MIN_LENGTH
        ),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Confirmez le mot de passe"),
        validators=[DataRequired(), EqualTo("password", _l("Les deux mots de passe diffèrent."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Enregistrer le mot de passe"))


class ChangePasswordForm(SetPasswordForm):
    current_password = PasswordField(
        _l("Mot de passe actuel"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Changer le mot de passe"))


class TokenForm(FlaskForm):
    name = StringField(
        _l("Nom du jeton"),
        validators=[DataRequired(), Length(max=80)],
        description=_l("Par exemple : script d'inventaire de l'atelier."),
    )
    submit = SubmitField(_l("Créer un jeton"))


class ConfirmForm(FlaskForm):
    """A button that posts (with its CSRF token) and nothing else."""

    submit = SubmitField(_l("Confirmer"))


class OrganisationForm(FlaskForm):
    name = StringField(_l("Nom"), validators=[DataRequired(), Length(min=2, max=160)])
    kind = SelectField(_l("Type"), choices=kind_choices, validators=[DataRequired()])
    commune = CommuneField(_l("Commune"), validators=[DataRequired()])
    address = StringField(_l("Adresse"), validators=[Optional(), Length(max=255)])
    email = EmailField(
        _l("E-mail de contact"),
        validators=[Optional(), Email(), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    phone = TelField(
        _l("Téléphone"),
        validators=[Optional(), Length(max=32)],
        render_kw={"autocomplete": "tel"},
    )
    version = HiddenField()
    submit = SubmitField(_l("Enregistrer"))


class UserCreateForm(FlaskForm):
    name = StringField(_l("Nom et prénom"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Adresse e-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    organisation = SelectField(_l("Organisation"), coerce=int, validators=[DataRequired()])
    role = SelectField(_l("Rôle"), choices=role_choices, validators=[DataRequired()])
    submit = SubmitField(_l("Créer le compte"))


class UserEditForm(FlaskForm):
    name = StringField(_l("Nom et prénom"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Adresse e-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    version = HiddenField()
    submit = SubmitField(_l("Enregistrer"))


class MembershipForm(FlaskForm):
    organisation = SelectField(_l("Organisation"), coerce=int, validators=[DataRequired()])
    role = SelectField(_l("Rôle"), choices=role_choices, validators=[DataRequired()])
    submit = SubmitField(_l("Donner ce rôle"))
