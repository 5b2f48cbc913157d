"""The readers behind the validators (issue 12): numbers in words, names, yes/no, "done",
non-answers and replies to the summary."""

from __future__ import annotations

from datetime import date

import pytest

from app.flows.catalog import shipped_catalog
from app.flows.dates import read_date
from app.flows.names import proper_case
from app.flows.nonanswers import non_answer
from app.flows.numbers import find_numbers
from app.flows.session import Draft
from app.flows.summary_reply import SummaryReply, read_summary_reply
from app.flows.textmatch import is_done, is_no, is_yes, normalize

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("dua belas", [12]), ("dua blas", [12]), ("duabelas", [12]), ("sebelas", [11]),
        ("dua puluh lima", [25]), ("seratus dua puluh tiga", [123]), ("seribu dua ratus", [1200]),
        ("lima belas gt", [15]), ("twenty five", [25]), ("12 GT", [12]), ("7,5", [7.5]),
        ("10-12", [10, 12]), ("dua tiga", [2, 3]), ("tidak ada", []),
    ],
)  # fmt: skip
def test_numbers_in_digits_and_words(text, numbers):
    assert find_numbers(text) == numbers


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("ANDI MAPPANYUKKI", "Andi Mappanyukki"),
        ("ahmad BIN abdullah", "Ahmad bin Abdullah"),
        ("siti binti ahmad", "Siti binti Ahmad"),
        ("JAN VAN DER BERG", "Jan van der Berg"),
        ("MUH. ILHAM, S.PD.", "Muh. Ilham, S.Pd."),
        ("ABDUL-RAHMAN", "Abdul-Rahman"),
        ("MA'RUF", "Ma'ruf"),
        ("McDonald", "McDonald"),  # typed with its own capitals: kept
        ("de Silva", "De Silva"),  # a particle first is a name
        ("dr. Sutomo", "dr. Sutomo"),  # a physician's title is written small
    ],
)
def test_names_are_written_as_indonesians_write_them(typed, written):
    assert proper_case(typed) == written


@pytest.mark.parametrize(
    "text",
    ["nggih", "inggih", "enggih", "injih", "muhun", "sumuhun", "iyo", "iye'", "olo", "iya pak"],
)
def test_regional_yes(text):
    assert is_yes(text) is True


@pytest.mark.parametrize("text", ["mboten", "ora", "henteu", "teu", "indak", "de'", "tena", "gk"])
def test_regional_no(text):
    assert is_no(text) is True


def test_a_question_is_never_a_yes():
    assert is_yes("iya?") is False
    assert is_yes("udh gtu aj?") is False
    assert is_yes("udh") is True


@pytest.mark.parametrize(
    ("text", "done"),
    [
        ("udah itu aja", True), ("sudah itu saja pak", True), ("ya udah itu aja", True),
        ("sudah semua", True), ("sdh lengkap", True), ("cukup, makasih", True),
        ("that's all", True), ("nggih sampun", True), ("tidak ada lagi", True),
        ("belum", False), ("itu ktp saya", False), ("tidak ada", False),
    ],
)  # fmt: skip
def test_done_at_a_document(text, done):
    assert is_done(text) is done


def test_normalize_is_unchanged_for_the_intent_rules():
    """The classifier depends on `normalize`: the words added for answers are not in it."""
    assert normalize("udh gtu aj? mboten enten nggih") == "sudah gtu aj mboten enten nggih"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("iya ada apa?", "question"), ("terus gimana", "question"), ("ada apa", "question"),
        ("mksh bang 🙏", "thanks"), ("matur nuwun", "thanks"), ("thank you", "thanks"),
        ("assalamualaikum pak", "greeting"), ("sugeng enjing", "greeting"), ("tabe'", "greeting"),
        ("siap", "ack"), ("👍", "ack"), ("😂", "emoji"), ("lanjut", "skip"),
        ("lupa, nanti saya cek", "dont_know"), ("belum ada", "not_yet"), ("Siti Aminah", None),
        ("Dusun Mawar RT 02", None), ("di rumah", None), ("sebentar ya", "wait"),
        ("nanti dulu", "wait"), ("maaf pak", "ack"), ("tes", "ack"), ("tidak", "not_yet"),
        ("mau ganti ke kk", "correction"), ("tanggal lahir di KK salah", None),
    ],
)  # fmt: skip
def test_what_is_not_an_answer(text, kind):
    assert non_answer(text) == kind


def test_relative_dates_count_from_today_and_weeks_are_not_days():
    assert read_date("hari minggu kemarin", today=TODAY).value == date(2026, 11, 15)
    assert read_date("17 agustus tahun lalu", today=TODAY).value == date(2025, 8, 17)
    assert read_date("minggu lalu", today=TODAY).problem == "inexact"
    assert read_date("rabu depan", today=TODAY, prefer_past=False).value == date(2026, 11, 25)


KTP = shipped_catalog().get("ktp")
DRAFT = Draft(
    service="ktp",
    variant="hilang",
    fields={"nik": "1", "nama": "Siti", "tanggal_lahir": "1990-08-17", "alamat": "Dusun"},
    done_documents=["kk", "surat_kehilangan"],
)


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("iya nak sudah benar semua, terima kasih", SummaryReply("yes")),
        ("ya betul semua pak", SummaryReply("yes")),
        ("sdh benar", SummaryReply("yes")),
        ("OK KIRIM", SummaryReply("yes")),
        ("yes that's correct", SummaryReply("yes")),
        ("nggih leres", SummaryReply("yes")),
        ("tidak ada yang salah", SummaryReply("yes")),
        ("udh gtu aj?", SummaryReply("complete")),
        ("sudah itu saja?", SummaryReply("complete")),
        ("udah itu aja", SummaryReply("complete")),
        ("yakin?", SummaryReply("complete")),
        ("lho kok gitu?", SummaryReply("asked")),
        ("bentar saya cek dulu", SummaryReply("wait")),
        ("eh gak jadi deh", SummaryReply("cancel")),
        ("ada yang salah", SummaryReply("edit")),
        ("tidak", SummaryReply("edit")),
        ("namanya salah", SummaryReply("edit", "fld:nama")),
        ("alamatnya keliru pak", SummaryReply("edit", "fld:alamat")),
        ("ganti tanggal lahir", SummaryReply("edit", "fld:tanggal_lahir")),
        ("foto surat kehilangan salah", SummaryReply("edit", "doc:surat_kehilangan")),
        ("terima kasih", SummaryReply(None)),
    ],
)
def test_replies_to_the_summary(text, reply):
    assert read_summary_reply(text, KTP, DRAFT) == reply
