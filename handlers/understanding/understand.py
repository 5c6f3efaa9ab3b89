"""``understand(text)``: what a message is, in the shared taxonomy, with confidences.

The trained model proposes kind, category, situation, in_progress, danger_now and language; the
safety table (:mod:`handlers.understanding.safety`) then overrides it: danger words always set
``danger_now``. Thresholds turn probabilities into the decisions the bot acts on.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from handlers.understanding.features import marked_tokens, model_tokens, normalise
from handlers.understanding.model import Model, Prediction, shipped
from handlers.understanding.safety import danger_words
from handlers.understanding.taxonomy import Category, Kind

# Chosen on grouped cross-validation (bench/understanding.py): chatter must rarely be answered.
# A group message becomes a report at this probability of kind=report, is asked about above UNSURE.
REPORT_THRESHOLD = 0.55
UNSURE_THRESHOLD = 0.55
# Below "report" a text still gets a category when the model gives it this chance of being one.
CATEGORY_THRESHOLD = 0.25
# A report needs this category probability and this many words; else "Is dit een melding?".
REPORT_CATEGORY_THRESHOLD = 0.4
REPORT_MIN_WORDS = 3
# A help situation is offered for a help message, or when P(needs help) reaches this.
NEEDS_HELP_THRESHOLD = 0.5
# in_progress / danger_now from the model: yes above HIGH, no below LOW, unknown between.
FLAG_HIGH, FLAG_LOW = 0.6, 0.4
DANGER_THRESHOLD = 0.4
# A missing person is never left in silence: a sure vermissing reading is at least asked about, even
# when the kind head took it for chatter ("onze zoon is kwijt" reads like "onze kat is kwijt").
MISSING_PERSON_THRESHOLD = 0.9
# Categories where "happening now" means someone may be in danger now.
URGENT_NOW = frozenset({Category.INBRAAK, Category.GEWELD, Category.BRAND_OF_ONGEVAL, Category.VERMISSING})
MAX_TEXT = 4000  # a longer message is judged on its start


class Verdict(StrEnum):
    """What the bot does with a message in a group: file it, ask "Is dit een melding?", or nothing."""

    REPORT = "report"
    UNSURE = "unsure"
    CHATTER = "chatter"


@dataclass(frozen=True)
class Understanding:
    kind: Kind
    kind_confidence: float
    report_probability: float  # P(kind = report): what the group verdict rests on
    category: Category | None  # set for reports and for help texts that describe an incident
    category_confidence: float
    situation: str | None  # a /hulp situation id, or None
    situation_confidence: float
    help_probability: float  # P(the writer needs a help service), beside the kind
    in_progress: bool | None
    danger_now: bool
    lang: str
    danger_words: tuple[str, ...] = ()
    words: int = 0  # how many words the text has: one word ("Brand!") is at most a question
    asks: bool = False  # ends with "?": "heeft iemand ook die man gezien?" is asked about, not filed

    @property
    def verdict(self) -> Verdict:
        """Group decision. Danger words never stay silent: at least the question, with 112 first.
        A request for help is not a report: the referral recogniser answers it."""
        if self.kind is Kind.HELP and self.situation is not None:
            return Verdict.CHATTER
        if (
            self.kind is Kind.REPORT
            and self.report_probability >= REPORT_THRESHOLD
            and self.category_confidence >= REPORT_CATEGORY_THRESHOLD
            and self.words >= REPORT_MIN_WORDS
            and not self.asks
        ):
            return Verdict.REPORT
        if self.report_probability >= UNSURE_THRESHOLD or (self.danger_now and self.kind is not Kind.HELP):
            return Verdict.UNSURE
        if (
            self.category is Category.VERMISSING
            and self.category_confidence >= MISSING_PERSON_THRESHOLD
            and self.words >= REPORT_MIN_WORDS
            and self.kind is not Kind.HELP
        ):
            return Verdict.UNSURE
        return Verdict.CHATTER

    @property
    def unclear(self) -> bool:
        """Neither a report nor a help request the model is sure of: a private chat offers choices."""
        return self.verdict is not Verdict.REPORT and self.situation is None

    def to_json_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "category": self.category.value if self.category else None,
            "situation": self.situation,
            "in_progress": self.in_progress,
            "danger_now": self.danger_now,
            "lang": self.lang,
            "confidence": {
                "kind": round(self.kind_confidence, 3),
                "report": round(self.report_probability, 3),
                "category": round(self.category_confidence, 3),
                "situation": round(self.situation_confidence, 3),
                "help": round(self.help_probability, 3),
            },
        }


def _flag(prediction: Prediction, head: str) -> bool | None:
    p = prediction.probabilities[head]["yes"]
    if p >= FLAG_HIGH:
        return True
    if p <= FLAG_LOW:
        return False
    return None


def _empty(lang: str = "nl") -> Understanding:
    return Understanding(Kind.CHATTER, 1.0, 0.0, None, 0.0, None, 0.0, 0.0, None, False, lang)


def understand(text: str, model: Model | None = None) -> Understanding:
    """Never raises: any string gets an answer (empty or symbol-only text is chatter)."""
    text = text[:MAX_TEXT]
    if model is None:
        return _understood(text)
    return _understand(text, model)


# One message passes several recognisers (reports, referrals, patrol notes): the shipped model reads
# each text once. Understanding is frozen and the shipped model never changes, so this is safe.
@lru_cache(maxsize=256)
def _understood(text: str) -> Understanding:
    return _understand(text, shipped())


def _understand(text: str, model: Model) -> Understanding:
    if not any(ch.isalnum() for ch in text):
        return _empty()
    marked = marked_tokens(normalise(text))
    words = model_tokens(marked)
    return interpret(text, model.predict(text, words), marked)


def interpret(text: str, prediction: Prediction, marked: list[str]) -> Understanding:
    """The model's probabilities and the safety table → one Understanding (the thresholds live here)."""
    words = model_tokens(marked)
    kind_label, kind_p = prediction.best("kind")
    kind = Kind(kind_label)
    category_label, category_p = prediction.best("category")
    situation_label, situation_p = prediction.best("situation")
    needs_help = prediction.probabilities["needs_help"]["yes"]
    help_wanted = kind is Kind.HELP or (needs_help >= NEEDS_HELP_THRESHOLD and kind is not Kind.CHATTER)
    situation = situation_label if help_wanted else None
    incident = kind in (Kind.REPORT, Kind.HELP)
    report_p = prediction.probabilities["kind"][Kind.REPORT.value]
    category = Category(category_label) if incident or report_p >= CATEGORY_THRESHOLD else None
    in_progress = _flag(prediction, "in_progress") if incident else None
    found = danger_words(text, category_label if incident else None, situation, incident, marked)
    model_danger = incident and prediction.probabilities["danger_now"]["yes"] >= DANGER_THRESHOLD
    # By definition in danger now: a person missing right now, a plea for 112, an incident going on.
    in_danger = incident and (
        situation == "nood"
        or (category is Category.VERMISSING and in_progress is not False and kind is Kind.REPORT)
        or (in_progress is True and category in URGENT_NOW)
    )
    lang, _ = prediction.best("lang")
    return Understanding(
        kind=kind,
        kind_confidence=kind_p,
        report_probability=report_p,
        category=category,
        category_confidence=category_p if category else 0.0,
        situation=situation,
        situation_confidence=situation_p if situation else 0.0,
        help_probability=needs_help,
        in_progress=True if found and incident and in_progress is None else in_progress,
        danger_now=bool(found) or model_danger or in_danger,
        lang=lang,
        danger_words=found,
        words=sum(1 for token in words if token.isalpha()),
        asks=bool(words) and words[-1] == "?",
    )


# A typed answer to "which category?" is taken at this category probability.
TYPED_CATEGORY_THRESHOLD = 0.5


def typed_category(text: str, model: Model | None = None) -> tuple[Category, bool | None] | None:
    """The category (and in_progress) of a short typed answer such as "inbraak" or "brand!"; None when
    the model is unsure, so the dialog asks again."""
    if not any(ch.isalnum() for ch in text[:MAX_TEXT]):
        return None
    prediction = (model or shipped()).predict(text[:MAX_TEXT])
    label, p = prediction.best("category")
    if p < TYPED_CATEGORY_THRESHOLD:
        return None
    in_progress = _flag(prediction, "in_progress") or (True if danger_words(text) else None)
    return Category(label), in_progress
