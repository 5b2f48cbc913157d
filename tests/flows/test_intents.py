"""Intent classification: accuracy on labelled resident messages, and the evaluate command."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app.flows.catalog import shipped_catalog
from app.flows.intents import IntentClassifier, classify, evaluate, main
from tests.flows.conftest import DATA_DIR

COMMANDS = {"menu", "status", "requirements", "agent", "cancel", "language", "complaint"}


@pytest.mark.parametrize("name", ["intents.tsv", "intents_holdout.tsv"])
def test_accuracy_on_labelled_messages(name: str) -> None:
    # intents.tsv was written before the matcher; intents_holdout.tsv after it, unseen by it.
    accuracy, wrong = evaluate(DATA_DIR / name)
    print(f"\n{name}: accuracy {accuracy:.3f}, misclassified: {wrong}")
    assert accuracy >= 0.95


def test_labelled_set_is_large_and_uses_only_known_labels():
    rows = (DATA_DIR / "intents.tsv").read_text("utf-8").splitlines()[1:]
    labels = {row.split("\t")[1] for row in rows}
    assert len(rows) >= 250
    assert labels == set(shipped_catalog().services) | COMMANDS | {"none"}


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("syarat kk apa aja", "requirements"),
        ("ktp sy ilang min", "ktp"),
        ("buat ktp pindahan dr luar kota", "ktp"),
        ("pindah kk ke alamat baru", "pindah"),
        ("ktp anak", "kia"),
        ("udh 2 bulan ktp gak jadi2 parah", "complaint"),
        ("cek KTP-261122-0042", "status"),
        ("", None),
        ("terima kasih", None),
    ],
)
def test_examples(text, label):
    assert classify(text) == label


def test_classifier_uses_its_own_catalog():
    only_ktp = IntentClassifier(type(shipped_catalog())({"ktp": shipped_catalog().get("ktp")}))
    assert only_ktp.classify("akta kelahiran") is None
    assert only_ktp.classify("e-ktp") == "ktp"


def test_evaluate_command_prints_accuracy_and_mistakes(tmp_path, capsys):
    sample = tmp_path / "sample.tsv"
    sample.write_text("text\tlabel\nktp hilang\tktp\nhalo\tstatus\n", "utf-8")
    assert main(["--evaluate", str(sample)]) == 0
    assert (
        capsys.readouterr().out
        == "'halo': expected status, got menu\naccuracy: 0.500 (1 misclassified)\n"
    )


def test_module_runs_as_a_command():
    done = subprocess.run(
        [sys.executable, "-m", "app.flows.intents", "syarat", "kk"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == "requirements\n"
