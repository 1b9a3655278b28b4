"""Demonstration inventory: Gers donors, collections and a few hundred devices driven through
the real lifecycle (so every state, document and history entry is consistent), dated over the
past eighteen months."""

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from refurb.auth.models import Organisation, User
from refurb.auth.roles import OrganisationKind
from refurb.db_types import clock_at
from refurb.db_types import today as clock_today
from refurb.extensions import db
from refurb.inventory.checklists import checklist
from refurb.inventory.enums import (
    Category,
    CheckResult,
    DiagnosisOutcome,
    DonorKind,
    ErasureMethod,
    Grade,
    MediumKind,
    RepairBarrier,
    RepairStatus,
)
from refurb.inventory.lifecycle import Action, Context, perform
from refurb.inventory.services import functional_test, intake, recycling, workshop

DONORS = [
    ("Conseil Départemental du Gers", DonorKind.DEPARTEMENT, "32013"),
    ("Mairie d'Auch", DonorKind.COLLECTIVITE, "32013"),
    ("CC de la Ténarèze", DonorKind.COLLECTIVITE, "32107"),
    ("Lycée agricole de Mirande", DonorKind.COLLECTIVITE, "32256"),
    ("Gascogne Logistique", DonorKind.ENTREPRISE, "32160"),
    ("Cabinet comptable Armagnac Conseil", DonorKind.ENTREPRISE, "32119"),
    ("Familles Rurales du Gers", DonorKind.ASSOCIATION, "32132"),
    ("Don d'un particulier (Fleurance)", DonorKind.PARTICULIER, "32132"),
]

MODELS = {
    Category.LAPTOP: [
        ("Lenovo", "ThinkPad T480", 2018),
        ("Lenovo", "ThinkPad L470", 2017),
        ("Dell", "Latitude 5490", 2018),
        ("Dell", "Latitude E7470", 2016),
        ("HP", "EliteBook 840 G5", 2018),
        ("HP", "ProBook 450 G6", 2019),
        ("Fujitsu", "Lifebook E548", 2018),
    ],
    Category.DESKTOP: [
        ("Dell", "OptiPlex 7050", 2017),
        ("HP", "ProDesk 600 G3", 2017),
        ("Lenovo", "ThinkCentre M710q", 2017),
    ],
    Category.TABLET: [
        ("Samsung", "Galaxy Tab A 10.1", 2019),
        ("Apple", "iPad (6e génération)", 2018),
    ],
    Category.SMARTPHONE: [
        ("Samsung", "Galaxy A40", 2019),
        ("Xiaomi", "Redmi Note 8", 2019),
        ("Apple", "iPhone 8", 2017),
    ],
    Category.SCREEN: [("Dell", "P2217H", 2017), ("HP", "E22 G4", 2020)],
    Category.PRINTER: [("HP", "LaserJet Pro M402dn", 2017), ("Brother", "HL-L2350DW", 2019)],
    Category.PERIPHERAL: [
        ("Logitech", "Clavier K120", 2018),
        ("Dell", "Station d'accueil WD15", 2017),
    ],
}
CATEGORY_WEIGHTS = [
    (Category.LAPTOP, 45),
    (Category.DESKTOP, 18),
    (Category.TABLET, 9),
    (Category.SMARTPHONE, 10),
    (Category.SCREEN, 10),
    (Category.PRINTER, 4),
    (Category.PERIPHERAL, 4),
]
PROBLEMS = [
    "Écran qui scintille, nappe à remplacer",
    "Batterie gonflée",
    "Clavier : touches mortes",
    "Ne démarre plus, carte mère suspecte",
    "Charnière cassée",
    "Disque dur en fin de vie",
]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), UTC)


class Generator:
    def __init__(self, seed: int = 32, devices: int = 320):
        self.rng = random.Random(seed)
        self.count = devices
        self.technicians = list(
            db.session.scalars(
                select(User).where(
                    User.email.in_(["atelier@demo.refurb.fr", "benevole@demo.refurb.fr"])
                )
            )
        )
        from refurb.maintenance.enums import SiteKind
        from refurb.maintenance.models import Site

        self.sites = list(
            db.session.scalars(select(Site).where(Site.kind != SiteKind.ROTATION_POOL))
        )
        self.pool = db.session.scalar(select(Site).where(Site.kind == SiteKind.ROTATION_POOL))
        self.workshops = list(
            db.session.scalars(
                select(Organisation).where(Organisation.kind == OrganisationKind.WORKSHOP)
            )
        )
        self.recycler = db.session.scalar(
            select(Organisation).where(Organisation.kind == OrganisationKind.RECYCLER)
        )
        self.coordinator = db.session.scalar(
            select(User).where(User.email == "coordination@demo.refurb.fr")
        )

    def run(self) -> None:
        today = clock_today()
        start = today - timedelta(days=540)
        donors = []
        for name, kind, commune in DONORS:
            with clock_at(_at(start)):
                donor = intake.create_donor(None, name, kind, commune_code=commune)
                if kind in (DonorKind.DEPARTEMENT, DonorKind.ENTREPRISE):
                    intake.add_partnership(
                        donor,
                        None,
                        start + timedelta(days=self.rng.randint(0, 300)),
                        notes="Convention de don de matériel informatique",
                    )
            donors.append(donor)
        collections = []
        for n in range(14):
            day = start + timedelta(days=int(n * 535 / 13) - self.rng.randint(0, 4))
            with clock_at(_at(day, 9)):
                collections.append(
                    intake.create_collection(
                        None,
                        self.rng.choice(donors),
                        day,
                        place="Auch, atelier AG2I",
                        workshop_id=self.rng.choice(self.workshops).id,
                    )
                )
        to_recycle = []
        for index in range(self.count):
            collection = collections[index * len(collections) // self.count]
            device = self.device(collection, today)
            if device is not None:
                to_recycle.append(device)
        for batch_number, batch in enumerate((to_recycle[::2], to_recycle[1::2])):
            if not batch:
                continue
            day = min(
                today,
                max(d.state_changed_at.date() for d in batch) + timedelta(days=7 + batch_number),
            )
            with clock_at(_at(day, 15)):
                recycling.create_batch(
                    None,
                    self.recycler,
                    day,
                    batch,
                    handover_reference=f"ECO-{day:%Y%m%d}-{batch_number + 1}",
                )

    def device(self, collection, today: date):
        """Create one device and take it as far as its fate; return it if it awaits recycling."""
        rng = self.rng
        category = rng.choices([c for c, _ in CATEGORY_WEIGHTS], [w for _, w in CATEGORY_WEIGHTS])[
            0
        ]
        brand, model, year = rng.choice(MODELS[category])
        actor = rng.choice(self.technicians)
        day = collection.collected_on + timedelta(days=1)
        limit = today - timedelta(days=1)

        last = _at(day, 8)

        def step(days: int):
            """The clock for the next event: `days` later, never before the previous one."""
            nonlocal day, last
            day = min(day + timedelta(days=days), limit)
            moment = _at(day, 9) + timedelta(minutes=rng.randint(0, 8 * 60))
            last = max(moment, last + timedelta(minutes=rng.randint(5, 40)))
            return clock_at(last)

        with step(0):
            device = intake.receive_device(
                actor,
                category=category,
                brand=brand,
                model=model,
                collection_id=collection.id,
                serial_number=f"{brand[:2].upper()}{rng.randint(10**7, 10**8 - 1)}",
                year_of_manufacture=year,
                weight_kg=round(
                    rng.uniform(0.8, 1.2)
                    * {Category.LAPTOP: 2.1, Category.DESKTOP: 6.8}.get(category, 1),
                    2,
                )
                if rng.random() < 0.7
                else None,
                accessories="Chargeur" if category in (Category.LAPTOP, Category.TABLET) else "",
            )
        fate = rng.random()
        recent = (today - collection.collected_on).days < 45
        if recent and fate < 0.5:
            return None  # still waiting on the shelf
        context = Context(actor=actor)
        with step(rng.randint(1, 10)):
            perform(device, Action.START_DIAGNOSIS, context)
        if category.holds_data:
            kind = {
                Category.LAPTOP: rng.choice([MediumKind.SSD, MediumKind.HDD, MediumKind.NVME]),
                Category.DESKTOP: rng.choice([MediumKind.HDD, MediumKind.SSD]),
            }.get(category, MediumKind.FLASH)
            with step(0):
                workshop.add_medium(
                    device,
                    actor,
                    kind,
                    serial=f"M{rng.randint(10**9, 10**10 - 1)}",
                    size_gb=rng.choice([128, 240, 256, 500, 1000]),
                )
        broken = fate > 0.72
        results = {i.key: {"result": CheckResult.PASS.value} for i in checklist(category)}
        if broken:
            item = rng.choice(list(results))
            results[item] = {"result": CheckResult.FAIL.value, "note": "défaut constaté"}
        outcome = DiagnosisOutcome.NEEDS_REPAIR if broken else DiagnosisOutcome.READY_AFTER_ERASURE
        with step(rng.randint(0, 5)):
            functional_test.record_diagnosis(device, actor, results, outcome)
        if recent and fate < 0.7:
            return None
        if broken:
            with step(1):
                perform(device, Action.SEND_TO_REPAIR, Context(actor=actor, note="voir diagnostic"))
            if recent:
                return None  # on the repair bench
            fixed = rng.random() < 0.55
            with step(rng.randint(2, 20)):
                workshop.record_repair(
                    device,
                    actor,
                    rng.choice(PROBLEMS),
                    RepairStatus.FIXED if fixed else RepairStatus.END_OF_LIFE,
                    None if fixed else rng.choice(list(RepairBarrier)),
                    parts_used="pièce de réemploi" if fixed else "",
                    minutes_spent=rng.randint(20, 180),
                )
            if not fixed:
                with step(1):
                    perform(
                        device, Action.DISMANTLE, Context(actor=actor, note="pièces récupérées")
                    )
                self.erase(device, actor, step, ErasureMethod.DESTROY)
                return device if rng.random() < 0.7 else None  # some parts stay on the shelf
            results = {i.key: {"result": CheckResult.PASS.value} for i in checklist(category)}
            with step(1):
                functional_test.record_diagnosis(
                    device, actor, results, DiagnosisOutcome.READY_AFTER_ERASURE
                )
        self.erase(device, actor, step, rng.choice([ErasureMethod.CLEAR, ErasureMethod.PURGE]))
        device.grade = rng.choice(list(Grade))
        if category in (Category.LAPTOP, Category.DESKTOP):
            device.os = rng.choice(["Linux Mint 22", "Ubuntu 24.04 LTS", "PrimTux 8"])
            device.has_free_software = True
            device.has_dys_software = rng.random() < 0.4
        device.simplified = category == Category.TABLET and rng.random() < 0.3
        with step(rng.randint(0, 3)):
            perform(device, Action.MARK_READY, context)
        future = rng.random()
        if future < 0.45 or recent:
            return None  # ready on the shelf
        if future < 0.7 and self.sites:
            site = rng.choice(self.sites)
            with step(rng.randint(3, 30)):
                perform(
                    device,
                    Action.RESERVE,
                    Context(actor=actor, details={"purpose": "site", "site_id": site.id}),
                )
            with step(rng.randint(1, 10)):
                perform(
                    device,
                    Action.DEPLOY,
                    Context(actor=actor, details={"site_id": site.id}),
                )
        elif future < 0.74 and self.pool:
            with step(rng.randint(3, 30)):
                perform(
                    device, Action.DEPLOY, Context(actor=actor, details={"site_id": self.pool.id})
                )
            if rng.random() < 0.25:
                with step(rng.randint(30, 90)):
                    perform(
                        device,
                        Action.DECLARE_LOST,
                        Context(actor=self.coordinator, note="Non restitué par le médiateur"),
                    )
        elif future < 0.9:
            with step(rng.randint(3, 60)):
                perform(
                    device,
                    Action.GIVE,
                    Context(actor=actor, note="Don à une association d'insertion"),
                )
        elif self.pool:
            with step(rng.randint(1, 10)):
                perform(
                    device,
                    Action.RESERVE,
                    Context(actor=actor, details={"purpose": "site", "site_id": self.pool.id}),
                )
        return None

    def erase(self, device, actor, step, method: ErasureMethod) -> None:
        for medium in device.active_media:
            with step(self.rng.randint(0, 3)):
                workshop.record_erasure(
                    device,
                    actor,
                    medium,
                    method,
                    {
                        ErasureMethod.CLEAR: "nwipe (1 passe)",
                        ErasureMethod.PURGE: "hdparm --security-erase",
                        ErasureMethod.DESTROY: "perceuse à colonne",
                    }[method],
                    True,
                )


def load_inventory(devices: int = 320) -> None:
    Generator(devices=devices).run()
    db.session.flush()
