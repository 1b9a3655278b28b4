"""The probe script sends saved reports to a running refurb, as a volunteer would."""

import shutil
import subprocess
import sys
from pathlib import Path

from refurb.auth.models import User
from refurb.inventory.enums import MediumKind, State
from refurb.inventory.models import Device

ROOT = Path(__file__).parent.parent.parent
FIXTURES = Path(__file__).parent / "data"


def test_probe_uploads_reports_and_reports_refusals(
    live_server, client, technician, make_device, in_app, tmp_path
):
    tag = make_device(State.DIAGNOSIS).tag
    token = client.post(
        "/api/v1/auth/token", json={"email": technician.email, "password": technician.password}
    ).json["token"]
    for name in (
        "lshw-laptop-thinkpad-x1carbon5-nvme-sdreader.json",
        "smartctl-x-nvme-samsung-pm961-mzvlw1t0-thinkpad.json",
        "smartctl-virtio-unreadable.json",
    ):
        shutil.copy(FIXTURES / name, tmp_path / name)
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "refurb" / "static" / "tools" / "refurb-probe"),
            "--url",
            live_server,
            "--token",
            token,
            "--from-dir",
            str(tmp_path),
            tag.lower(),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1  # one report refused
    assert "lshw-laptop-thinkpad-x1carbon5-nvme-sdreader.json : envoyé (lshw)" in result.stdout
    assert "smartctl-x-nvme-samsung-pm961-mzvlw1t0-thinkpad.json : envoyé (smartctl)" in (
        result.stdout
    )
    assert "smartctl-virtio-unreadable.json : refusé" in result.stderr
    assert "2 rapport(s) accepté(s), 1 refusé(s)" in result.stdout
    with in_app() as session:
        device = session.query(Device).filter_by(tag=tag).one()
        assert device.cpu == "Intel(R) Core(TM) i7-7500U CPU @ 2.70GHz"
        assert (device.cpu_cores, device.cpu_threads) == (2, 4)
        # one NVMe disk, described by both reports: the card readers are not media
        (disk,) = device.active_media
        assert (disk.kind, disk.serial, disk.health_percent) == (
            MediumKind.NVME,
            "S35ANX0J401001",
            98,
        )
        assert session.get(User, technician.id)


def test_probe_explains_an_unknown_tag(live_server, client, technician):
    token = client.post(
        "/api/v1/auth/token", json={"email": technician.email, "password": technician.password}
    ).json["token"]
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "refurb" / "static" / "tools" / "refurb-probe"),
            "--url",
            live_server,
            "--token",
            token,
            "GN-0000000",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "Appareil introuvable (404)" in result.stderr


def test_the_report_tab_speaks_to_volunteers_and_only_for_computers(client, login_as, make_device):
    from refurb.auth.roles import Role
    from refurb.inventory.enums import Category

    login_as(Role.TECHNICIAN)
    laptop = make_device()
    page = client.get(f"/appareils/{laptop.tag}/rapport").get_data(as_text=True)
    assert "sudo lshw" not in page and "dossier tools" not in page
    assert f"refurb-probe --url http://localhost --token VOTRE_JETON {laptop.tag}" in page
    assert 'href="/static/tools/refurb-probe" download' in page and "Jetons d" in page
    assert client.get("/static/tools/refurb-probe").data.startswith(b"#!/usr/bin/env python3")
    tablet = make_device(category=Category.TABLET)
    page = client.get(f"/appareils/{tablet.tag}/rapport").get_data(as_text=True)
    assert "refurb-probe" not in page and "Pas de relevé automatique" in page
