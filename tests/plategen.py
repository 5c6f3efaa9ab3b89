"""Generated Dutch licence plates and chatter that must not become one (for tests and bench).

Our own generator, following the RDW rules: each sidecode's letter/digit groups, letters from the
RDW set (no vowels, no C, Q or Y), none of the combinations the RDW never issues, and no all-zero
three-digit group. Each plate is then written the ways residents type it.
"""

from __future__ import annotations

import random

from handlers.reports.plates import FORBIDDEN, PLATE_LETTERS, SIDECODES

# Where a plate stands in a message (the plate is "{p}").
CARRIERS = (
    "{p}",
    "kenteken {p}",
    "Zwarte auto met kenteken {p} reed weg richting station",
    "witte bestelbus {p} staat al een uur met draaiende motor",
    "plaat: {p}!",
    "de scooter ({p}) scheurde weg",
    "{p}, reed richting de Merwekade",
    "ik zag een grijze golf {p} bij de Reeweg 4",
    "licence plate {p}, heading towards the park",
)

# Chat that looks a bit like a plate: times, dates, phone numbers, postcodes, house numbers, ids.
CHATTER = (
    "om 20-30 minuten is de politie er", "tussen 20-30 jongeren bij de speeltuin", "12-05-24 was het ook al",
    "op 3-12-2026 is de vergadering", "bel 06-12345678 als je iets ziet", "mijn nummer is 06 1234 5678",
    "0612345678", "postcode 3317 AB", "3317AB Dordrecht", "3312 KL 12", "Dubbeldamseweg Zuid 45", "M-0042",
    "melding M-0001 is afgesloten", "om 22.15 uur", "rond 23:45", "2x gebeld", "12 jaar oud",
    "1.80 m lang", "3 mannen en 2 vrouwen", "prijs €12,50", "10-15 minuten", "bus 12 naar Sterrenburg",
    "lijn 4 en 5", "1-jan-24", "3-mrt-25 is de datum", "15-dec-2025", "ma-vr 9-17 uur", "A16 richting Breda",
    "N3 afslag 21", "ik woon op nr 12a", "Van Oldenbarneveltplein 3a", "Vrieseweg 3A", "wk 48", "covid-19",
    "iPhone 15", "PS5", "4k tv", "t-shirt maat XL", "3e verdieping", "1e hulp", "24/7", "50-50",
    "het is 2-0 voor Feyenoord", "score 3-1", "06-40 40 40 40", "+31 6 12345678", "code 1234", "pin 0000",
    "https://t.me/joinchat/AB12cd", "@buurtbot12", "#dordrecht2026", "kamer 2B", "pakket NL123456789",
    "zie foto 1-3", "A4tje", "B&B", "WhatsApp 112", "P+R", "om 9u30", "20u15", "kwart over 11",
)  # fmt: skip


def _group(kind: str, rng: random.Random) -> str:
    if kind[0] == "X":
        return "".join(rng.choice(PLATE_LETTERS) for _ in kind)
    digits = "".join(rng.choice("0123456789") for _ in kind)
    return digits if len(kind) < 3 or digits != "000" else "001"


def plate(sidecode: int, rng: random.Random) -> str:
    """One valid plate of sidecode ``sidecode`` (1-14), dashed."""
    while True:
        groups = [_group(kind, rng) for kind in SIDECODES[sidecode - 1].split("-")]
        if not any(bad in group for group in groups for bad in FORBIDDEN):
            return "-".join(groups)


def writings(dashed: str) -> tuple[str, ...]:
    """The ways residents write one plate: dashed, bare, spaced, with dots, lower case."""
    groups = dashed.split("-")
    return (
        dashed,
        "".join(groups),
        " ".join(groups),
        ".".join(groups),
        dashed.lower(),
        "".join(groups).lower(),
    )


def sample(per_sidecode: int, seed: int = 10) -> list[tuple[int, str, str]]:
    """(sidecode, message, dashed plate) for every sidecode, writing and carrier."""
    rng = random.Random(seed)
    rows: list[tuple[int, str, str]] = []
    for sidecode in range(1, len(SIDECODES) + 1):
        for _ in range(per_sidecode):
            dashed = plate(sidecode, rng)
            written = rng.choice(writings(dashed))
            rows.append((sidecode, rng.choice(CARRIERS).format(p=written), dashed))
    return rows
