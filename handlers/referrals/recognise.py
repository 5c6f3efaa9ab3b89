"""Recognise, in free Dutch text, a moment where someone needs a help service.

Rules are regular expressions over a normalised text (lower case, no accents, only letters and
digits separated by single spaces). Each situation has *strong* patterns (a person saying it
happens to them or someone they know: always count) and *weak* ones (a topic word such as
"discriminatie" or "fraude": they count only when the text is not about an event, e.g. "de
discriminatie-workshop van vanavond gaat niet door"). A miss is cheap (the `/hulp` menu exists);
a false hit in a quiet alarm group is not, so the patterns stay conservative.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_CHARS = 2000  # longer texts are cut: a referral never depends on the tail of an essay


def normalise(text: str) -> str:
    """'Mijn buurvrouw wordt, volgens mij, GESLAGEN!' → ' mijn buurvrouw wordt volgens mij geslagen '."""
    text = unicodedata.normalize("NFKD", text[:MAX_CHARS])
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return f" {text.strip()} "


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def _near(left: str, right: str, gap: int = 6) -> str:
    """`left` and `right` within `gap` words of each other, in either order."""
    words = rf"(?: \w+){{0,{gap}}} "
    return rf"(?:\b(?:{left}){words}(?:{right})\b|\b(?:{right}){words}(?:{left})\b)"


# Talk about an event, a course or the news, not about something that happened to someone.
_EVENT = _any(
    r"\b(workshop|cursus|training|lezing|bijeenkomst|voorlichting\w*|informatieavond|info ?avond|webinar"
    r"|presentatie|film|documentaire|boek|artikel|serie|campagne|debat|spreekbeurt|werkstuk|quiz"
    r"|themaavond|thema avond|week tegen|gastles|podcast|nieuws ?bericht|krant|folder|poster)",
    r"\bgaat niet door\b|\bafgelast\b|\bverplaatst\b",
    # A warning to the group ("pas op: nepagenten actief") is an alert, not someone needing help.
    r"\b(pas op|let op|waarschuwing|opgelet|attentie|actief in|gaan rond|gaat rond)\b",
)

_DANGER_NOW = r"\b(nu|nou|op dit moment|net|zojuist|op dit moment|vannacht|hulp|help)\b"

_FAMILY = (
    r"(haar|zijn|z n|zn|mijn|m n|mn|hun|d r|dr|der|de|het) "
    r"(man|vrouw|partner|vriend|vriendin|ex|vader|moeder|pa|ma"
    r"|zoon|dochter|kind|kindje|kinderen|kids|ouders|broer|zus|stiefvader|stiefmoeder|echtgenoot|echtgenote"
    r"|opa|oma|kleinzoon|kleindochter)"
    r"|\bthuis|\bbuurkind\w*"
)
_HIT = (
    r"geslagen|slaat|sloeg|slaan|sla|schopt|schopte|geschopt|mept|mepte|klappen|in elkaar|duwt|geduwd"
    r"|knijpt|gewurgd|wurgt|mishandeld|mishandelt|mishandelen|bedreigt|bedreigd|opgesloten|sluit \w+ op"
)
_NOT_VIOLENCE = _any(
    r"record|alarm|wedstrijd|tegenstander|spijker|tennis|\b(munt|bal|slag|brug|golf|drum|toetsen)\b",
    r"\bslaat (nergens )?op\b|\bslaat aan\b|\bop hol\b|\bsla je slag\b|\bin elkaar (gezet|zetten|gezakt)\b",
)


@dataclass(frozen=True)
class Rule:
    situation: str
    strong: re.Pattern[str]
    weak: re.Pattern[str] | None = None
    danger: re.Pattern[str] | None = None
    exclude: re.Pattern[str] | None = None


RULES: tuple[Rule, ...] = (
    Rule(
        "zelfdoding",
        strong=_any(
            r"\bzie\w* (het|het leven) niet meer zitten\b|\bzelfmoordgedachte\w*",
            r"\bdenk\w* (\w+ )?(aan|over) (zelfmoord|zelfdoding|suicide)\b",
            r"\b(een )?einde? (aan|maken aan) (mijn|zijn|haar|m n|z n|het) leven\b",
            r"\ber een einde? aan (\w+ )?(maken|te maken)\b|\ber een punt achter zetten\b",
            r"\b(wil|wilde|willen|wou) (echt )?(niet meer leven|dood|niet meer verder|er niet meer zijn)\b",
            r"\bniet meer (willen )?leven\b|\bdood (willen|wil) (gaan|zijn)\b",
            r"\b(mezelf|zichzelf|mijzelf) (iets )?(aan doen|aandoen|van kant)\b|\bvan kant (\w+ )?maken\b",
        ),
        weak=_any(r"\bzelfmoord\b|\bzelfdoding\b|\bsuicid\w*|\bsuicide\w*"),
        danger=_any(_DANGER_NOW, r"\b(pillen|brug|spoor|trein|dak|touw|mes|afscheidsbrief|springen)\b"),
    ),
    Rule(
        "seksueel",
        strong=_any(
            r"\bverkracht\b|\baangerand\b|\bseksueel misbruikt\b|\bongewenst (betast|aangeraakt)\b",
        ),
        weak=_any(r"\bverkrachting\b|\baanranding\b|\bseksueel (geweld|misbruik|overschrijdend)\b"),
        danger=_any(_DANGER_NOW, r"\b(gewond|bloed|bloedt|volgt)\b"),
    ),
    Rule(
        "thuis",
        strong=_any(
            _near(_FAMILY, _HIT),
            _near(
                r"hoor|horen|hoorde|hoorden", r"(boven|onder|naast)?buren\w*|naast ons|naast mij|hiernaast", 8
            )
            + r"(?=.*\b(geschreeuw|schreeuwen|gegil|gillen|klappen|slaan|geslagen|huilen)\b)",
            _near(r"kind|kinderen|kindje|kids|buurkind\w*", r"verwaarloosd|verwaarlozen|verwaarloost", 10),
            _near(
                r"kind|kinderen|kindje|kids|buurkind\w*",
                r"(vaak|altijd|steeds|elke dag|dagen) (\w+ ){0,2}(honger|alleen)"
                r"|krijgen geen eten|nooit eten",
                10,
            ),
            _near(
                r"oma|opa|moeder|vader|ouders|bejaarde|oudere", r"geld afgepakt|bestolen door|uitgebuit", 6
            ),
        ),
        danger=_any(
            _DANGER_NOW,
            r"\b(gewond|bloed|bloedt|mes|wapen|vermoorden|doodmaken|dood maken|gillen|gilt|schreeuwt)\b",
        ),
        weak=_any(r"\bhuiselijk geweld\b|\bkindermishandeling\b|\bouderenmishandeling\b|\bpartnergeweld\b"),
        exclude=_NOT_VIOLENCE,
    ),
    Rule(
        "verward",
        strong=_any(
            r"\bverward\w*|\bin de war\b|\bpraat (hardop )?(in zichzelf|tegen zichzelf)\b|\bhoort stemmen\b",
            r"\bpsychose\b|\bpsychotisch\b|\bzorgwekkend gedrag\b|\bverwaarloost (zich|zichzelf)\b",
            r"\bzichzelf verwaarloos\w*|\b(huis|woning) (is )?(erg |heel |helemaal |totaal )?vervuild\b",
            r"\bvervuilde woning\b|\bdwaalt\b|\bloopt (\w+ )?te dwalen\b|\bopent (zijn|haar) post niet\b",
        ),
        danger=_any(r"\b(agressief|dreigt|mes|wapen|gewond|slaat|spoor|midden op de weg|brand|springen)\b"),
        exclude=_any(r"\bverwarde (aanwijzing|uitleg|berichten|instructie)\w*\b"),
    ),
    Rule(
        "discriminatie",
        strong=_any(
            r"\bgediscrimineerd\b|\bdiscrimineert\b|\bdiscrimineerde\w*",
            r"\bracistisch (uitgescholden|behandeld|bejegend)\b|\buitgescholden (voor|omdat)\b",
            r"\bvanwege (mijn|zijn|haar|onze|hun) (huidskleur|afkomst|geloof|hoofddoek|religie|geaardheid"
            r"|handicap|beperking|accent|achternaam|naam)\b",
            r"\b(omdat|want) (ik|hij|zij|ze|we|wij) (zwart|homo|lesbisch|trans|moslim|joods|gehandicapt)\b",
            _near(
                r"schelden|scholden|uitgescholden|gepest|geweigerd|bespuugd|uitgemaakt|weggestuurd",
                r"(omdat|vanwege)(?: \w+){0,4} (hoofddoek|huidskleur|afkomst|geloof|homo|lesbisch|trans"
                r"|moslim|joods|zwart|handicap|beperking|kleur)",
                6,
            ),
        ),
        weak=_any(r"\bdiscriminatie\b|\bracisme\b|\bantisemitisme\b|\bhomohaat\b|\bmoslimhaat\b"),
    ),
    Rule(
        "opgelicht",
        strong=_any(
            r"\bopgelicht\b|\bopgelicht (worden|te worden)\b|\boplichter\w*",
            _near(
                r"pincode|pin code|pin|pinpas\w*|inlogcode\w*|inloggegevens|wachtwoord|bankpas\w*"
                r"|verificatiecode|code",
                r"gegeven|doorgegeven|afgegeven|meegegeven|ingevuld|gedeeld|opgehaald|ingetoetst",
                4,
            ),
            _near(r"geld|euro|bedrag", r"overgemaakt|over gemaakt", 4)
            + r"(?=.*\b(nep|fraude|niet echt|oplicht\w*)\b)",
            r"\b(ik|we|wij|hij|zij|ze|mijn \w+|onze \w+) (ben|is|zijn|werd|werden) (\w+ ){0,3}"
            r"(opgelicht|bestolen|ingetrapt|erin getuind)\b",
            r"\b(whatsapp|account|rekening) (is )?(gehackt|overgenomen)\b",
        ),
        weak=_any(
            r"\bfraude\b|\bphishing\b|\boplichting\b|\bspoofing\b|\bbankhelpdeskfraude\b",
            r"\bnep ?(bank|bankmedewerker|agent|agenten|politie|helpdesk|tikkie|webshop|sms|mail|email"
            r"|koerier)\b",
            r"\bhoi (mam|pap)\b|\bvriend in nood\b",
        ),
        danger=_any(
            r"\b(staat|staan|is|zijn)\b(?: \w+){0,4} (aan|voor|bij) (de|mijn|haar|zijn) deur\b",
            _near(r"koerier|agent|medewerker", r"komt|onderweg|komen|langs", 3),
        ),
    ),
    Rule(
        "anoniem",
        strong=_any(
            r"\banoniem\w* (iets )?(melden|tip\w*|doorgeven|vertellen|aangeven|melding)\b",
            _near(r"melden|tip|tippen|doorgeven|vertellen|aangeven", r"anoniem", 4),
            r"\bzonder dat (ze|hij|zij|men|iemand|die|de daders?) (weet|weten) dat ik\b",
            r"\bbang voor (wraak|represailles)\b",
            r"\b(durf|durven|durfde) (het )?niet (te melden|naar de politie|aan te geven|te vertellen)\b",
            _near(
                r"ik weet wie",
                r"inbraak|ingebroken|gestolen|drugs|dealt|dealen|wiet|hennep|wapens?"
                r"|brand|overval|gepleegd|gedaan|aangestoken",
                6,
            ),
            r"\bmeld misdaad anoniem\b",
        ),
    ),
    Rule(
        "lastig",
        strong=_any(
            r"\blastig ?gevallen\b|\bna ?gefloten\b|\bna ?geroepen\b|\bna ?gesist\b|\bnasissen\b",
            r"\bstraatintimidatie\b|\bgeintimideerd\b|\bachtervolgd\b|\bvolgt (me|mij)\b|\bvolgde (me|mij)\b",
        ),
        weak=_any(r"\bintimidatie\b"),
        danger=_any(
            r"\b(nu|nog steeds|bedreigd|bedreigt|mes|geslagen|aangevallen|vastgepakt|vastgegrepen)\b"
        ),
    ),
    Rule(
        "praten",
        strong=_any(
            r"\bmet iemand (willen |wil |moet |kunnen )?praten\b|\bniemand om (mee )?(te )?praten\b",
            r"\bik (voel|voelde) me (zo |heel |erg |echt |best |vaak |zo ontzettend )?(alleen|eenzaam|down"
            r"|somber|depressief|rot|ellendig|waardeloos|verdrietig|angstig|wanhopig)\b",
            r"\bik zit (er )?(helemaal |echt |zo )?(doorheen|door heen|in de put)\b",
            r"\bik ben (zo |heel |erg |echt )?(eenzaam|depressief|somber|wanhopig)\b",
            r"\bik kan (het|dit|het leven) niet meer aan\b",
        ),
    ),
    Rule(
        "kapot",
        strong=_any(
            _near(
                r"lantaarnpa\w*|lantaarn|straatlantaarn\w*|straatverlichting|straatlamp\w*|lichtmast\w*",
                r"kapot|stuk|uit|brandt niet|branden niet|doet het niet|doen het niet|defect|knippert",
                5,
            ),
            r"\b(losse|losliggende|kapotte|scheve) (stoep)?tegels?\b",
            r"\b(gat|kuil|verzakking) in (de|het) (weg|stoep|fietspad|straat|wegdek)\b",
            _near(
                r"afval|vuilnis|grofvuil|troep|huisraad|matras|matrassen|bank|bankstel|koelkast|meubels",
                r"gedumpt|gestort|neergegooid",
                4,
            ),
            r"\bdumping\b|\bzwerfvuil\b|\bafval gedumpt\b",
            _near(
                r"kapot|stuk|vernield|beschadigd",
                r"bankje|speeltoestel\w*|verkeersbord|prullenbak|afvalbak|hek|straatnaambord|glasbak",
                3,
            ),
        ),
    ),
)


@dataclass(frozen=True)
class Recognised:
    situation: str
    danger: bool  # words of acute danger: the answer leads with "bel nu 112"
    age: int | None = None  # "ik ben 15": picks the right talk line


_AGE = re.compile(r"\bik ben (\d{1,2})( jaar)?\b")


def _matches(rule: Rule, text: str, event_talk: bool) -> bool:
    if rule.exclude is not None and rule.exclude.search(text) and not _explicit(rule, text):
        return False
    if rule.strong.search(text):
        return True
    return rule.weak is not None and not event_talk and bool(rule.weak.search(text))


def _explicit(rule: Rule, text: str) -> bool:
    # "Huiselijk geweld" is explicit even when a word like "slag" appears elsewhere in the text.
    return rule.situation == "thuis" and bool(re.search(r"\bhuiselijk geweld\b|mishandeling\b", text))


def recognise(text: str) -> Recognised | None:
    """The situation a message is about, or None for everything else (chatter, thanks, reports)."""
    norm = normalise(text)
    if len(norm) < 6:
        return None
    event_talk = bool(_EVENT.search(norm))
    for rule in RULES:
        if _matches(rule, norm, event_talk):
            danger = rule.danger is not None and bool(rule.danger.search(norm))
            age_match = _AGE.search(norm)
            age = int(age_match.group(1)) if age_match else None
            return Recognised(rule.situation, danger, age)
    return None
