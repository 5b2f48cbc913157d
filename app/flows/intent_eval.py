"""Measuring the intent classifier honestly, and the `python -m app.flows.intents` command.

`--evaluate FILE` scores the shipped models on a labelled file (accuracy of the label, of the
dialogue act when the file has an act column, the confusion matrix and every mistake).
`--crossval [FILE]` trains on k-1 folds of the corpus and scores the fold left out, k times, so
every message is scored by models that never saw it. `--train` rewrites intent_weights.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from app.flows.catalog import shipped_catalog
from app.flows.intents import (
    CORPUS,
    WEIGHTS,
    Example,
    IntentClassifier,
    default_classifier,
    prepare,
    read_examples,
    train_models,
)

FOLDS = 10


@dataclass
class Score:
    """Predictions against the truth: label (and act) accuracy, mistakes, confusion counts."""

    total: int = 0
    right: int = 0
    acts: int = 0
    acts_right: int = 0
    wrong: list[tuple[str, str, str]] = field(default_factory=list)
    wrong_acts: list[tuple[str, str, str]] = field(default_factory=list)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def accuracy(self) -> float:
        """Share of messages whose label was right."""
        return self.right / self.total if self.total else 0.0

    @property
    def act_accuracy(self) -> float:
        """Share of messages with an act whose act was right."""
        return self.acts_right / self.acts if self.acts else 0.0

    def add(self, classifier: IntentClassifier, example: Example) -> None:
        """Score one message."""
        seen = classifier.understand(example.text)
        got = seen.label or "none"
        self.total += 1
        self.confusion[(example.label, got)] += 1
        if got == example.label:
            self.right += 1
        else:
            self.wrong.append((example.text, example.label, got))
        if example.act:
            act = f"{seen.act}:{seen.topic}" if seen.topic else seen.act
            self.acts += 1
            if act == example.act:
                self.acts_right += 1
            else:
                self.wrong_acts.append((example.text, example.act, act))


def evaluate(path: Path) -> tuple[float, list[tuple[str, str, str]]]:
    """Accuracy of the shipped classifier on a labelled file and the rows it got wrong."""
    score = score_file(path, default_classifier())
    return score.accuracy, score.wrong


def score_file(path: Path, classifier: IntentClassifier) -> Score:
    """Score every message of a labelled file."""
    score = Score()
    for example in read_examples(path):
        score.add(classifier, example)
    return score


def crossval(path: Path, folds: int = FOLDS) -> Score:
    """k-fold cross-validation: each message is scored by models trained without it."""
    examples = read_examples(path)
    catalog = shipped_catalog()
    data = prepare(examples, catalog)
    # A fixed shuffle, so folds mix the corpus's groups and the figure is reproducible.
    order = np.random.default_rng(12).permutation(len(examples))
    fold_of = {int(index): position % folds for position, index in enumerate(order)}
    score = Score()
    for fold in range(folds):
        training = data.subset([i for i in range(len(examples)) if fold_of[i] != fold])
        classifier = IntentClassifier(catalog, train_models(training, catalog))
        for i, example in enumerate(examples):
            if fold_of[i] == fold:
                score.add(classifier, example)
    return score


def confusion_table(score: Score) -> str:
    """The confusion matrix as a Markdown table: rows are the truth, columns the answers."""
    labels = sorted({label for pair in score.confusion for label in pair})
    short = [label.replace("akta_", "a_").replace("_perpanjangan", "")[:9] for label in labels]
    lines = ["| truth \\ answer | " + " | ".join(short) + " |"]
    lines.append("|---" * (len(labels) + 1) + "|")
    for truth in labels:
        cells = [str(score.confusion[(truth, got)] or "·") for got in labels]
        lines.append(f"| {truth} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_weights(corpus: Path = CORPUS, target: Path = WEIGHTS) -> None:
    """Train on the corpus and write the weights file."""
    catalog = shipped_catalog()
    models = train_models(prepare(read_examples(corpus), catalog), catalog)
    data = {"corpus_sha256": corpus_digest(corpus), **models.to_json()}
    target.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def corpus_digest(corpus: Path) -> str:
    """SHA-256 of the corpus file, recorded in the weights to show what they were trained on."""
    return hashlib.sha256(corpus.read_bytes()).hexdigest()


def report(score: Score, title: str) -> str:
    """Mistakes, accuracies and the confusion matrix, as printed by the command."""
    lines = [f"{text!r}: expected {label}, got {got}" for text, label, got in score.wrong]
    lines.append(f"accuracy: {score.accuracy:.3f} ({len(score.wrong)} misclassified)")
    if score.acts:
        lines += [f"act {text!r}: expected {act}, got {got}" for text, act, got in score.wrong_acts]
        lines.append(f"act accuracy: {score.act_accuracy:.3f} ({len(score.wrong_acts)} wrong)")
    if title:
        lines += [f"{title}: {score.total} messages", confusion_table(score)]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """The `python -m app.flows.intents` command (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m app.flows.intents")
    parser.add_argument("--evaluate", type=Path, help="labelled TSV file: text<TAB>label[<TAB>act]")
    parser.add_argument("--crossval", type=Path, nargs="?", const=CORPUS, help="k-fold on FILE")
    parser.add_argument("--folds", type=int, default=FOLDS, help="folds for --crossval")
    parser.add_argument("--train", action="store_true", help="retrain intent_weights.json")
    parser.add_argument("--matrix", action="store_true", help="also print the confusion matrix")
    parser.add_argument("text", nargs="*", help="a message to classify")
    args = parser.parse_args(argv)
    if args.train:
        write_weights()
        print(f"wrote {WEIGHTS}")
        return 0
    if args.evaluate is not None:
        score = score_file(args.evaluate, default_classifier())
        print(report(score, "confusion" if args.matrix else ""))
        return 0
    if args.crossval is not None:
        score = crossval(args.crossval, args.folds)
        print(report(score, f"{args.folds}-fold cross-validation" if args.matrix else ""))
        return 0
    seen = default_classifier().understand(" ".join(args.text))
    print(seen.label or "none")
    return 0
