"""Loan forms."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import EmailField, TelField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from refurb.fields import FrenchIntegerField
from refurb.i18n import lazy_gettext as _l
from refurb.inventory.enums import Category
from refurb.loans.enums import PRIORITY_LABELS, Criterion
from refurb.territory.fields import CommuneField

PERSONAL = _l(
    "Données personnelles : facultatives, visibles seulement par votre association, "
    "effacées 24 mois après le dernier prêt."
)
# Every free-text field about a household or its loan (DESIGN §6).
SENSITIVE = _l(
    "N'écrivez ici ni donnée de santé, ni situation familiale ou financière, ni opinion : "
    "seulement ce qui est utile au prêt."
)


class HouseholdForm(FlaskForm):
    organisation_id = SelectField(_l("Association"), coerce=int, validators=[DataRequired()])
    commune = CommuneField(_l("Commune"), validators=[DataRequired()])
    size = FrenchIntegerField(
        _l("Nombre de personnes au foyer"),
        validators=[
            InputRequired(_l("Indiquez le nombre de personnes du foyer.")),
        ],  # its bounds, with the household's other rules: households._check_household_fields
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
        _l("Précision (si « autre »)"),
        validators=[Optional(), Length(max=200)],
        description=SENSITIVE,
    )
    verified_on = DateField(_l("Vérifié le"), validators=[DataRequired()])
    referring_organisation = StringField(
        _l("Orienté par"),
        validators=[Optional(), Length(max=160)],
        description=_l(
            "Par exemple : CCAS d'Auch, Maison des solidarités. Le nom d'une structure, pas "
            "celui d'une personne."
        ),
    )
    contact_name = StringField(
        _l("Nom du contact"), validators=[Optional(), Length(max=120)], description=PERSONAL
    )
    contact_phone = TelField(
        _l("Téléphone"),
        validators=[Optional(), Length(max=32)],
        description=_l("Par exemple 06 12 34 56 78 ou +33 6 12 34 56 78."),
        render_kw={"autocomplete": "tel"},
    )
    contact_email = EmailField(
        _l("E-mail (pour les rappels)"),
        validators=[Optional(), Email(_l("Adresse e-mail invalide.")), Length(max=254)],
        render_kw={"autocomplete": "email"},
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
        choices=list(PRIORITY_LABELS.items()),
        default=2,
    )
    note = StringField(
        _l("Note"),
        validators=[Optional(), Length(max=500)],
        description=SENSITIVE,
    )
    submit = SubmitField(_l("Ajouter à la liste d'attente"))


class ReserveForm(FlaskForm):
    tag = StringField(
        _l("Étiquette de l'appareil"),
        validators=[
            DataRequired(_l("Choisissez un appareil dans la liste ou scannez son étiquette."))
        ],
        description=_l("Choisissez un appareil ci-dessous, ou scannez ou tapez son étiquette."),
        render_kw={"autocapitalize": "characters", "autocomplete": "off"},
    )
    override_reason = StringField(
        _l("Raison d'un deuxième prêt de la même catégorie"),
        validators=[Optional(), Length(max=300)],
        description=SENSITIVE,
    )
    submit = SubmitField(_l("Réserver pour ce foyer"))


class CheckoutForm(FlaskForm):
    accessories = StringField(
        _l("Accessoires remis"),
        validators=[Optional(), Length(max=255)],
        description=_l("Séparés par des virgules : chargeur, housse, souris…"),
    )
    deposit_euros = FrenchIntegerField(
        _l("Caution (€)"),
        validators=[Optional()],  # its bounds, with the hand-over's other rules: lending.checkout
        default=0,
        message=_l("La caution se compte en euros entiers, sans centimes : par exemple 20."),
    )
    start_on = DateField(_l("Date de remise"), validators=[Optional()])
    agreement_accepted = BooleanField(_l("Le foyer a lu les conditions du prêt et les accepte"))
    version = HiddenField()
    submit = SubmitField(_l("Remettre l'appareil"))


class ReturnForm(FlaskForm):
    return_condition = TextAreaField(
        _l("État de l'appareil au retour"),
        validators=[
            DataRequired(_l("Décrivez l'état de l'appareil au retour.")),
            Length(max=1000),
        ],
        description=SENSITIVE,
    )
    missing = SelectMultipleField(
        _l("Accessoires remis qui manquent"),
        choices=[],  # the loan's accessories, set by the view
        validate_choice=False,  # an accessory is kept as it was handed over, whatever is posted
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
    deposit_returned = SelectField(
        _l("Caution"),
        choices=[
            ("", _l("— choisissez —")),
            ("yes", _l("rendue au foyer")),
            ("no", _l("conservée par l'association")),
        ],
        validators=[Optional()],  # asked when the loan had a deposit (the view says so)
    )
    missing_other = StringField(
        _l("Autres manquants"),
        validators=[Optional(), Length(max=255)],
        description=_l("Séparés par des virgules : ce qui manque et n'est pas dans la liste."),
    )
    version = HiddenField()
    submit = SubmitField(_l("Enregistrer le retour"))


class LoanActionForm(FlaskForm):
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)], description=SENSITIVE)
    version = HiddenField()
    confirmed = HiddenField()  # "1" once the confirmation page of an irreversible step is passed
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
    loan_days = FrenchIntegerField(
        _l("Durée d'un prêt (jours)"), validators=[DataRequired(), NumberRange(7, 730)]
    )
    renewal_days = FrenchIntegerField(
        _l("Durée d'un renouvellement (jours)"), validators=[DataRequired(), NumberRange(7, 365)]
    )
    renewal_cap = FrenchIntegerField(
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
