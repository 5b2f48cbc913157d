"""Intent classification: the corpus, the figures it reaches, and the behaviour around them.

The accuracy floors below are the figures reached (docs/intents.md), rounded down: a change that
makes the classifier worse on the corpus (cross-validated) or on the hold-out fails here.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from app.flows.catalog import load_catalog, shipped_catalog
from app.flows.catalog.loader import SHIPPED_DIR
from app.flows.intent_eval import corpus_digest, crossval, evaluate, main, score_file
from app.flows.intent_model import quantise
from app.flows.intents import (
    ACTS,
    COMMANDS,
    CORPUS,
    WEIGHTS,
    IntentClassifier,
    Models,
    classify,
    prepare,
    read_examples,
    train_models,
    understand,
    use_catalog,
)
from tests.support.engine_data import DATA_DIR

CROSSVAL_FLOOR = 0.94  # 5-fold: 0.948 (0.936 before the freeze of 89fa905)
OLD_HOLDOUT_FLOOR = 0.95  # intents_holdout.tsv, the first classifier's hold-out: 0.986
BLIND_HOLDOUT_WRONG = 17  # intents_holdout3.tsv, the blind hold-out, against 89fa905: 0.958


def test_corpus_is_large_and_uses_only_known_labels_and_acts():
    examples = read_examples(CORPUS)
    labels = {e.label for e in examples}
    assert len(examples) >= 1500
    assert labels == set(shipped_catalog().services) | set(COMMANDS) | {"none"}
    assert {e.act for e in examples} == set(ACTS)
    assert len({e.text.lower() for e in examples}) == len(examples)


@pytest.mark.slow
def test_cross_validated_accuracy_on_the_corpus_stays_above_its_floor():
    score = crossval(CORPUS, folds=5)
    print(f"\n5-fold: labels {score.accuracy:.3f}, acts {score.act_accuracy:.3f}")
    assert score.total == len(read_examples(CORPUS))
    assert score.accuracy >= CROSSVAL_FLOOR


def test_accuracy_on_the_first_hold_out_stays_above_its_floor() -> None:
    accuracy, wrong = evaluate(DATA_DIR / "intents_holdout.tsv")
    print(f"\nintents_holdout.tsv: accuracy {accuracy:.3f}, misclassified: {wrong}")
    assert accuracy >= OLD_HOLDOUT_FLOOR


def test_the_blind_hold_out_is_unseen_and_scores_what_docs_report():
    # intents_holdout3.tsv was written after the freeze by someone who never saw the classifier
    # (docs/intents.md §4). 49 of its short, common messages ("batal", "oke", "akte lahir")
    # happen to be in the corpus too, all with the same label; none of the mistakes is among
    # them. The classifier still makes exactly the 17 mistakes reported there (0.958; 0.952 on
    # the 351 rows not in the corpus): a change to the classifier shows up here.
    corpus = {e.text.lower(): e.label for e in read_examples(CORPUS)}
    blind = read_examples(DATA_DIR / "intents_holdout3.tsv")
    shared = [e for e in blind if e.text.lower() in corpus]
    assert (len(blind), len(shared)) == (400, 49)
    assert [e.text for e in shared if corpus[e.text.lower()] != e.label] == []
    accuracy, wrong = evaluate(DATA_DIR / "intents_holdout3.tsv")
    assert (round(accuracy, 3), len(wrong)) == (0.958, BLIND_HOLDOUT_WRONG)
    assert {text for text, _, _ in wrong}.isdisjoint({e.text for e in shared})


def test_the_spent_hold_out_was_folded_into_the_corpus_with_its_labels():
    # intents_holdout2.tsv was measured once (0.949), then became training data: every row
    # is in the corpus with the same label and act, and its file stays for the record.
    corpus = {e.text: e for e in read_examples(CORPUS)}
    held = read_examples(DATA_DIR / "intents_holdout2.tsv")
    assert len(held) >= 300
    assert [e for e in held if corpus.get(e.text) != e] == []


@pytest.mark.slow
def test_shipped_weights_are_what_training_on_the_corpus_gives():
    shipped = json.loads(WEIGHTS.read_text("utf-8"))
    assert shipped["corpus_sha256"] == corpus_digest(CORPUS)
    catalog = shipped_catalog()
    fresh = train_models(prepare(read_examples(CORPUS), catalog), catalog)
    loaded = Models.from_json(shipped)
    for name in ("intent", "act", "ranker"):
        ours, theirs = getattr(fresh, name), getattr(loaded, name)
        assert ours.classes == theirs.classes
        assert ours.rows == theirs.rows
        # Quantised to 8 bits: a retraining on another CPU may round one step differently.
        mine, _ = quantise(ours.weights)
        stored = np.rint(theirs.weights / float(shipped[name]["scale"])).astype(np.int16)
        assert int(np.abs(mine.astype(np.int16) - stored).max()) <= 1


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # Issue 12's failures: keywords must not beat meaning.
        ("halo pak petugas, mau bikin ktp", "ktp"),
        ("kemarin sy cek status kk di kantor, sudah beres. skrg ktp sy yg hilang", "ktp"),
        ("kami sekeluarga mau pindah ke kota lain, kk dan ktp nanti gimana", "pindah"),
        ("eh salah, mau KK aja. kk sy hilang", "kk"),
        ("kapan ktp sy jadi?", "status"),
        ("kapan ktp sy bs diambil?", "status"),
        ("terima kasih", None),
        ("mksh bang 🙏", None),
        ("matur nuwun", None),
        ("thank you", None),
        ("🙏", None),
        ("assalamualaikum", "menu"),
        ("sugeng enjing", "menu"),
        ("tabe'", "menu"),
        ("mau perpanjang sim", None),
        ("bansos kapan cair", None),
        # The contract's examples, kept from the first classifier.
        ("syarat kk apa aja", "requirements"),
        ("ktp sy ilang min", "ktp"),
        ("pindah kk ke alamat baru", "pindah"),
        ("ktp anak", "kia"),
        ("udh 2 bulan ktp gak jadi2 parah", "complaint"),
        ("cek KTP-261122-0042", "status"),
        ("", None),
    ],
)
def test_examples(text, label):
    assert classify(text) == label


@pytest.mark.parametrize(
    ("text", "act", "topic"),
    [
        ("makasih min", "thanks", None),
        ("sugeng enjing", "greeting", None),
        ("iya nak sudah benar semua, terima kasih", "yes", None),
        ("bukan", "no", None),
        ("surat polisinya belum ada, harus ke polsek dulu ya?", "not_yet", None),
        ("eh salah, maksud saya KIA", "switch", None),
        ("mau bicara dengan petugas", "human", None),
        ("eh maaf salah kirim", "withdraw", None),
        ("mau bikin paspor", "out_of_scope", None),
        ("nanti diambil di mana?", "question", "pickup"),
        ("hari sabtu buka?", "question", "office"),
        ("berapa biaya bikin kk", "question", "fees"),
        ("bikin akte berapa lama?", "question", "duration"),
        ("harus datang langsung?", "question", "in_person"),
        ("surat kehilangan dapatnya di mana?", "question", "where_document"),
        ("ktp saya hilang", "other", None),
    ],
)
def test_understand_tells_dialogue_acts(text, act, topic):
    seen = understand(text)
    assert (seen.act, seen.topic) == (act, topic)


def test_understand_names_the_service_behind_a_command():
    seen = understand("syarat bikin akte kelahiran apa aja")
    assert (seen.label, seen.act, seen.topic, seen.service) == (
        "requirements",
        "question",
        "requirements",
        "akta_kelahiran",
    )


def _catalog_with_extra_service(folder: Path) -> Path:
    for path in SHIPPED_DIR.glob("*.yaml"):
        (folder / path.name).write_text(path.read_text("utf-8"), "utf-8")
    extra = (SHIPPED_DIR / "kia.yaml").read_text("utf-8")
    extra = re.sub(r"^code: kia$", "code: legalisir", extra, flags=re.M)
    extra = re.sub(r"^order: 50$", "order: 90", extra, flags=re.M)
    extra = re.sub(r"^ticket_prefix: KIA$", "ticket_prefix: LGS", extra, flags=re.M)
    extra = re.sub(
        r"^names: .*$",
        'names: {id: "Legalisir Dokumen", en: "Document legalisation"}',
        extra,
        flags=re.M,
    )
    extra = re.sub(
        r"^keywords: \[.*?\]$",
        "keywords: [legalisir, legalisasi, cap basah, fotokopi dilegalisir]",
        extra,
        flags=re.M | re.S,
    )
    (folder / "legalisir.yaml").write_text(extra, "utf-8")
    return folder


def test_a_service_added_to_the_catalog_later_is_recognised_by_its_names(tmp_path):
    catalog = load_catalog(_catalog_with_extra_service(tmp_path))
    assert "legalisir" in catalog.services
    classifier = IntentClassifier(catalog)
    assert classifier.classify("mau legalisir ijazah") == "legalisir"
    assert classifier.classify("min sy perlu legalisasi fotokopi akta") == "legalisir"
    assert classifier.classify("syarat legalisir apa aja?") == "requirements"
    assert classifier.understand("syarat legalisir apa aja?").service == "legalisir"
    assert classifier.classify("legalisir sy udh jadi blm?") == "status"
    assert classifier.classify("ktp sy hilang") == "ktp"
    # The shipped catalog knows no such service.
    assert IntentClassifier(shipped_catalog()).classify("mau legalisir ijazah") is None


def test_use_catalog_switches_what_classify_knows(tmp_path):
    catalog = load_catalog(_catalog_with_extra_service(tmp_path))
    use_catalog(catalog)
    try:
        assert classify("mau legalisir ijazah") == "legalisir"
    finally:
        use_catalog(shipped_catalog())
    assert classify("mau legalisir ijazah") is None


def test_classifier_uses_its_own_catalog():
    only_ktp = IntentClassifier(type(shipped_catalog())({"ktp": shipped_catalog().get("ktp")}))
    assert only_ktp.classify("akta kelahiran") is None
    assert only_ktp.classify("e-ktp") == "ktp"


def test_score_counts_acts_and_confusion(tmp_path):
    sample = tmp_path / "sample.tsv"
    sample.write_text("text\tlabel\tact\nktp hilang\tktp\tother\nhalo\tstatus\tgreeting\n", "utf-8")
    score = score_file(sample, IntentClassifier(shipped_catalog()))
    assert (score.total, score.right, score.acts, score.acts_right) == (2, 1, 2, 2)
    assert dict(score.confusion) == {("ktp", "ktp"): 1, ("status", "menu"): 1}


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
