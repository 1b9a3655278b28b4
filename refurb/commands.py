"""Commands of the `refurb` script (DESIGN §7)."""

import sys
from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import func, select

from refurb.auth import services
from refurb.auth.models import Organisation
from refurb.auth.roles import OrganisationKind, Role
from refurb.errors import DomainError
from refurb.extensions import db
from refurb.i18n import french_plural
from refurb.territory.services import find_commune, load_communes
from refurb.web import public_url_for


def init_database() -> int:
    """Bring the database to the latest schema and load the reference data."""
    from refurb.maintenance.protocol import seed_plans
    from refurb.reports.targets import seed_targets

    upgrade(directory=current_app.extensions["migrate"].directory)
    count = load_communes()
    seed_plans()  # the departmental maintenance protocol (monthly and quarterly plans)
    seed_targets()  # the roadmap's targets (DESIGN §1)
    db.session.commit()
    return count


@click.command("init")
@with_appcontext
def init_command():
    """Create or upgrade the database schema and load the Gers communes."""
    count = init_database()
    click.echo(f"Base de données à jour ; {count} communes du Gers chargées.")


@click.command("demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Ne rien faire si la base a déjà des données.")
def demo_command(if_empty):
    """Load the demonstration data and print the demo logins."""
    from refurb import demo

    has_data = db.session.scalar(select(func.count()).select_from(Organisation)) > 0
    if has_data and not demo.is_loaded():
        if if_empty:
            click.echo("La base contient déjà des données : pas de données de démonstration.")
            return
        raise click.ClickException(
            "La base contient déjà des données : les données de démonstration ne se chargent "
            "que dans une base vide."
        )
    if not demo.is_loaded():
        demo.load()
        db.session.commit()
        click.echo("Données de démonstration chargées.")
    click.echo(demo.logins_text())


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--org", "org_name", required=True, help="Nom exact de l'organisation.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", default="", help="Nom et prénom.")
@click.option("--password-stdin", is_flag=True, help="Lire le mot de passe sur l'entrée standard.")
def create_user_command(email, org_name, role, name, password_stdin):
    """Create a user with a role in an organisation."""
    organisation = services.organisation_by_name(org_name)
    if organisation is None:
        names = ", ".join(db.session.scalars(select(Organisation.name).order_by(Organisation.name)))
        raise click.ClickException(
            f"Organisation inconnue : {org_name!r}. Organisations existantes : {names or 'aucune'}"
            " (refurb create-organisation pour en créer une)."
        )
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    try:
        user = services.create_user(email, name, organisation, Role(role), None, password)
        link = None if password else services.issue_password_link(user, None)
    except DomainError as refusal:
        db.session.rollback()
        raise click.ClickException(refusal.message) from refusal
    db.session.commit()
    click.echo(f"Compte créé : {user.email} ({role}, {organisation.name}).")
    if link:
        url = public_url_for("auth.set_password", token=link)
        click.echo(f"Lien pour choisir le mot de passe (une seule fois) : {url}")


@click.command("create-organisation")
@with_appcontext
@click.argument("name")
@click.option("--kind", type=click.Choice([k.value for k in OrganisationKind]), required=True)
@click.option("--commune", required=True, help="Code INSEE ou nom de la commune.")
def create_organisation_command(name, kind, commune):
    """Create an organisation."""
    found = find_commune(commune)
    if found is None:
        raise click.ClickException(f"Commune inconnue dans le Gers : {commune!r}.")
    try:
        organisation = services.create_organisation(
            name, OrganisationKind(kind), found.insee_code, None
        )
    except DomainError as refusal:
        db.session.rollback()
        raise click.ClickException(refusal.message) from refusal
    db.session.commit()
    click.echo(f"Organisation créée : {organisation.name} ({found.name}).")


@click.command("backup")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(out):
    """Write a consistent backup of the database to a file."""
    from refurb.backup import BackupError, backup_database

    try:
        description = backup_database(current_app.config["SQLALCHEMY_DATABASE_URI"], out)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Sauvegarde écrite dans {out} : {description}.")


@click.command("import-devices")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--collection", "reference", default=None, help="Référence de collecte (COL-…).")
@with_appcontext
def import_devices_command(csv_file, reference):
    """Receive the devices of a CSV file: all of them, or none if a row is wrong."""
    from refurb.inventory.importer import ImportRejected, decode, import_devices
    from refurb.inventory.models import Collection

    collection = None
    if reference:
        collection = db.session.scalar(select(Collection).where(Collection.reference == reference))
        if collection is None:
            raise click.ClickException(f"Collecte inconnue : {reference}")
    try:
        devices = import_devices(None, decode(csv_file.read_bytes()), collection)
    except ImportRejected as rejected:
        db.session.rollback()
        for error in rejected.errors:
            column = error.column or "-"
            click.echo(f"ligne {error.line}, colonne {column} : {error.reason}", err=True)
        raise click.ClickException(rejected.message) from rejected
    except DomainError as refusal:
        db.session.rollback()
        raise click.ClickException(refusal.message) from refusal
    db.session.commit()
    imported = french_plural(len(devices), "appareil importé", "appareils importés")
    click.echo(f"{len(devices)} {imported}.")


@click.command("export-ords")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_ords_command(out):
    """Write the repairs as an Open Repair Data Standard CSV file."""
    from refurb.inventory.ords import export_ords

    with out.open("w", encoding="utf-8", newline="") as handle:
        for chunk in export_ords():
            handle.write(chunk)
    click.echo(f"Export ORDS écrit dans {out}.")


@click.command("labels")
@click.option("--count", type=int, required=True, help="Nombre d'étiquettes vierges à imprimer.")
@click.option(
    "--template",
    "template_key",
    default="avery-l7160",
    type=click.Choice(["avery-l7160", "avery-l7651", "brother-62x29"]),
)
@click.option(
    "--start", type=int, default=1, help="Position de la première étiquette (1 = en haut à gauche)."
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def labels_command(count, template_key, start, out):
    """Print a batch of pre-printed tags, not yet claimed by any device."""
    from refurb.inventory.services.labels import issue_unclaimed, template_named

    try:
        batch, pdf = issue_unclaimed(count, None, template_named(template_key), start - 1)
    except DomainError as refusal:
        db.session.rollback()
        raise click.ClickException(refusal.message) from refusal
    out.write_bytes(pdf)
    db.session.commit()
    labels, written = french_plural(count, ("étiquette", "écrite"), ("étiquettes", "écrites"))
    click.echo(f"{count} {labels} du lot {batch} {written} dans {out}.")


@click.command("report")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Date de la situation (AAAA-MM-JJ ; par défaut aujourd'hui).",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def report_command(as_of, out):
    """Write the report to the Conseil Départemental as of a date (PDF, in French)."""
    from refurb.db_types import today
    from refurb.reports.documents import report_pdf
    from refurb.reports.summary import summary

    day = as_of.date() if as_of else today()
    if not date(2020, 1, 1) <= day <= today():
        raise click.BadParameter(
            "la date est entre le 2020-01-01 et aujourd'hui.", param_hint="--as-of"
        )
    out.write_bytes(report_pdf(summary(day)))
    click.echo(f"Rapport au {day.strftime('%d/%m/%Y')} écrit dans {out}.")


@click.command("reminders")
@with_appcontext
def reminders_command():
    """Send the loan reminders due today (cron, daily); the others go to the "to call" list."""
    from refurb.loans.reminders import send_reminders

    counts = send_reminders()
    db.session.commit()
    emails = french_plural(counts["email"], "e-mail", "e-mails")
    failed = french_plural(counts["failed"], "envoi", "envois")
    click.echo(
        f"Rappels : {counts['email']} {emails}, {counts['call']} à appeler"
        f" ({counts['failed']} {failed} en échec)."
    )


@click.command("purge-personal-data")
@with_appcontext
def purge_command():
    """Anonymise households past the retention delay, forget old sign-in failures (daily)."""
    from refurb.auth.services import prune_login_failures
    from refurb.loans.privacy import purge

    count = purge()
    failures = prune_login_failures()
    db.session.commit()
    households = french_plural(count, "foyer anonymisé", "foyers anonymisés")
    forgotten = french_plural(failures, "échec de connexion oublié", "échecs de connexion oubliés")
    click.echo(f"{count} {households}, {failures} {forgotten}.")


def register(app: Flask) -> None:
    for command in (
        init_command,
        demo_command,
        create_user_command,
        create_organisation_command,
        backup_command,
        import_devices_command,
        export_ords_command,
        labels_command,
        report_command,
        reminders_command,
        purge_command,
    ):
        app.cli.add_command(command)
