"""Inventory forms. Choices come from the enums; services re-check every rule."""

import secrets

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import EmailField, TelField
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from refurb.db_types import today
from refurb.errors import InvalidInput
from refurb.fields import FrenchDecimalField, FrenchIntegerField
from refurb.i18n import lazy_gettext as _l
from refurb.inventory import tags
from refurb.inventory.enums import (
    Category,
    DonorKind,
    ErasureMethod,
    Grade,
    MediumKind,
    RepairBarrier,
    RepairStatus,
)
from refurb.territory.fields import CommuneField

YEAR_NOT_WHOLE = _l("Saisissez l'année sur quatre chiffres, par exemple 2019.")
NO_SENSITIVE = _l(
    "Pas de données sensibles ici (santé, situation sociale, coordonnées d'un foyer)."
)


def optional_int(value):
    return int(value) if value not in (None, "", "None") else None


def readable_tag(form, field) -> None:
    """A typed tag is checked with the form's other fields, so its typo is said at once."""
    if field.data and field.data.strip():
        try:
            tags.parse_tag(field.data)
        except InvalidInput as refusal:
            raise ValidationError(refusal.message) from refusal


class IntakeForm(FlaskForm):
    category = SelectField(
        _l("Catégorie"),
        choices=lambda: Category.choices(_l("— choisissez —")),
        validators=[DataRequired()],
    )
    tag = StringField(
        _l("Étiquette pré-imprimée"),
        validators=[Optional(), Length(max=24), readable_tag],
        description=_l("Scannez ou tapez l'étiquette collée ; laissez vide pour en créer une."),
        render_kw={"autocapitalize": "characters", "autocomplete": "off"},
    )
    brand = StringField(_l("Marque"), validators=[Optional(), Length(max=80)])
    model = StringField(_l("Modèle"), validators=[Optional(), Length(max=120)])
    serial_number = StringField(
        _l("Numéro de série"),
        validators=[Optional(), Length(max=80)],
        render_kw={"autocomplete": "off"},
    )
    year_of_manufacture = FrenchIntegerField(
        _l("Année de fabrication"), validators=[Optional()], message=YEAR_NOT_WHOLE
    )
    weight_kg = FrenchDecimalField(
        _l("Poids (kg)"),
        places=2,
        validators=[Optional()],
        description=_l("Pesé à la réception ; vide : médiane de la catégorie."),
        render_kw={"inputmode": "decimal"},
    )
    accessories = StringField(
        _l("Accessoires reçus"),
        validators=[Optional(), Length(max=255)],
        description=_l("Chargeur, câbles, housse…"),
    )
    collection_id = SelectField(_l("Collecte"), coerce=optional_int, validators=[Optional()])
    notes = TextAreaField(
        _l("Remarques"), validators=[Optional(), Length(max=2000)], description=NO_SENSITIVE
    )
    submit = SubmitField(_l("Enregistrer l'appareil"))
    submit_next = SubmitField(_l("Enregistrer et saisir le suivant"))


class DeviceEditForm(FlaskForm):
    brand = StringField(_l("Marque"), validators=[Optional(), Length(max=80)])
    model = StringField(_l("Modèle"), validators=[Optional(), Length(max=120)])
    serial_number = StringField(_l("Numéro de série"), validators=[Optional(), Length(max=80)])
    year_of_manufacture = FrenchIntegerField(
        _l("Année de fabrication"), validators=[Optional()], message=YEAR_NOT_WHOLE
    )
    cpu = StringField(_l("Processeur"), validators=[Optional(), Length(max=120)])
    cpu_cores = FrenchIntegerField(
        _l("Cœurs"), validators=[Optional(), NumberRange(min=1, max=1024)]
    )
    cpu_threads = FrenchIntegerField(
        _l("Fils d'exécution (threads)"), validators=[Optional(), NumberRange(min=1, max=2048)]
    )
    ram_gb = FrenchDecimalField(_l("Mémoire vive (Go)"), places=1, validators=[Optional()])
    screen_inches = FrenchDecimalField(
        _l("Taille d'écran (pouces)"), places=1, validators=[Optional()]
    )
    battery_design_wh = FrenchDecimalField(
        _l("Batterie : capacité d'origine (Wh)"), places=1, validators=[Optional()]
    )
    battery_full_wh = FrenchDecimalField(
        _l("Batterie : capacité actuelle (Wh)"), places=1, validators=[Optional()]
    )
    os = StringField(
        _l("Système installé"),
        validators=[Optional(), Length(max=120)],
        description=_l("Par exemple : Linux Mint 22, PrimTux, Android 13."),
    )
    has_free_software = BooleanField(_l("Suite de logiciels libres installée"))
    has_dys_software = BooleanField(_l("Outils pour les personnes Dys installés"))
    simplified = BooleanField(_l("Appareil simplifié (type Ordissimo)"))
    grade = SelectField(
        _l("État esthétique"),
        choices=lambda: Grade.choices(_l("— non évalué —")),
        validators=[Optional()],
    )
    weight_kg = FrenchDecimalField(_l("Poids (kg)"), places=2, validators=[Optional()])
    accessories = StringField(_l("Accessoires"), validators=[Optional(), Length(max=255)])
    storage_absent = BooleanField(_l("Cet appareil n'a aucun support de stockage"))
    notes = TextAreaField(
        _l("Remarques"), validators=[Optional(), Length(max=2000)], description=NO_SENSITIVE
    )
    version = HiddenField()
    submit = SubmitField(_l("Enregistrer"))


def spec_label(name: str):
    """The label of a DeviceEditForm field, without building the form."""
    return getattr(DeviceEditForm, name).args[0]


class MediumForm(FlaskForm):
    kind = SelectField(  # a person says what it is: "to be confirmed" is only a report's
        _l("Type de support"),
        choices=lambda: [c for c in MediumKind.choices() if c[0] != MediumKind.UNKNOWN.value],
        validators=[DataRequired()],
    )
    serial = StringField(_l("Numéro de série du support"), validators=[Optional(), Length(max=80)])
    model = StringField(_l("Modèle"), validators=[Optional(), Length(max=120)])
    size_gb = FrenchDecimalField(_l("Capacité (Go)"), places=0, validators=[Optional()])
    submit = SubmitField(_l("Ajouter le support"))


class ErasureForm(FlaskForm):
    medium_id = SelectField(_l("Support effacé"), coerce=optional_int, validators=[DataRequired()])
    method = SelectField(
        _l("Méthode (NIST SP 800-88)"), choices=ErasureMethod.choices, validators=[DataRequired()]
    )
    tool = StringField(
        _l("Outil"),
        validators=[DataRequired(), Length(max=120)],
        description=_l("nwipe, hdparm --security-erase, nvme sanitize, réinitialisation usine…"),
    )
    performed_on = DateField(_l("Date"), validators=[Optional()])
    verified = BooleanField(
        _l("Résultat vérifié (lecture d'échantillons, rapport de l'outil)"), default=True
    )
    verification_note = TextAreaField(
        _l("Note de vérification"), validators=[Optional(), Length(max=1000)]
    )
    submit = SubmitField(_l("Enregistrer l'effacement"))


class RepairForm(FlaskForm):
    problem = TextAreaField(
        _l("Problème constaté"),
        validators=[DataRequired(), Length(max=2000)],
        description=NO_SENSITIVE,
    )
    status = SelectField(_l("Résultat"), choices=RepairStatus.choices, validators=[DataRequired()])
    barrier = SelectField(
        _l("Obstacle (si fin de vie)"),
        choices=lambda: RepairBarrier.choices(_l("— aucun —")),
        validators=[Optional()],
    )
    parts_used = TextAreaField(_l("Pièces utilisées"), validators=[Optional(), Length(max=1000)])
    minutes_spent = FrenchIntegerField(
        _l("Temps passé (minutes)"),
        validators=[Optional(), NumberRange(min=0, max=1440)],
        message=_l("Le temps se compte en minutes entières, par exemple 45."),
    )
    notes = TextAreaField(_l("Remarques"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Enregistrer la réparation"))


class SnapshotForm(FlaskForm):
    report = FileField(
        _l("Rapport matériel"),
        validators=[
            FileRequired(_l("Choisissez un fichier.")),
            FileAllowed(["json", "txt"], _l("Fichier .json attendu.")),
        ],
        description=_l("Sortie de « lshw -json » ou de « smartctl -j -a /dev/sdX »."),
    )
    submit = SubmitField(_l("Envoyer le rapport"))


class ImportForm(FlaskForm):
    file = FileField(
        _l("Fichier CSV"),
        validators=[
            FileRequired(_l("Choisissez un fichier.")),
            FileAllowed(["csv", "txt"], _l("Fichier .csv attendu.")),
        ],
    )
    collection_id = SelectField(
        _l("Collecte (si la colonne « collection » est vide)"),
        coerce=optional_int,
        validators=[Optional()],
    )
    # Names this sending of the form: the same one sent again (a page refreshed after a long
    # import) is refused instead of importing the file twice.
    sending = HiddenField(default=lambda: secrets.token_urlsafe(12))
    submit = SubmitField(_l("Importer"))


class TransitionForm(FlaskForm):
    note = TextAreaField(
        _l("Note"), validators=[Optional(), Length(max=1000)], description=NO_SENSITIVE
    )
    purpose = SelectField(
        _l("Réservé pour"),
        choices=[("site", _l("un lieu (ou le parc tournant des médiateurs)"))],
        validators=[Optional()],
    )
    site_id = SelectField(_l("Lieu"), coerce=optional_int, validators=[Optional()])
    version = HiddenField()
    confirmed = HiddenField()  # "1" once the confirmation page of a final step is passed
    submit = SubmitField(_l("Confirmer"))


class DonorForm(FlaskForm):
    name = StringField(_l("Nom"), validators=[DataRequired(), Length(max=160)])
    kind = SelectField(
        _l("Type de donateur"),
        choices=lambda: DonorKind.choices(_l("— choisissez —")),
        validators=[DataRequired()],
    )
    organisation_id = SelectField(
        _l("Organisation partenaire dans refurb"), coerce=optional_int, validators=[Optional()]
    )
    commune = CommuneField(_l("Commune"), validators=[Optional()])
    contact_name = StringField(_l("Contact"), validators=[Optional(), Length(max=120)])
    email = EmailField(
        _l("E-mail"),
        validators=[Optional(), Email(), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    phone = TelField(
        _l("Téléphone"), validators=[Optional(), Length(max=32)], render_kw={"autocomplete": "tel"}
    )
    notes = TextAreaField(_l("Remarques"), validators=[Optional(), Length(max=2000)])
    version = HiddenField()
    submit = SubmitField(_l("Enregistrer"))


class PartnershipForm(FlaskForm):
    signed_on = DateField(_l("Signé le"), validators=[DataRequired()])
    ends_on = DateField(_l("Fin prévue"), validators=[Optional()])
    document = FileField(
        _l("Convention signée (PDF)"), validators=[FileAllowed(["pdf"], _l("Fichier PDF attendu."))]
    )
    notes = TextAreaField(_l("Remarques"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Enregistrer le partenariat"))


class CollectionForm(FlaskForm):
    donor_id = SelectField(_l("Donateur"), coerce=optional_int, validators=[DataRequired()])
    collected_on = DateField(
        _l("Date de collecte"), validators=[DataRequired()], default=lambda: today()
    )
    place = StringField(_l("Lieu"), validators=[Optional(), Length(max=160)])
    workshop_id = SelectField(
        _l("Atelier qui reçoit"), coerce=optional_int, validators=[Optional()]
    )
    notes = TextAreaField(_l("Remarques"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Créer la collecte"))


class RecyclingBatchForm(FlaskForm):
    recycler_id = SelectField(_l("Recycleur"), coerce=optional_int, validators=[DataRequired()])
    handed_over_on = DateField(_l("Date de remise"), validators=[DataRequired()])
    tags = TextAreaField(
        _l("Étiquettes des appareils"),
        validators=[DataRequired()],
        description=_l("Une étiquette par ligne (scannez-les à la suite)."),
        render_kw={"rows": 8, "autocapitalize": "characters"},
    )
    total_weight_kg = FrenchDecimalField(
        _l("Poids total pesé (kg)"),
        places=1,
        validators=[Optional()],
        description=_l("Vide : somme des poids des appareils."),
    )
    handover_reference = StringField(
        _l("Référence du bordereau du recycleur"), validators=[Optional(), Length(max=80)]
    )
    notes = TextAreaField(_l("Remarques"), validators=[Optional(), Length(max=1000)])
    confirmed = HiddenField()  # "1" once the confirmation page is passed
    submit = SubmitField(_l("Remettre le lot au recycleur"))
