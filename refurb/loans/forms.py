"""Loan forms."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from refurb.i18n import lazy_gettext as _l
from refurb.inventory.enums import Category
from refurb.loans.enums import Criterion
from refurb.territory.fields import CommuneField

PERSONAL = _l(
    "Données personnelles : facultatives, visibles seulement par votre association, "
    "effacées 24 mois après le dernier prêt."
)


class HouseholdForm(FlaskForm):
    organisation_id = SelectField(_l("Association"), coerce=int, validators=[DataRequired()])
    commune = CommuneField(_l("Commune"), validators=[DataRequired()])
    size = IntegerField(
        _l("Nombre de personnes au foyer"), validators=[DataRequired(), NumberRange(1, 20)]
    )
    criterion = SelectField(
        _l("Critère d'éligibilité vérifié"),
        choices=lambda: Criterion.choices(_l("— choisissez —")),
        validators=[DataRequired()],
        description=_l(
            "Vérifié sur pièce, mais aucun justificatif n'est enregistré, "
            "ni numéro de sécurité sociale."
        ),
    )
    criterion_note = StringField(
        _l("Précision (si « autre »)"), validators=[Optional(), Length(max=200)]
    )
    verified_on = DateField(_l("Vérifié le"), validators=[DataRequired()])
    referring_organisation = StringField(
        _l("Orienté par"),
        validators=[Optional(), Length(max=160)],
        description=_l("Par exemple : CCAS d'Auch, Maison des solidarités."),
    )
    contact_name = StringField(
        _l("Nom du contact"), validators=[Optional(), Length(max=120)], description=PERSONAL
    )
    contact_phone = StringField(_l("Téléphone"), validators=[Optional(), Length(max=32)])
    contact_email = StringField(
        _l("E-mail (pour les rappels)"), validators=[Optional(), Email(), Length(max=254)]
    )
    consent_on = DateField(
        _l("Consentement recueilli le"),
        validators=[Optional()],
        description=_l("Obligatoire si vous enregistrez des coordonnées."),
    )
    version = HiddenField()
    submit = SubmitField(_l("Enregistrer le foyer"))


class RequestForm(FlaskForm):
    category = SelectField(
        _l("Appareil demandé"), choices=Category.choices, validators=[DataRequired()]
    )
    priority = SelectField(
        _l("Priorité"),
        coerce=int,
        choices=[(1, _l("1 — urgente")), (2, _l("2 — normale")), (3, _l("3 — faible"))],
        default=2,
    )
    note = StringField(
        _l("Note"),
        validators=[Optional(), Length(max=500)],
        description=_l("Pas de données sensibles ici."),
    )
    submit = SubmitField(_l("Ajouter à la liste d'attente"))


class ReserveForm(FlaskForm):
    tag = StringField(
        _l("Étiquette de l'appareil"),
        validators=[DataRequired()],
        description=_l("Scannez ou tapez l'étiquette d'un appareil prêt au réemploi."),
        render_kw={"autocapitalize": "characters", "autocomplete": "off"},
    )
    override_reason = StringField(
        _l("Raison d'un deuxième prêt de la même catégorie"),
        validators=[Optional(), Length(max=300)],
    )
    submit = SubmitField(_l("Réserver pour ce foyer"))


class CheckoutForm(FlaskForm):
    accessories = StringField(
        _l("Accessoires remis"),
        validators=[Optional(), Length(max=255)],
        description=_l("Séparés par des virgules : chargeur, housse, souris…"),
    )
    deposit_euros = IntegerField(
        _l("Caution (€)"), validators=[Optional(), NumberRange(0, 1000)], default=0
    )
    start_on = DateField(_l("Date de remise"), validators=[Optional()])
    agreement_accepted = BooleanField(_l("Le foyer a lu et accepté la convention de prêt"))
    version = HiddenField()
    submit = SubmitField(_l("Remettre l'appareil"))


class ReturnForm(FlaskForm):
    return_condition = TextAreaField(
        _l("État de l'appareil au retour"), validators=[DataRequired(), Length(max=1000)]
    )
    missing = StringField(
        _l("Accessoires manquants"),
        validators=[Optional(), Length(max=255)],
        description=_l("Séparés par des virgules, parmi ceux remis."),
    )
    version = HiddenField()
    submit = SubmitField(_l("Enregistrer le retour"))


class LoanActionForm(FlaskForm):
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])
    version = HiddenField()
    submit = SubmitField(_l("Confirmer"))


class SignedAgreementForm(FlaskForm):
    document = FileField(
        _l("Convention signée (PDF ou photo)"),
        validators=[
            FileRequired(_l("Choisissez un fichier.")),
            FileAllowed(["pdf", "jpg", "jpeg", "png"], _l("PDF ou image attendu.")),
        ],
    )
    submit = SubmitField(_l("Joindre"))


class SettingsForm(FlaskForm):
    loan_days = IntegerField(
        _l("Durée d'un prêt (jours)"), validators=[DataRequired(), NumberRange(7, 730)]
    )
    renewal_days = IntegerField(
        _l("Durée d'un renouvellement (jours)"), validators=[DataRequired(), NumberRange(7, 365)]
    )
    renewal_cap = IntegerField(
        _l("Nombre maximal de renouvellements"), validators=[Optional(), NumberRange(0, 10)]
    )
    terms = TextAreaField(
        _l("Conditions du prêt (texte de la convention)"),
        validators=[DataRequired()],
        description=_l(
            "Une modification crée une nouvelle version ; les prêts en cours gardent la leur."
        ),
        render_kw={"rows": 10},
    )
    version = HiddenField()
    submit = SubmitField(_l("Enregistrer"))
