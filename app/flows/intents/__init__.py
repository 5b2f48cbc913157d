"""What a resident's message is about: a service from the catalog, a command, and the kind of turn.

`classify(text)` (contract §7) returns a service code of the loaded catalog, one of the commands
"menu", "status", "requirements", "agent", "cancel", "language", "complaint", or None.
`understand(text)` adds the dialogue act the conversation needs beyond that label (thanks,
greeting, yes, no, "not yet", a question and its topic, a switch of service, an explicit request
for a human, a withdrawn file, an out-of-scope service); docs/intents.md defines every label.

How: three small linear models (intent_model.py) trained at build time on the labelled corpus
tests/flows/data/intents.tsv and shipped as intent_weights.json. Services are found from the
catalog's names and keywords and hidden from the models behind a placeholder (intent_text.py),
so the models decide *that* a service is asked for and the catalog says *which*; a ranker picks
the service a message is about when it names several.

    python -m app.flows.intents --train               # retrain and rewrite intent_weights.json
    python -m app.flows.intents --evaluate FILE       # accuracy, acts, confusion matrix
    python -m app.flows.intents --crossval [FILE]     # k-fold cross-validation on the corpus

(the command is `__main__.py`, beside this file, and the measuring is intent_eval.py.)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.flows.catalog import Catalog, shipped_catalog
from app.flows.intent_features import mention_features, message_features
from app.flows.intent_model import Hashed, LinearModel, train
from app.flows.intent_rules import STORY_OPENINGS, words_of_list
from app.flows.intent_text import Reading, ServiceFinder, word_classes

_FLOWS = Path(__file__).resolve().parents[1]  # app/flows
WEIGHTS = _FLOWS / "intent_weights.json"
CORPUS = _FLOWS.parents[1] / "tests" / "flows" / "data" / "intents.tsv"
RANKER_L2 = 0.003  # few examples: keep the ranker's weights small
COMMANDS = ("menu", "status", "requirements", "agent", "cancel", "language", "complaint")
INTENTS = ("service", *COMMANDS, "none")
ACTS = (
    "other",
    "greeting",
    "thanks",
    "yes",
    "no",
    "not_yet",
    "switch",
    "human",
    "withdraw",
    "out_of_scope",
    "question:requirements",
    "question:fees",
    "question:duration",
    "question:in_person",
    "question:where_document",
    "question:office",
    "question:pickup",
    "question:other",
)


@dataclass(frozen=True)
class Understanding:
    """What one message says.

    `label` is what `classify` returns. `act` is one of ACTS without its topic ("question" for
    every question) and `topic` the question's topic ("fees", "office", ...) or None. `service`
    is the service the message names even when the label is a command ("syarat kk" asks for
    requirements of "kk"). `confidence` is the intent model's probability of its answer.
    """

    label: str | None
    act: str
    topic: str | None
    service: str | None
    confidence: float


@dataclass(frozen=True)
class Example:
    """One labelled message of a corpus file."""

    text: str
    label: str
    act: str | None


@dataclass(frozen=True)
class Models:
    """The three trained models."""

    intent: LinearModel
    act: LinearModel
    ranker: LinearModel

    def to_json(self) -> dict[str, Any]:
        """JSON-ready data for intent_weights.json."""
        return {
            "intent": self.intent.to_json(),
            "act": self.act.to_json(),
            "ranker": self.ranker.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Models:
        """The models written by `to_json`."""
        parts = (LinearModel.from_json(data[name]) for name in ("intent", "act", "ranker"))
        return cls(*parts)


class IntentClassifier:
    """Understands messages against one catalog's services."""

    def __init__(self, catalog: Catalog, models: Models | None = None) -> None:
        self.catalog = catalog
        self.finder = ServiceFinder(catalog)
        self.models = models or shipped_models()

    def classify(self, text: str) -> str | None:
        """A service code, a command, or None (see the module docstring)."""
        return self.understand(text).label

    def understand(self, text: str) -> Understanding:
        """Label, dialogue act, question topic and named service of one message."""
        reading = self.finder.read(text)
        if not reading.words:
            return Understanding(None, "other", None, None, 1.0)
        features = Hashed.of(message_features(reading))
        service = self._rank(reading)
        ranked = sorted(
            zip(
                self.models.intent.probabilities(features), self.models.intent.classes, strict=True
            ),
            reverse=True,
        )
        confidence, label = ranked[0]
        reflex = _reflex(reading)
        if reflex is not None:
            label, confidence = reflex, 1.0
        elif "xticket" in reading.words and label not in ("complaint", "cancel"):
            label = "status"
        if label == "service":
            # The model is sure a service is asked for, but the catalog names none: take the
            # model's next answer rather than guess a service.
            label = service if service is not None else ranked[1][1]
        act_scores = self.models.act.probabilities(features)
        act = self.models.act.classes[int(act_scores.argmax())]
        kind, _, topic = act.partition(":")
        return Understanding(
            None if label == "none" else label, kind, topic or None, service, float(confidence)
        )

    def find_service(self, text: str) -> str | None:
        """The service a message is about, if it names any."""
        return self._rank(self.finder.read(text))

    def _rank(self, reading: Reading) -> str | None:
        candidates = {m.service: m for m in reversed(reading.mentions)}
        if len(candidates) <= 1:
            return next(iter(candidates), None)
        # The first mention of each service stands for it; dicts keep the reversed order, so
        # the dict holds each service's first mention.
        scores = {
            code: self.models.ranker.probabilities(mention_features(reading, mention))[1]
            for code, mention in candidates.items()
        }
        order = [m.service for m in reading.mentions]
        return max(scores, key=lambda code: (scores[code], -order.index(code)))


@dataclass(frozen=True)
class Prepared:
    """Labelled examples read and turned into features once (cross-validation reuses them)."""

    examples: tuple[Example, ...]
    readings: tuple[Reading, ...]
    features: tuple[list[str], ...]

    def subset(self, keep: Sequence[int]) -> Prepared:
        """The examples at these positions."""
        return Prepared(
            tuple(self.examples[i] for i in keep),
            tuple(self.readings[i] for i in keep),
            tuple(self.features[i] for i in keep),
        )


def prepare(examples: Sequence[Example], catalog: Catalog) -> Prepared:
    """Read every example against the catalog and compute its features."""
    finder = ServiceFinder(catalog)
    readings = tuple(finder.read(example.text) for example in examples)
    return Prepared(tuple(examples), readings, tuple(message_features(r) for r in readings))


# A one-word message (once forms of address are set aside) whose word belongs to word classes
# that all point to one label needs no model: "stop", "p", "makasih", "horas", "english".
_FILLERS = words_of_list(
    "min kak ka kakak pak bu bapak ibu bang mas mbak dek gan sis om lae ki mi ji pale dong deh "
    "ya yah saja nih sih please kah"
)
_CLASS_LABELS = {
    "greet": "menu",
    "menuword": "menu",
    "cancel": "cancel",
    "language": "language",
    "complaint": "complaint",
    "human": "agent",
    "help": "agent",
    "thanks": "none",
    "ack": "none",
    "yes": "none",
    "no": "none",
}
_STATUS_WORDS = frozenset({"status", "sts", "tracking", "track", "progres", "progress", "lacak"})
_EMOJI_LABELS = {"xemothanks": "none", "xemook": "none", "xemowave": "menu", "xemosmile": "none"}


def _reflex(reading: Reading) -> str | None:
    words = [w for w in reading.words if w not in _FILLERS]
    if reading.mentions or not words:
        return None
    if all(word in _EMOJI_LABELS for word in words):
        shown = {_EMOJI_LABELS[word] for word in words}
        return shown.pop() if len(shown) == 1 else None
    if len(words) != 1:
        return None
    if words[0] in _STATUS_WORDS:
        return "status"
    if words[0] == "p" or words[0] == "pp":
        return "menu"
    labels: set[str | None] = {_CLASS_LABELS.get(name) for name in word_classes(words[0])}
    return labels.pop() if len(labels) == 1 else None


def train_models(data: Prepared, catalog: Catalog) -> Models:
    """Train the intent, act and ranker models on prepared labelled examples.

    The intent model and the ranker also see some messages prefixed with a sentence of
    background (STORY_OPENINGS: a status already checked, a greeting to an officer, another
    service already done), so that what a story mentions in passing does not outweigh what it
    asks for at the end.
    """
    stories = _stories(data, catalog)
    services = set(catalog.services)
    intents = ["service" if e.label in services else e.label for e in stories.examples]
    intent = train(stories.features, intents, INTENTS)
    with_act = [(f, e.act) for f, e in zip(data.features, data.examples, strict=True) if e.act]
    act = train([f for f, _ in with_act], [a for _, a in with_act], ACTS)
    pairs: list[list[str]] = []
    answers: list[str] = []
    for reading, example in zip(data.readings, data.examples, strict=True):
        first = {m.service: m for m in reversed(reading.mentions)}
        if example.label not in first or len(first) < 2:
            continue
        for code, mention in first.items():
            pairs.append(mention_features(reading, mention))
            answers.append("yes" if code == example.label else "no")
    ranker = train(pairs, answers, ("no", "yes"), l2=RANKER_L2)
    return Models(intent, act, ranker)


_UNTOLD = frozenset({"none", "menu", "agent"})


def _stories(data: Prepared, catalog: Catalog) -> Prepared:
    """The examples plus every third short request told after a background sentence.

    Not for greetings, thanks or requests for an officer: a story told before those would
    teach that a story is never one.
    """
    told = [
        Example(f"{STORY_OPENINGS[(i // 3) % len(STORY_OPENINGS)]} {e.text}", e.label, e.act)
        for i, e in enumerate(data.examples)
        if i % 3 == 0 and e.label not in _UNTOLD and len(e.text.split()) <= 10
    ]
    extra = prepare(told, catalog)
    return Prepared(
        data.examples + extra.examples,
        data.readings + extra.readings,
        data.features + extra.features,
    )


def read_examples(path: Path) -> list[Example]:
    """The rows of a `text<TAB>label[<TAB>act]` file with a header line."""
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        cells = line.split("\t")
        if cells[0].strip():
            examples.append(Example(cells[0], cells[1], cells[2] if len(cells) > 2 else None))
    return examples


def shipped_models() -> Models:
    """The models in intent_weights.json."""
    global _models
    if _models is None:
        _models = Models.from_json(json.loads(WEIGHTS.read_text(encoding="utf-8")))
    return _models


_models: Models | None = None
_default: IntentClassifier | None = None


def use_catalog(catalog: Catalog) -> None:
    """Make `classify` use this catalog (for example the one in LOKET_CATALOG_DIR)."""
    global _default
    _default = IntentClassifier(catalog)


def default_classifier() -> IntentClassifier:
    """The classifier of the loaded catalog (the shipped one unless `use_catalog` was called)."""
    global _default
    if _default is None:
        _default = IntentClassifier(shipped_catalog())
    return _default


def classify(text: str) -> str | None:
    """Classify with the loaded catalog (contract §7)."""
    return default_classifier().classify(text)


def understand(text: str) -> Understanding:
    """Label, dialogue act and question topic of a message, with the loaded catalog."""
    return default_classifier().understand(text)
