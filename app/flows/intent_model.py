"""A small linear classifier: multinomial logistic regression over hashed sparse features.

Training is full-batch gradient descent (Adam) in numpy on the labelled corpus, deterministic
for a given corpus, so the shipped weights can be checked against a fresh training run. The
weights are kept only for features seen in training, quantised to 8 bits and written as JSON
(base64 arrays), so the file is small and loading needs nothing but numpy.
"""

from __future__ import annotations

import base64
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.flows.intent_text import bucket

EPOCHS = 120
LEARNING_RATE = 0.2
L2 = 1e-4
SCALE = 3.0
MIN_COUNT = 2

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Hashed:
    """A message's features hashed once, for several models."""

    buckets: frozenset[int]
    count: int

    @classmethod
    def of(cls, features: Sequence[str]) -> Hashed:
        """Hash the features (`count` is the number of distinct feature names)."""
        distinct = set(features)
        return cls(frozenset(bucket(f) for f in distinct), len(distinct))


@dataclass(frozen=True)
class LinearModel:
    """Class weights per hashed feature; `rows` maps a feature's hash to its weight row."""

    classes: tuple[str, ...]
    rows: dict[int, int]
    weights: FloatArray

    def scores(self, features: Sequence[str] | Hashed) -> FloatArray:
        """One score per class for a message's features (unknown features count for nothing)."""
        hashed = features if isinstance(features, Hashed) else Hashed.of(features)
        known = [self.rows[h] for h in hashed.buckets if h in self.rows]
        value = SCALE / np.sqrt(max(hashed.count, 1))
        total: FloatArray = self.weights[known].sum(axis=0) * value
        return total

    def probabilities(self, features: Sequence[str] | Hashed) -> FloatArray:
        """Softmax of `scores`."""
        result: FloatArray = _softmax(self.scores(features)[None, :])[0]
        return result

    def to_json(self) -> dict[str, Any]:
        """The model as JSON-ready data; `from_json` reads it back."""
        hashes = np.array(sorted(self.rows, key=self.rows.__getitem__), dtype="<u4")
        quantised, scale = quantise(self.weights)
        return {
            "classes": list(self.classes),
            "scale": scale,
            "hashes": base64.b64encode(hashes.tobytes()).decode(),
            "weights": base64.b64encode(quantised.astype("i1").tobytes()).decode(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinearModel:
        """The model written by `to_json`."""
        classes = tuple(str(name) for name in data["classes"])
        hashes = np.frombuffer(base64.b64decode(data["hashes"]), dtype="<u4")
        raw = np.frombuffer(base64.b64decode(data["weights"]), dtype="i1")
        weights = raw.reshape(len(hashes), len(classes)).astype(np.float64) * float(data["scale"])
        return cls(classes, {int(h): i for i, h in enumerate(hashes)}, weights)


def quantise(weights: FloatArray) -> tuple[NDArray[np.int8], float]:
    """Weights as 8-bit integers and the scale that turns them back into floats."""
    scale = float(np.abs(weights).max()) / 127 if weights.size else 1.0
    scale = scale or 1.0
    return np.round(weights / scale).astype(np.int8), scale


def train(
    examples: Sequence[Sequence[str]],
    labels: Sequence[str],
    classes: Sequence[str],
    epochs: int | None = None,
    l2: float | None = None,
) -> LinearModel:
    """Fit the weights on feature lists and their labels (every label must be in `classes`)."""
    index = {name: i for i, name in enumerate(classes)}
    all_hashes = [sorted({bucket(f) for f in features}) for features in examples]
    # A feature seen in one message only would learn that message by heart and nothing else.
    counts = Counter(h for hashes in all_hashes for h in hashes)
    row_hashes = [[h for h in hashes if counts[h] >= MIN_COUNT] for hashes in all_hashes]
    vocabulary = sorted({h for hashes in row_hashes for h in hashes})
    rows = {h: i for i, h in enumerate(vocabulary)}
    cols = np.array([rows[h] for hashes in row_hashes for h in hashes], dtype=np.int64)
    lengths = np.array([len(hashes) for hashes in row_hashes], dtype=np.int64)
    values = np.repeat(SCALE / np.sqrt([len(set(f)) or 1 for f in examples]), lengths)
    values = values.astype(np.float32)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    owner = np.repeat(np.arange(len(examples)), lengths)
    order = np.argsort(cols, kind="stable")
    col_starts = np.searchsorted(cols[order], np.arange(len(vocabulary)))
    target = np.zeros((len(examples), len(classes)), dtype=np.float32)
    target[np.arange(len(examples)), [index[label] for label in labels]] = 1.0

    weights = np.zeros((len(vocabulary), len(classes)), dtype=np.float32)
    moment, square = np.zeros_like(weights), np.zeros_like(weights)
    for step in range(1, (epochs or EPOCHS) + 1):
        scores = np.add.reduceat(weights[cols] * values[:, None], starts, axis=0)
        delta = (_softmax(scores) - target) / len(examples)
        contributions = (values[:, None] * delta[owner])[order]
        gradient = (
            np.add.reduceat(contributions, col_starts, axis=0)
            + (L2 if l2 is None else l2) * weights
        )
        moment = 0.9 * moment + 0.1 * gradient
        square = 0.999 * square + 0.001 * gradient**2
        corrected = moment / (1 - 0.9**step)
        weights -= LEARNING_RATE * corrected / (np.sqrt(square / (1 - 0.999**step)) + 1e-8)
    return LinearModel(tuple(classes), rows, weights.astype(np.float64))


def _softmax(scores: FloatArray) -> FloatArray:
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    result: FloatArray = shifted / shifted.sum(axis=1, keepdims=True)
    return result
