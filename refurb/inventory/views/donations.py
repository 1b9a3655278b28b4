"""Donors, partnerships and collections, with the donation receipt."""

from flask import (
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, select

from refurb import uploads
from refurb.auth.access import allow
from refurb.auth.models import Organisation
from refurb.auth.roles import OrganisationKind
from refurb.errors import DomainError
from refurb.extensions import db
from refurb.i18n import gettext as _
from refurb.inventory.documents import donation_receipt
from refurb.inventory.enums import DonorKind
from refurb.inventory.forms import CollectionForm, DonorForm, PartnershipForm
from refurb.inventory.models import Collection, Device, Donor, Partnership
from refurb.inventory.services import intake
from refurb.inventory.views import WORKSHOP, bp
from refurb.lookups import get_or_not_found
from refurb.territory.services import all_communes
from refurb.web import form_status, pdf_response, refusal_shown


def _organisation_choices(*kinds, blank=None):
    statement = select(Organisation.id, Organisation.name).order_by(Organisation.name)
    if kinds:
        statement = statement.where(Organisation.kind.in_(kinds))
    blank = blank or _("— aucune —")
    return [(None, blank)] + [(r.id, r.name) for r in db.session.execute(statement)]


@bp.route("/donateurs")
@allow(*WORKSHOP)
def donors():
    counts = (
        select(
            Collection.donor_id,
            func.count(Device.id).label("devices"),
            func.count(func.distinct(Collection.id)).label("collections"),
        )
        .join(Device, Device.collection_id == Collection.id, isouter=True)
        .group_by(Collection.donor_id)
        .subquery()
    )
    partnerships = (
        select(Partnership.donor_id, func.max(Partnership.signed_on).label("signed"))
        .group_by(Partnership.donor_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            Donor,
            func.coalesce(counts.c.devices, 0),
            func.coalesce(counts.c.collections, 0),
            partnerships.c.signed,
        )
        .outerjoin(counts, counts.c.donor_id == Donor.id)
        .outerjoin(partnerships, partnerships.c.donor_id == Donor.id)
        .order_by(Donor.name)
    ).all()
    return render_template("inventory/donors.html", rows=rows)


def _donor_fields(form: DonorForm) -> dict:
    return {
        "organisation_id": form.organisation_id.data,
        "commune_code": form.commune.data,
        "contact_name": form.contact_name.data or "",
        "email": form.email.data or "",
        "phone": form.phone.data or "",
        "notes": form.notes.data or "",
    }


@bp.route("/donateurs/nouveau", methods=["GET", "POST"])
@allow(*WORKSHOP)
def new_donor():
    form = DonorForm()
    form.organisation_id.choices = _organisation_choices()
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            donor = intake.create_donor(
                current_user, form.name.data, DonorKind(form.kind.data), **_donor_fields(form)
            )
        if outcome.ok:
            flash(_("Donateur enregistré."), "success")
            return redirect(url_for(".donor", donor_id=donor.id))
    return render_template(
        "inventory/donor_form.html", form=form, donor=None, communes=all_communes()
    ), form_status(form)


def _donor_form(donor, formdata=True):
    form = DonorForm(
        **({} if formdata else {"formdata": None}),
        obj=donor,
        data={"commune": donor.commune_code, "kind": donor.kind.value, "version": donor.version},
    )
    form.organisation_id.choices = _organisation_choices()
    return form


@bp.route("/donateurs/<int:donor_id>", methods=["GET", "POST"])
@allow(*WORKSHOP)
def donor(donor_id):
    donor = get_or_not_found(Donor, donor_id)
    form = _donor_form(donor)
    status = 200
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            intake.update_donor(
                donor,
                current_user,
                form.version.data,
                name=form.name.data.strip(),
                kind=DonorKind(form.kind.data),
                **_donor_fields(form),
            )
        if outcome.ok:
            flash(_("Donateur enregistré."), "success")
            return redirect(url_for(".donor", donor_id=donor.id))
        status = 409
    elif form.is_submitted():
        status = 400
    return _donor_page(donor, form, status)


def _donor_page(donor, form, status, partnership_form=None):
    collections = db.session.execute(
        select(Collection, func.count(Device.id))
        .outerjoin(Device, Device.collection_id == Collection.id)
        .where(Collection.donor_id == donor.id)
        .group_by(Collection.id)
        .order_by(Collection.collected_on.desc())
    ).all()
    return render_template(
        "inventory/donor.html",
        donor=donor,
        form=form,
        collections=collections,
        partnership_form=partnership_form or PartnershipForm(prefix="p", formdata=None),
        communes=all_communes(),
    ), status


@bp.route("/donateurs/<int:donor_id>/partenariats", methods=["POST"])
@allow(*WORKSHOP)
def add_partnership(donor_id):
    donor = get_or_not_found(Donor, donor_id)
    form = PartnershipForm(prefix="p")
    if not form.validate_on_submit():  # shown again as typed, each error by its field
        return _donor_page(donor, _donor_form(donor, formdata=False), 400, form)
    upload = form.document.data
    with refusal_shown(form) as outcome:
        intake.add_partnership(
            donor,
            current_user,
            form.signed_on.data,
            form.ends_on.data,
            form.notes.data or "",
            upload.read() if upload else None,
            upload.filename if upload else "",
        )
    if not outcome.ok:
        return _donor_page(donor, _donor_form(donor, formdata=False), 409, form)
    flash(_("Partenariat enregistré."), "success")
    return redirect(url_for(".donor", donor_id=donor.id))


@bp.route("/partenariats/<int:partnership_id>/convention.pdf")
@allow(*WORKSHOP)
def partnership_document(partnership_id):
    partnership = get_or_not_found(Partnership, partnership_id)
    if not partnership.document_path:
        return redirect(url_for(".donor", donor_id=partnership.donor_id))
    return uploads.send(
        "partnerships", partnership.document_path, partnership.document_name or "convention.pdf"
    )


@bp.route("/collectes")
@allow(*WORKSHOP)
def collections():
    rows = db.session.execute(
        select(Collection, func.count(Device.id))
        .outerjoin(Device, Device.collection_id == Collection.id)
        .group_by(Collection.id)
        .order_by(Collection.collected_on.desc(), Collection.id.desc())
        .limit(200)
    ).all()
    return render_template("inventory/collections.html", rows=rows)


@bp.route("/collectes/nouvelle", methods=["GET", "POST"])
@allow(*WORKSHOP)
def new_collection():
    form = CollectionForm()
    form.donor_id.choices = [(None, _("— choisissez —"))] + [
        (r.id, r.name)
        for r in db.session.execute(select(Donor.id, Donor.name).order_by(Donor.name))
    ]
    form.workshop_id.choices = _organisation_choices(
        OrganisationKind.WORKSHOP,
        blank=_("— aucun —"),  # un atelier
    )
    if request.method == "GET":
        form.donor_id.data = request.args.get("donor_id", type=int)
    if form.validate_on_submit():
        donor = db.session.get(Donor, form.donor_id.data)
        with refusal_shown(form) as outcome:
            if donor is None:
                raise DomainError(
                    "donor_required",
                    _("Choisissez le donateur."),
                    details={"donor_id": "required"},
                    status=400,
                )
            collection = intake.create_collection(
                current_user,
                donor,
                form.collected_on.data,
                form.place.data or "",
                form.workshop_id.data,
                form.notes.data or "",
            )
        if outcome.ok:
            flash(
                _(
                    "Collecte %(ref)s créée : saisissez maintenant ses appareils.",
                    ref=collection.reference,
                ),
                "success",
            )
            return redirect(url_for(".intake_device", collection_id=collection.id))
    return render_template("inventory/collection_form.html", form=form), (
        400 if form.is_submitted() else 200
    )


@bp.route("/collectes/<int:collection_id>/attestation.pdf")
@allow(*WORKSHOP)
def donation_receipt_pdf(collection_id):
    collection = get_or_not_found(Collection, collection_id)
    devices = db.session.scalars(
        select(Device).where(Device.collection_id == collection.id).order_by(Device.id)
    ).all()
    if not devices:
        flash(_("Cette collecte ne contient encore aucun appareil."), "error")
        return redirect(url_for(".devices", collection_id=collection.id))
    return pdf_response(
        donation_receipt(collection, devices), f"attestation-{collection.reference}.pdf"
    )
