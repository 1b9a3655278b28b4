"""The `refurb` console script: the same command group as `flask --app refurb`."""

from flask.cli import FlaskGroup


def main() -> None:
    from refurb import create_app

    FlaskGroup(create_app=create_app, help="refurb : filière de reconditionnement du Gers.")()
