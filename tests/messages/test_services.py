"""The services directory: the shipped file is valid and complete; overrides merge; errors are clear."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from messages.services import SERVICES_FILE, Region, ServicesError, load_directory

REQUIRED = {
    "alarm_112": "112",
    "politie": "0900-8844",
    "meld_misdaad_anoniem": "0800-7000",
    "veilig_thuis": "0800-2000",
    "discriminatie": None,
    "fraudehelpdesk": "088-7867372",
    "slachtofferhulp": "0900-0101",
    "kindertelefoon": "0800-0432",
    "alles_oke": "0800-0450",
    "zelfmoordpreventie_113": "113",
    "zorgwekkend_gedrag": "0800-1205",
    "gemeente": "14 078",
    "fixi": None,
    "stop_intimidatie": None,
    "burgernet": "0800-0011",
    "seksueel_geweld": "0800-0188",
    "veilig_verkeer": None,
}


def test_shipped_directory_has_every_required_service_with_catalogue_numbers() -> None:
    directory = load_directory()
    for service_id, phone in REQUIRED.items():
        service = directory.get(service_id)
        assert service is not None, service_id
        assert service.phone == phone, service_id
    assert directory.get("discriminatie").website == "https://www.discriminatie.nl"  # type: ignore[union-attr]
    assert directory.get("fixi").website == "https://www.fixi.nl"  # type: ignore[union-attr]


def test_uncertain_facts_are_not_shown_as_facts() -> None:
    directory = load_directory()
    # Catalogue §1.5/§6.1: no confirmed phone number for Discriminatie.nl — none is published.
    assert directory.get("discriminatie").phone is None  # type: ignore[union-attr]
    # §1.3/§6.9: Meld Misdaad Anoniem hours and website are uncertain.
    mma = directory.get("meld_misdaad_anoniem")
    assert mma is not None and mma.hours is None and mma.website is None
    # §1.9/§6.10: Alles oké? upper age and hours are uncertain.
    alles = directory.get("alles_oke")
    assert alles is not None and alles.age_max is None and alles.hours is None and alles.age_min == 18
    # The Burgernet tip line comes from an old page only: shown with "controleer het nummer".
    assert directory.get("burgernet").verified is False  # type: ignore[union-attr]
    text = SERVICES_FILE.read_text(encoding="utf-8")
    for unconfirmed in ("078-639", "0900-235", "010-411", "088-6628844", "meldmisdaadanoniem.nl"):
        assert unconfirmed not in text


def test_regions_and_ages() -> None:
    directory = load_directory()
    assert directory.get("gemeente").region is Region.DORDRECHT  # type: ignore[union-attr]
    assert directory.get("veilig_thuis").region is Region.ZHZ  # type: ignore[union-attr]
    kinder = directory.get("kindertelefoon")
    assert kinder is not None and kinder.fits_age(12) and not kinder.fits_age(30)


def _write(tmp_path: Path, text: str, name: str = "dordrecht.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_override_replaces_fields_and_adds_services(tmp_path: Path) -> None:
    override = _write(
        tmp_path,
        """
[services.zorgwekkend_gedrag]
phone = "078-1234567"
purpose.nl = "Meldpunt Zorg & Overlast van de GGD."

[services.wijkagent]
name = "Wijkagent Krispijn"
purpose.nl = "Vragen voor de wijkagent."
purpose.en = "Questions for the community officer."
website = "https://www.politie.nl/mijn-buurt"
region = "dordrecht"
verified = false

[services.burgernet]
enabled = false
""",
    )
    directory = load_directory(override)
    zorg = directory.get("zorgwekkend_gedrag")
    assert zorg is not None
    assert zorg.phone == "078-1234567"
    assert zorg.purpose.nl == "Meldpunt Zorg & Overlast van de GGD."
    assert zorg.purpose.en.startswith("Worries about someone")  # the untouched locale stays
    assert zorg.name.startswith("Meldpunt Zorgwekkend Gedrag")
    added = directory.get("wijkagent")
    assert added is not None and added.verified is False and added.region is Region.DORDRECHT
    assert "burgernet" not in directory
    assert directory.get("veilig_thuis") is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[services.veilig_thuis]\nphone = "bel ons"\n',
            r"services\.veilig_thuis\.phone: .*not a phone number",
        ),
        ('[services.nieuw]\nname = "Nieuw"\n', r"services\.nieuw\.purpose: Field required"),
        ('[services.veilig_thuis]\nregion = "mars"\n', r"services\.veilig_thuis\.region"),
        ('[services.veilig_thuis]\nfax = "1"\n', r"services\.veilig_thuis\.fax: Extra inputs"),
        ('[services.veilig_thuis]\nwebsite = "http://x"\n', r"services\.veilig_thuis\.website"),
        ("[services.veilig_thuis\n", r"not valid TOML"),
        ('[diensten.x]\nname = "x"\n', r"unknown top-level key"),
        (
            "[services.kindertelefoon]\nage_min = 20\n",
            r"services\.kindertelefoon\.\(service\): age_min is higher than age_max",
        ),
    ],
)
def test_broken_override_names_file_and_field(tmp_path: Path, text: str, expected: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ServicesError) as caught:
        load_directory(path)
    message = str(caught.value)
    assert str(path) in message
    assert re.search(expected, message), message


def test_missing_override_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ServicesError, match=r"gemeente\.toml: file not found"):
        load_directory(tmp_path / "gemeente.toml")
