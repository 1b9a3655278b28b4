"""Maintenance forms."""

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from refurb.fields import FrenchIntegerField
from refurb.i18n import lazy_gettext as _l
from refurb.inventory.forms import optional_int
from refurb.maintenance.enums import IncidentCategory, IncidentImpact, SiteKind
from refurb.territory.fields import CommuneField

NO_PERSONAL = _l("Pas de nom ni de donnée personnelle ici : décrivez le problème.")


class SiteForm(FlaskForm):
    name = StringField(_l("Nom du lieu"), validators=[DataRequired(), Length(max=160)])
    kind = SelectField(
        _l("Type de lieu"),
        choices=lambda: SiteKind.choices(_l("— choisissez —")),
        validators=[DataRequired()],
    )
    commune = CommuneField(_l("Commune"), validators=[DataRequired()])
    host_organisation_id = SelectField(
        _l("Organisation qui accueille"), coerce=optional_int, validators=[Optional()]
    )
    contact_name = StringField(_l("Contact sur place"), validators=[Optional(), Length(max=120)])
    contact_phone = StringField(
        _l("Téléphone du lieu"),
        validators=[Optional(), Length(max=32)],
        render_kw={"type": "tel", "autocomplete": "tel"},
    )
    contact_email = StringField(
        _l("E-mail du lieu"),
        validators=[Optional(), Email(), Length(max=254)],
        render_kw={"type": "email", "autocomplete": "email"},
    )
    opening_hours = TextAreaField(
        _l("Horaires d'ouverture"),
        validators=[Optional(), Length(max=500)],
        description=_l("Montrés aux mainteneurs et sur la page publique des PC."),
    )
    weekly_attendance = FrenchIntegerField(
        _l("Fréquentation (personnes par semaine)"),
        validators=[Optional(), NumberRange(0, 100000)],
    )
    attendance_assessed_on = DateField(_l("Fréquentation évaluée le"), validators=[Optional()])
    maintainer_ids = SelectMultipleField(_l("Mainteneurs affectés"), coerce=int)
    version = HiddenField()
    submit = SubmitField(_l("Enregistrer"))


class IncidentForm(FlaskForm):
    """Signed-in report (site staff, maintainers)."""

    device_id = SelectField(_l("PC concerné"), coerce=optional_int, validators=[DataRequired()])
    category = SelectField(
        _l("Quel est le problème ?"),
        choices=lambda: IncidentCategory.choices(_l("— choisissez —")),
        validators=[DataRequired()],
    )
    impact = SelectField(
        _l("Le PC est-il utilisable ?"),
        choices=lambda: IncidentImpact.choices(),
        validators=[DataRequired()],
    )
    description = TextAreaField(
        _l("Précisions"), validators=[Optional(), Length(max=2000)], description=NO_PERSONAL
    )
    submit = SubmitField(_l("Signaler"))


class PublicIncidentForm(FlaskForm):
    """The public's report from a PC's label: no account, nothing personal required."""

    category = SelectField(
        _l("Quel est le problème ?"),
        choices=lambda: IncidentCategory.choices(_l("— choisissez —")),
        validators=[DataRequired(_l("Choisissez ce qui ne va pas."))],
    )
    description = TextAreaField(
        _l("En quelques mots (facultatif)"),
        validators=[Optional(), Length(max=1000)],
        description=NO_PERSONAL,
    )
    contact = StringField(
        _l("Pour être prévenu de la réparation (facultatif)"),
        validators=[Optional(), Length(max=120)],
        description=_l("Un e-mail ou un téléphone ; vu seulement par l'équipe de maintenance."),
    )
    # Left empty by people; filled by robots that fill every field.
    website = StringField(_l("Ne pas remplir"), validators=[Optional()])
    submit = SubmitField(_l("Envoyer le signalement"))


class IncidentStepForm(FlaskForm):
    note = TextAreaField(
        _l("Ce qui a été fait"), validators=[Optional(), Length(max=2000)], description=NO_PERSONAL
    )
    version = HiddenField()
    submit = SubmitField(_l("Confirmer"))


class CompleteVisitForm(FlaskForm):
    minutes_spent = FrenchIntegerField(
        _l("Temps passé (minutes)"), validators=[DataRequired(), NumberRange(1, 24 * 60)]
    )
    notes = TextAreaField(_l("Remarques sur la visite"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Terminer la visite"))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("Confirmer"))


class PlanForm(FlaskForm):
    name = StringField(_l("Nom du plan"), validators=[DataRequired(), Length(max=120)])
    interval_days = FrenchIntegerField(
        _l("Intervalle (jours)"), validators=[DataRequired(), NumberRange(1, 730)]
    )
    version = HiddenField()
    submit = SubmitField(_l("Enregistrer une nouvelle version"))
