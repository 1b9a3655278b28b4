"""Hardware reports of real machines (tests/inventory/data, sources in its README): for each,
exactly the identity, specs and media a technician would write down by hand; then applying
reports to a device: twice changes nothing, a new disk is added, a new lshw report replaces
the previous one's disks, a person's corrections and hand-typed media stay."""

import json
import re
from io import BytesIO
from pathlib import Path

import pytest

from refurb.auth.models import User
from refurb.auth.roles import Role
from refurb.errors import InvalidInput
from refurb.inventory import readiness
from refurb.inventory.enums import ErasureMethod, MediumKind, State
from refurb.inventory.hardware_reports import parse_snapshot
from refurb.inventory.models import Device, Snapshot
from refurb.inventory.services import workshop
from refurb.inventory.services.snapshots import apply_snapshot

FIXTURES = Path(__file__).parent / "data"
U, N, S, H = MediumKind.UNKNOWN, MediumKind.NVME, MediumKind.SSD, MediumKind.HDD


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text()


LSHW = {
    # a laptop: one NVMe disk, its model and serial from the NVMe controller; the PCIe card
    # reader and the USB SD reader are not media; the battery in Wh
    "lshw-laptop-thinkpad-x1carbon5-nvme-sdreader.json": (
        {
            "brand": "LENOVO",
            "model": "20HRCTO1WW (LENOVO_MT_20HR_BU_Think_FM_ThinkPad X1 Carbon 5th)",
            "serial_number": "PF0QMY5N",
            "cpu": "Intel(R) Core(TM) i7-7500U CPU @ 2.70GHz",
            "cpu_cores": 2,
            "cpu_threads": 4,
            "ram_gb": 15.9,
            "battery_design_wh": 57.0,
        },
        [(N, "SAMSUNG MZVLW1T0HMLH-000L7", "S35ANX0J401001", 1024.2)],
    ),
    # a laptop booted with a USB stick in: the hard disk only (its kind: smartctl will tell)
    "lshw-laptop-dell-latitude-e5530-usbstick.json": (
        {
            "brand": "Dell Inc.",
            "model": "Latitude E5530 non-vPro",
            "serial_number": "D8FTRY1",
            "cpu": "Intel(R) Core(TM) i5-3340M CPU @ 2.70GHz",
            "cpu_cores": 2,
            "cpu_threads": 4,
            "ram_gb": 8.0,
            "battery_design_wh": 62.2,
        },
        [(U, "HGST HTS725050A7", "TF755AWHKL0LHM", 500.1)],
    ),
    "lshw-netbook-asus-eeepc-1001pxd-usbstick.json": (
        {
            "brand": "ASUSTeK Computer INC.",
            "model": "1001PXD",
            "serial_number": "B8OAAS048286",
            "cpu": "Intel(R) Atom(TM) CPU N455 @ 1.66GHz",
            "cpu_cores": 1,
            "cpu_threads": 2,
            "ram_gb": 1.0,
        },
        [(U, "Hitachi HTS54322", "E2024242CV86HJ", 250.1)],
    ),
    # a small PC: "Default string" firmware fields dropped, two USB sticks left out
    "lshw-smallpc-intel-nuc6cayh-default-string.json": (
        {
            "brand": "Intel Corporation",
            "model": "NUC6CAYH",
            "serial_number": "G6AY80800F4D",
            "cpu": "Intel(R) Celeron(R) CPU J3455 @ 1.50GHz",
            "cpu_cores": 4,
            "cpu_threads": 4,
            "ram_gb": 4.0,
        },
        [(U, "KINGSTON SA400S3", "50026B77821CF9DE", 120.0)],
    ),
    "lshw-desktop-dell-optiplex-745.json": (
        {
            "brand": "Dell Inc.",
            "model": "OptiPlex 745",
            "serial_number": "HQ5583J",
            "cpu": "Intel(R) Core(TM)2 CPU 6400 @ 2.13GHz",
            "cpu_cores": 2,
            "cpu_threads": 2,
            "ram_gb": 2.0,
        },
        [(U, "WDC WD3200AAKS-7", "WD-WMAV2W580992", 320.1)],
    ),
    # placeholders everywhere: no brand, model or serial; its power supplies are no battery
    "lshw-desktop-placeholders-system-manufacturer.json": (
        {
            "cpu": "Intel(R) Core(TM) i3-2100 CPU @ 3.10GHz",
            "cpu_cores": 2,
            "cpu_threads": 2,
            "ram_gb": 4.0,
        },
        [(U, "ST3500413AS", "Z2A3HR7N", 500.1)],
    ),
    # an NVMe controller without a namespace node (older lshw): nothing invented
    "lshw-laptop-xiaomi-tm1613-nvme-controller-only.json": (
        {
            "brand": "Timi",
            "model": "TM1613",
            "serial_number": "13138/00064437",
            "cpu": "Intel(R) Core(TM) i5-6200U CPU @ 2.30GHz",
            "cpu_cores": 2,
            "cpu_threads": 4,
            "ram_gb": 8.0,
        },
        [],
    ),
    "lshw-vm-virtualbox-no-hdd-usb-stick.json": (
        {
            "brand": "innotek GmbH",
            "model": "VirtualBox",
            "cpu": "Intel(R) Core(TM) i7-2620M CPU @ 2.70GHz",
            "ram_gb": 1.0,
        },
        [],
    ),
    "lshw-vm-qemu-i440fx.json": (
        {
            "brand": "QEMU",
            "model": "Standard PC (i440FX + PIIX, 1996)",
            "cpu": "QEMU Virtual CPU version 2.5+",
            "cpu_cores": 1,
            "cpu_threads": 1,
            "ram_gb": 1.0,
        },
        [(U, "QEMU HARDDISK", "QM00001", 42.9)],
    ),
    # the development machine: a virtio disk that reports neither serial nor size
    "lshw-vm-debian12.json": ({"cpu": "AMD EPYC", "ram_gb": 24.0}, [(U, "", "", None)]),
}


@pytest.mark.parametrize("name", LSHW)
def test_each_machine_reads_as_a_technician_would_write_it(name):
    specs, media = LSHW[name]
    reading = parse_snapshot(fixture(name))
    assert reading.kind == "lshw"
    assert reading.specs == specs
    assert [(m.kind, m.model, m.serial, m.size_gb) for m in reading.media] == media
    assert all(m.health_percent is None for m in reading.media)  # lshw does not know


SMARTCTL = {
    # kind by protocol or rotation; health from what smartctl normalises, else none
    "smartctl-x-nvme-samsung-pm961-mzvlw1t0-thinkpad.json": (
        N, "S35ANX0J401001", "SAMSUNG MZVLW1T0HMLH-000L7", 1024.2, 98, 6032, True
    ),
    "smartctl-nvme-intel-660p-ssdpeknw010t8.json": (
        N, "BTNH93710FS91P0B", "INTEL SSDPEKNW010T8", 1024.2, 100, 2401, True
    ),
    "smartctl-x-sata-ssd-samsung-860evo-devstats.json": (
        S, "S3YZNB0KB00864E", "Samsung SSD 860 EVO 500GB", 500.1, 81, 14551, True
    ),
    "smartctl-x-sata-ssd-kingston-sa400-devstats.json": (
        S, "50026B768305483D", "KINGSTON SA400S37240G", 240.1, 85, 28797, True
    ),
    "smartctl-hdd-wdc-wd140edfz-5400rpm.json": (
        H, "9RK1XXXX", "WDC WD140EDFZ-11A0VA0", 14000.5, None, 1730, True
    ),
    "smartctl-usb-jmicron-bridge-hitachi-hdd-7200rpm.json": (
        H, "MSK423Y20S3HBC", "Hitachi HDS721050DLE630", 500.1, None, 65592, False
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", SMARTCTL)
def test_each_disk_reads_with_its_kind_and_health(name):
    (medium,) = parse_snapshot(fixture(name)).media
    assert (
        medium.kind,
        medium.serial,
        medium.model,
        medium.size_gb,
        medium.health_percent,
        medium.power_on_hours,
        medium.smart_passed,
    ) == SMARTCTL[name]


def test_the_endurance_indicator_is_what_health_reads_not_vendor_attributes():
    data = json.loads(fixture("smartctl-x-sata-ssd-samsung-860evo-devstats.json"))
    used = [
        e["value"]
        for page in data["ata_device_statistics"]["pages"]
        for e in page["table"]
        if e["name"] == "Percentage Used Endurance Indicator"
    ]
    assert used == [19]
    data.pop("ata_device_statistics")  # then no percentage, whatever the vendor attributes
    assert parse_snapshot(json.dumps(data)).media[0].health_percent is None
    data["rotation_rate"] = None  # and where smartctl cannot tell the kind: unknown
    data.pop("form_factor", None)
    assert parse_snapshot(json.dumps(data)).media[0].kind == MediumKind.UNKNOWN


def test_the_boot_stick_is_recognised_on_the_server_too():
    qemu = fixture("lshw-vm-qemu-i440fx.json")
    assert len(parse_snapshot(qemu).media) == 1
    assert parse_snapshot(qemu, boot_device="/dev/sda").media == []
    nvme = fixture("smartctl-nvme-intel-660p-ssdpeknw010t8.json")
    name = json.loads(nvme)["device"]["name"]
    assert parse_snapshot(nvme, boot_device=name).media == []


@pytest.mark.parametrize(
    "raw, code",
    [
        (fixture("smartctl-virtio-unreadable.json"), "snapshot_unreadable"),
        (fixture("smartctl-open-failed-windows.json"), "snapshot_unreadable"),
        (fixture("smartctl-x-usb-stick-sandisk-unknown-usb-bridge.json"), "snapshot_unreadable"),
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


THINKPAD = "lshw-laptop-thinkpad-x1carbon5-nvme-sdreader.json"
PM961 = "smartctl-x-nvme-samsung-pm961-mzvlw1t0-thinkpad.json"


def test_reports_applied_twice_leave_one_record_per_real_disk(in_app, make_device, technician):
    made = make_device(State.DIAGNOSIS, serial_number=None)
    with in_app() as session:
        device = session.get(Device, made.id)
        actor = session.get(User, technician.id)
        for _round in range(2):
            for name in (THINKPAD, PM961):
                apply_snapshot(device, actor, fixture(name).encode(), name)
        session.commit()
        (disk,) = device.active_media
        assert (disk.kind, disk.serial, disk.model, disk.health_percent, disk.source) == (
            N,
            "S35ANX0J401001",
            "SAMSUNG MZVLW1T0HMLH-000L7",
            98,
            "lshw",
        )
        assert device.serial_number == "PF0QMY5N" and device.cpu_threads == 4
        assert device.model == "ThinkPad T480"  # typed at intake: kept
        assert readiness.media_not_erased(device) == [disk]  # exactly the real disk to erase
        stored = session.query(Snapshot).filter_by(device_id=device.id).all()
        assert [s.kind for s in stored] == ["lshw", "smartctl"] * 2
        assert stored[0].raw == fixture(THINKPAD)
        assert disk.snapshot_id == stored[-1].id
        assert device.spec_sources["cpu"] == {"snapshot": stored[-2].id, "kind": "lshw"}


def test_a_new_report_replaces_the_previous_disks_and_keeps_what_a_person_typed(
    in_app, make_device, technician
):
    made = make_device(State.DIAGNOSIS, serial_number=None)
    with in_app() as session:
        device = session.get(Device, made.id)
        actor = session.get(User, technician.id)
        typed = workshop.add_medium(device, actor, MediumKind.HDD, "HAND-1", "Disque externe")
        workshop.record_erasure(device, actor, typed, ErasureMethod.PURGE, "nwipe", True)
        apply_snapshot(device, actor, fixture("lshw-desktop-dell-optiplex-745.json"), "a.json")
        (reported,) = [m for m in device.active_media if m.source == "lshw"]
        # the disk was swapped: the next report sees another one
        data = json.loads(fixture("lshw-desktop-dell-optiplex-745.json"))
        text = json.dumps(data).replace("WD-WMAV2W580992", "WD-SWAPPED-0001")
        apply_snapshot(device, actor, text, "b.json")
        session.commit()
        serials = sorted(m.serial for m in device.active_media)
        assert serials == ["HAND-1", "WD-SWAPPED-0001"]
        assert reported.is_removed
        assert typed.id not in {m.id for m in readiness.media_not_erased(device)}


def test_a_persons_corrections_outlast_later_reports(in_app, make_device, technician):
    made = make_device(State.DIAGNOSIS, serial_number=None)
    name = "lshw-laptop-dell-latitude-e5530-usbstick.json"
    with in_app() as session:
        device = session.get(Device, made.id)
        actor = session.get(User, technician.id)
        apply_snapshot(device, actor, fixture(name), name)
        (disk,) = device.active_media
        assert disk.kind == MediumKind.UNKNOWN  # lshw cannot tell: the volunteer chooses
        workshop.correct_medium(
            device,
            disk,
            actor,
            kind=MediumKind.HDD,
            serial=disk.serial,
            model=disk.model,
            size_gb=500.0,
        )
        workshop.update_device(device, actor, device.version, cpu="Core i5-3340M")
        apply_snapshot(device, actor, fixture(name), name)
        session.commit()
        assert (disk.kind, disk.size_gb, sorted(disk.corrected)) == (
            MediumKind.HDD,
            500.0,
            ["kind", "size_gb"],
        )
        assert device.cpu == "Core i5-3340M" and "person" in device.spec_sources["cpu"]
        assert device.ram_gb == 8.0  # not corrected: from the report


def test_the_device_page_says_where_values_came_from_and_a_disk_is_corrected(
    client, login_as, make_device
):
    from refurb.auth.roles import Role

    login_as(Role.TECHNICIAN)
    device = make_device(State.DIAGNOSIS)
    name = "lshw-laptop-dell-latitude-e5530-usbstick.json"
    uploaded = client.post(
        f"/appareils/{device.tag}/rapport",
        data={"report": (BytesIO(fixture(name).encode()), name)},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 302
    page = client.get(f"/appareils/{device.tag}").get_data(as_text=True)
    assert "après le rapport lshw du" in page and "choisissez le type" in page
    erase = client.get(f"/appareils/{device.tag}/effacement").get_data(as_text=True)
    assert "Corriger ce support" in erase
    medium_id = re.search(r'id="support-(\d+)"', erase).group(1)
    fixed = client.post(
        f"/appareils/{device.tag}/supports/{medium_id}/corriger",
        data={
            f"fix{medium_id}-kind": "hdd",
            f"fix{medium_id}-serial": "TF755AWHKL0LHM",
            f"fix{medium_id}-model": "HGST HTS725050A7",
            f"fix{medium_id}-size_gb": "500",
        },
    )
    assert fixed.status_code == 302
    page = client.get(f"/appareils/{device.tag}").get_data(as_text=True)
    assert "corrigé à la main" in page and "choisissez le type" not in page


def test_the_upload_page_explains_a_refused_file(client, login_as, make_device):
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


def test_a_report_of_a_new_disk_adds_it_and_the_erasure_guard_asks_for_both(
    in_app, make_device, technician
):
    made = make_device(State.DIAGNOSIS, serial_number=None)
    with in_app() as session:
        device = session.get(Device, made.id)
        actor = session.get(User, technician.id)
        for name in (THINKPAD, PM961, "smartctl-x-sata-ssd-samsung-860evo-devstats.json"):
            apply_snapshot(device, actor, fixture(name), name)
        session.commit()
        assert sorted((m.kind, m.serial) for m in readiness.media_not_erased(device)) == [
            (N, "S35ANX0J401001"),
            (S, "S3YZNB0KB00864E"),
        ]


def _lshw(disks) -> str:
    """A minimal lshw tree with SATA disks (serial, bytes) — for the matching rules only."""
    children = [
        {"class": "disk", "id": f"disk:{n}", "logicalname": f"/dev/sd{'abcd'[n]}", "size": size}
        | ({"serial": serial} if serial else {})
        for n, (serial, size) in enumerate(disks)
    ]
    return json.dumps(
        {"class": "system", "id": "pc", "children": [{"class": "storage", "children": children}]}
    )


def _smartctl(serial: str, size: int, name="/dev/sda") -> str:
    return json.dumps(
        {
            "smartctl": {"exit_status": 0},
            "device": {"name": name, "protocol": "ATA"},
            "model_name": "M",
            "serial_number": serial,
            "user_capacity": {"bytes": size},
            "rotation_rate": 7200,
        }
    )


GB500, GB250 = 500_107_862_016, 250_059_350_016


def test_matching_keeps_each_disk_its_own_record(in_app, make_device, technician):
    made = make_device(State.DIAGNOSIS, serial_number=None)
    with in_app() as session:
        device = session.get(Device, made.id)
        actor = session.get(User, technician.id)

        def media():
            return sorted((m.serial, m.size_gb, m.is_removed) for m in device.media)

        # two disks of one size that lshw cannot tell apart, then smartctl names them
        both = _lshw([("", GB500), ("", GB500)])
        apply_snapshot(device, actor, both, "a")
        apply_snapshot(device, actor, both, "a")
        apply_snapshot(device, actor, _smartctl("SA", GB500), "sda")
        apply_snapshot(device, actor, _smartctl("SB", GB500, "/dev/sdb"), "sdb")
        apply_snapshot(device, actor, both, "a")
        assert media() == [("SA", 500.1, False), ("SB", 500.1, False)]
        # a serial-less disk does not take the record of a disk the report names
        apply_snapshot(device, actor, _lshw([("", GB250), ("SA", GB500), ("SB", GB500)]), "b")
        assert media() == [("", 250.1, False), ("SA", 500.1, False), ("SB", 500.1, False)]
        # swapped out, then back: the same record (and its erasures) again
        apply_snapshot(device, actor, _lshw([("SA", GB500)]), "c")
        assert media() == [("", 250.1, True), ("SA", 500.1, False), ("SB", 500.1, True)]
        apply_snapshot(device, actor, _smartctl("SB", GB500), "old")  # an old file: stays out
        assert ("SB", 500.1, True) in media()
        apply_snapshot(device, actor, _lshw([("SA", GB500), ("SB", GB500)]), "d")
        assert media() == [("", 250.1, True), ("SA", 500.1, False), ("SB", 500.1, False)]
        # a report that sees no disk at all (lshw without root) removes nothing
        apply_snapshot(device, actor, _lshw([]), "e")
        assert [m.serial for m in device.active_media] == ["SA", "SB"]


def test_what_a_person_typed_or_corrected_is_how_it_stays(in_app, make_device, technician):
    made = make_device(State.DIAGNOSIS, serial_number=None)
    with in_app() as session:
        device = session.get(Device, made.id)
        actor = session.get(User, technician.id)
        typed = workshop.add_medium(device, actor, MediumKind.SSD, "S1", "Typed model", 480.0)
        apply_snapshot(device, actor, _lshw([("S1", GB500)]), "a")
        assert (typed.model, typed.size_gb, typed.kind) == ("Typed model", 480.0, S)
        # a reported disk whose serial a person corrected is still found, not re-added
        apply_snapshot(device, actor, _lshw([("S1", GB500), ("S2", GB250)]), "b")
        (reported,) = [m for m in device.active_media if m.serial == "S2"]
        workshop.record_erasure(device, actor, reported, ErasureMethod.PURGE, "nwipe", True)
        workshop.correct_medium(
            device, reported, actor, kind=H, serial="S2-REAL", model="", size_gb=250.0
        )
        apply_snapshot(device, actor, _lshw([("S1", GB500), ("S2", GB250)]), "c")
        assert sorted(m.serial for m in device.active_media) == ["S1", "S2-REAL"]
        assert readiness.media_not_erased(device) == [typed]


def test_an_empty_field_saved_is_not_a_persons_value(client, login_as, make_device, in_app):
    from refurb.auth.roles import Role

    login_as(Role.TECHNICIAN)
    made = make_device(State.DIAGNOSIS)
    with in_app() as session:
        version = session.get(Device, made.id).version
    saved = client.post(
        f"/appareils/{made.tag}/modifier",
        data={"version": version, "brand": "Lenovo", "model": "ThinkPad T480", "grade": "B"},
    )
    assert saved.status_code == 302
    name = "lshw-laptop-dell-latitude-e5530-usbstick.json"
    with in_app() as session:
        device = session.get(Device, made.id)
        assert "cpu" not in (device.spec_sources or {})
        apply_snapshot(device, session.get(User, device.created_by_id), fixture(name), name)
        assert device.cpu == "Intel(R) Core(TM) i5-3340M CPU @ 2.70GHz"


@pytest.mark.parametrize(
    "tree",
    [
        {"class": "system", "children": [None]},
        {"class": "system", "children": [{"class": "memory", "id": "memory", "size": "8G"}]},
        {"class": "system", "children": [{"class": "processor", "configuration": ["x"]}]},
        {"class": "system", "children": [{"class": "disk", "size": "big", "logicalname": 5}]},
    ],
)
def test_an_odd_report_is_read_or_refused_never_a_crash(tree):
    try:
        parse_snapshot(json.dumps(tree))
    except InvalidInput as refused:
        assert refused.code == "snapshot_malformed"
    broken = json.loads(fixture("smartctl-nvme-intel-660p-ssdpeknw010t8.json"))
    broken["device"] = None
    with pytest.raises(InvalidInput) as refused:
        parse_snapshot(json.dumps(broken))
    assert refused.value.code == "snapshot_malformed"


@pytest.mark.parametrize("size", ["Infinity", "NaN", "1e300"])
def test_an_impossible_size_is_no_size_and_leaves_the_device_readable(
    size, client, login_as, make_device, in_app
):
    login_as(Role.TECHNICIAN)
    tag = make_device(State.DIAGNOSIS).tag
    memory = f'{{"class": "memory", "id": "memory", "size": {size}}}'
    disk = f'{{"class": "disk", "id": "disk", "logicalname": "/dev/sda", "size": {size}}}'
    report = f'{{"class": "system", "children": [{memory}, {disk}]}}'
    assert [m.size_gb for m in parse_snapshot(report).media] == [None]
    with in_app() as session:
        device = session.query(Device).filter_by(tag=tag).one()
        apply_snapshot(device, session.get(User, device.created_by_id), report, "odd.json")
        session.commit()
        assert device.ram_gb is None
    for page in (f"/appareils/{tag}", f"/appareils/{tag}/caracteristiques"):
        assert client.get(page).status_code == 200, page


def test_a_smartctl_text_given_as_a_list_or_an_object_is_no_text():
    report = json.loads(fixture("smartctl-nvme-intel-660p-ssdpeknw010t8.json"))
    report["serial_number"], report["model_name"] = ["a"], {"x": 1}
    with pytest.raises(InvalidInput) as refused:  # neither a model nor a serial: unreadable
        parse_snapshot(json.dumps(report))
    assert refused.value.code == "snapshot_unreadable"
