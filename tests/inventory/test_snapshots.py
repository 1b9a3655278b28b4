"""Hardware reports: real lshw output from the development machine, smartctl in its JSON layout,
and clear refusals for unreadable or foreign files."""

import json
from pathlib import Path

import pytest

from refurb.auth.models import User
from refurb.errors import InvalidInput
from refurb.inventory.enums import MediumKind, State
from refurb.inventory.hardware_reports import parse_snapshot
from refurb.inventory.models import Device, Snapshot
from refurb.inventory.services.snapshots import apply_snapshot

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text()


def test_real_lshw_output_gives_cpu_memory_and_disks():
    reading = parse_snapshot(fixture("lshw-vm-debian12.json"))
    assert reading.kind == "lshw"
    assert reading.specs["cpu"] == "AMD EPYC"
    assert reading.specs["ram_gb"] == 24.0
    assert len(reading.media) == 1  # the virtio disk: no serial, no size reported
    assert reading.media[0].serial == ""


def test_smartctl_sata_ssd():
    (medium,) = parse_snapshot(fixture("smartctl-sata-ssd.json")).media
    assert (medium.kind, medium.serial, medium.model) == (
        MediumKind.SSD,
        "2035E4A1B2C3",
        "CT240BX500SSD1",
    )
    assert (medium.size_gb, medium.health_percent, medium.power_on_hours, medium.smart_passed) == (
        240.1,
        93,
        6412,
        True,
    )


def test_smartctl_nvme():
    (medium,) = parse_snapshot(fixture("smartctl-nvme.json")).media
    assert (medium.kind, medium.health_percent, medium.power_on_hours) == (
        MediumKind.NVME,
        96,
        3871,
    )


@pytest.mark.parametrize(
    "raw, code",
    [
        (fixture("smartctl-virtio-unreadable.json"), "snapshot_unreadable"),
        ("Model: Crucial\nSerial: 123", "snapshot_not_json"),
        (json.dumps({"hello": "world"}), "snapshot_unknown"),
        (json.dumps([1, 2, 3]), "snapshot_unknown"),
    ],
)
def test_unreadable_and_foreign_files_are_refused_clearly(raw, code):
    with pytest.raises(InvalidInput) as refused:
        parse_snapshot(raw)
    assert refused.value.code == code
    assert refused.value.message


def test_a_snapshot_fills_the_device_and_keeps_the_raw_file(in_app, make_device, technician):
    made = make_device(State.DIAGNOSIS, serial_number=None)
    with in_app() as session:
        device = session.get(Device, made.id)
        actor = session.get(User, technician.id)
        apply_snapshot(device, actor, fixture("lshw-vm-debian12.json").encode(), "lshw.json")
        apply_snapshot(device, actor, fixture("smartctl-sata-ssd.json").encode(), "sda.json")
        apply_snapshot(
            device, actor, fixture("smartctl-sata-ssd.json").encode(), "sda.json"
        )  # again
        session.commit()
        assert device.cpu == "AMD EPYC" and device.ram_gb == 24.0
        assert device.model == "ThinkPad T480"  # identity already known: not overwritten
        ssds = [m for m in device.active_media if m.serial == "2035E4A1B2C3"]
        assert len(ssds) == 1 and ssds[0].health_percent == 93
        stored = session.query(Snapshot).filter_by(device_id=device.id).all()
        assert [s.kind for s in stored] == ["lshw", "smartctl", "smartctl"]
        assert stored[0].raw == fixture("lshw-vm-debian12.json")


def test_the_upload_page_explains_a_refused_file(client, login_as, make_device):
    from io import BytesIO

    from refurb.auth.roles import Role

    login_as(Role.TECHNICIAN)
    device = make_device(State.DIAGNOSIS)
    response = client.post(
        f"/appareils/{device.tag}/rapport",
        data={"report": (BytesIO(fixture("smartctl-virtio-unreadable.json").encode()), "vda.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert (
        'id="report-erreur"' in page
        and "smartctl n" in page
        and "Unable to detect device type" in page
    )
