"""Answers typed sideways, per validator (issue 12): what is read from inside a sentence, and
what is refused as not an answer. Each table is the measured behaviour of one shipped field."""

from __future__ import annotations

from datetime import date

import pytest

from app.flows.catalog import shipped_catalog
from app.flows.validators import NOT_AN_ANSWER, Verdict, validate

TODAY = date(2026, 11, 22)  # a Sunday
CATALOG = shipped_catalog()
NIK = "7307011708650003"  # synthetic: a man born 17-08-1965
KK = "7307012010150001"


def answer(service: str, key: str, text: str, answers: dict[str, str] | None = None) -> Verdict:
    found = CATALOG.get(service)
    spec = found.field(key)
    assert spec is not None
    return validate(spec, text, today=TODAY, answers=answers or {}, service=found)


def no(kind: str) -> Verdict:
    return Verdict(error=NOT_AN_ANSWER, params={"kind": kind})


def ok(value: object, **params: object) -> Verdict:
    return Verdict(value=value, params=dict(params))


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("nik sy 7307 0117 0865 0003 pak", ok(NIK)),
        ("ini NIK nya: 7307011708650003", ok(NIK)),
        ("7307-0117-0865-0003", ok(NIK)),
        ("73.07.01.170865.0003", ok(NIK)),
        ("7307011708650003 7307011708650003", ok(NIK)),  # sent twice: one number
        ("nik: 7307011708650003, hp 081234567890", ok(NIK)),
        (
            "NIK 7307011708650003 / 7307011708650004",
            Verdict(None, "nik_several", {"count": 2, "numbers": "…0003 / …0004"}),
        ),
        ("NIK: 9901011708650003", Verdict(error="nik_province", params={"province": "99"})),
        ("nik sy 7307 0117 0865 003", Verdict(error="nik_length", params={"count": 15})),
        ("0812 3456 7890 1234 5678", Verdict(error="nik_length", params={"count": 20})),
        ("13030157O8900001", Verdict(error="nik_digits")),
        ("1303 0157 O890 0001", Verdict(error="nik_digits")),
        ("abc", Verdict(error="nik_digits")),
        ("NIK sy ga tau", no("dont_know")),
        ("nik itu apa?", no("question")),
        ("terima kasih", no("thanks")),
        ("🙏", no("thanks")),
    ],
)  # fmt: skip
def test_nik(text, verdict):
    assert answer("ktp", "nik", text) == verdict


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("kk sy 7307 0120 1015 0001", ok(KK)),
        (f"nik {NIK} kk {KK}", ok(KK)),  # the NIK given earlier is not the KK number
        (NIK, Verdict(error="kk_same_as_nik")),
        (f"no kk nya {NIK}", Verdict(error="kk_same_as_nik")),
        ("KK hilang, ga tau nomornya", no("dont_know")),
    ],
)
def test_kk_number(text, verdict):
    assert answer("ktp", "no_kk", text, {"nik": NIK}) == verdict


BORN = ok("1965-08-17")


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("lahir tanggal 17 agustus 1965", BORN),
        ("17-8-65", BORN),
        ("tgl 17 agst 65", BORN),
        ("17 Agustus '65", BORN),
        ("August 17, 1965", BORN),
        ("17th August 1965", BORN),
        ("tgl 17 bln 8 thn 1965", BORN),
        ("lahir 17/08/1965 jam 10 pagi", BORN),
        ("SEPTEMBER 5 1988", ok("1988-09-05")),
        ("17 agustus", Verdict(error="date_no_year", params={"example": date(2026, 8, 17)})),
        ("31-02-1990", Verdict(error="date_impossible")),
        ("lahir 17-8-1965 nikah 12-5-1990", Verdict(error="date_several")),
        ("lupa tanggalnya", no("dont_know")),
        ("kapan ya?", no("question")),
        ("17-08-2027", Verdict(error="date_future")),
    ],
)
def test_birth_date(text, verdict):
    assert answer("ktp", "tanggal_lahir", text) == verdict


def recent(iso: str) -> Verdict:
    return ok(iso, read=iso)


WEEK_AGO = Verdict(error="date_inexact", params={"example": date(2026, 11, 15)})


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("kemarin", recent("2026-11-21")),
        ("meninggal kmrn sore pak", recent("2026-11-21")),
        ("tadi pagi", recent("2026-11-22")),
        ("semalam", recent("2026-11-21")),
        ("2 hari yang lalu", recent("2026-11-20")),
        ("dua hari lalu", recent("2026-11-20")),
        ("kemarin lusa", recent("2026-11-20")),
        ("senin kemarin", recent("2026-11-16")),
        ("hari jumat", recent("2026-11-20")),
        ("2 november kemarin", recent("2026-11-02")),
        ("yesterday", recent("2026-11-21")),
        ("3 days ago", recent("2026-11-19")),
        ("minggu lalu", WEEK_AGO),  # a week is not a day: asked for the date
        ("seminggu yang lalu", WEEK_AGO),
        ("last week", WEEK_AGO),
        ("bulan lalu", WEEK_AGO),
        ("besok", Verdict(error="date_future")),
    ],
)
def test_date_of_death_in_words(text, verdict):
    assert answer("akta_kematian", "tanggal_kematian", text) == verdict


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("12", ok(12)),
        ("kapal sy 12 gt pak", ok(12)),
        ("dua belas", ok(12)),
        ("duabelas gt", ok(12)),
        ("dua puluh lima", ok(25)),
        ("sebelas", ok(11)),
        ("twelve", ok(12)),
        ("7,5", ok(7.5)),
        ("seratus", Verdict(error="number_range", params={"min": "1", "max": "30"})),
        ("10-12 gt", Verdict(error="number_several")),
        ("harus berapa?", no("question")),
        ("gak tau", no("dont_know")),
    ],
)
def test_boat_size(text, verdict):
    assert answer("sipi_perpanjangan", "gt", text) == verdict


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("tiga orang", ok(3)),
        ("semua 4 orang", ok(4)),
        ("saya sama istri dan 2 anak", Verdict(error="number_total")),
    ],
)
def test_people_moving(text, verdict):
    assert answer("pindah", "jumlah_pindah", text) == verdict


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("nama saya Haji Baso", ok("Haji Baso")),
        ("nama sy Haji Baso pak", ok("Haji Baso")),
        ("nm sy andi", ok("Andi")),
        ("ANDI MAPPANYUKKI", ok("Andi Mappanyukki")),
        ("ahmad bin abdullah", ok("Ahmad bin Abdullah")),
        ("hj. siti aminah", ok("Hj. Siti Aminah")),
        ("H. BASO", ok("H. Baso")),
        ("Muh. Ilham, S.Pd.", ok("Muh. Ilham, S.Pd.")),
        ("MA'RUF AMIN", ok("Ma'ruf Amin")),
        ("La Ode Ida", ok("La Ode Ida")),
        ("my name is John Smith", ok("John Smith")),
        ("saya Siti Aminah, terima kasih", ok("Siti Aminah")),
        ("NIK sy ga tau", no("dont_know")),
        ("kenapa harus nama?", no("question")),
        ("eh salah, maksud saya KIA", no("correction")),
        ("KIA", no("correction")),
        ("halo", no("greeting")),
        ("terima kasih", no("thanks")),
        ("iya ada apa?", no("question")),
        ("menu dong", no("command")),
        ("ok", no("ack")),
        ("lewati", no("skip")),
        ("Siti2", Verdict(error="name_digits")),
        ("saya tinggal di desa", Verdict(error="name_sentence")),
        ("asdfgh", Verdict(error="name_unclear")),
        ("nama sesuai ktp", Verdict(error="name_sentence")),
        ("sebentar ya", no("wait")),
        ("Putu Kasih", ok("Putu Kasih")),  # words that are also names are no sentence
        ("Drs. H. Abdul Kadir, M.Si.", ok("Drs. H. Abdul Kadir, M.Si.")),
        ("I Gusti Ngurah Rai", ok("I Gusti Ngurah Rai")),
    ],
)
def test_name(text, verdict):
    assert answer("ktp", "nama", text) == verdict


def test_the_name_of_the_deceased_loses_almarhum():
    assert answer("akta_kematian", "nama_almarhum", "alm. H. Baso Tang") == ok("H. Baso Tang")
    assert answer("akta_kematian", "nama_almarhum", "almarhumah HJ. SITI") == ok("Hj. Siti")


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("Dusun Mawar RT 02/RW 01, Desa Contoh", ok("Dusun Mawar RT 02/RW 01, Desa Contoh")),
        ("jl poros sinjai-bulukumba km 12", ok("jl poros sinjai-bulukumba km 12")),
        ("Lr. 3 No. 5", ok("Lr. 3 No. 5")),
        ("BTN Griya Asri Blok C2 No 7", ok("BTN Griya Asri Blok C2 No 7")),
        ("Dusun Mawar RT 02, terima kasih pak 🙏", ok("Dusun Mawar RT 02")),
        ("iya ada apa?", no("question")),
        ("harus datang langsung?", no("question")),
        ("halo", no("greeting")),
        ("terima kasih", no("thanks")),
        ("🙏", no("thanks")),
        ("😂", no("emoji")),
        ("ok", no("ack")),
        ("batal aja", no("command")),
        ("lupa", no("dont_know")),
    ],
)  # fmt: skip
def test_address(text, verdict):
    assert answer("ktp", "alamat", text) == verdict


def test_free_text_may_hold_the_words_of_a_non_answer():
    """ "What changed?" can be answered with "salah": only the phrase alone is refused."""
    assert answer("kk", "data_berubah", "tanggal lahir di KK salah") == ok(
        "tanggal lahir di KK salah"
    )
    assert answer("kk", "data_berubah", "belum tahu") == no("dont_know")


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("lanang", ok("laki_laki")),
        ("wadon", ok("perempuan")),
        ("pameget", ok("laki_laki")),
        ("awewe", ok("perempuan")),
        ("cowo", ok("laki_laki")),
        ("cewe", ok("perempuan")),
        ("bapak-bapak", ok("laki_laki")),
        ("ibu ibu", ok("perempuan")),
        ("laki2", ok("laki_laki")),
        ("Perempuan pak", ok("perempuan")),
        ("iya", no("ack")),
        ("tidak tahu", no("dont_know")),
        ("kenapa?", no("question")),
    ],
)
def test_sex(text, verdict):
    assert answer("ktp", "jenis_kelamin", text) == verdict


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("enten", "ya"), ("mboten wonten", "tidak"), ("gak ada", "tidak"), ("belum ada", "tidak"),
        ("iya ada", "ya"), ("nggih", "ya"), ("muhun", "ya"), ("henteu", "tidak"), ("iyo", "ya"),
        ("indak", "tidak"), ("iye'", "ya"), ("de'", "tidak"), ("tena", "tidak"), ("olo", "ya"),
        ("ndak", "tidak"), ("ora", "tidak"), ("ok", "ya"),
    ],
)  # fmt: skip
def test_regional_yes_and_no(text, value):
    assert answer("akta_kelahiran", "ada_surat_lahir", text) == ok(value)


def test_a_question_or_not_knowing_is_no_yes_or_no():
    assert answer("akta_kelahiran", "ada_surat_lahir", "iya ada apa?") == no("question")
    assert answer("akta_kelahiran", "ada_surat_lahir", "tidak tahu") == no("dont_know")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("istrinya", "suami_istri"),
        ("suami saya", "suami_istri"),
        ("anak sy", "orang_tua"),  # the deceased is my child: the reporter is a parent
        ("saya anaknya", "anak"),
        ("almarhum bapak saya", "anak"),
        ("bapak", "orang_tua"),  # a bare word reads as the button does: what I am
        ("mamak", "orang_tua"),
        ("cucunya", "lainnya"),
        ("my father", "anak"),
        ("I am his wife", "suami_istri"),
    ],
)
def test_relationship_to_the_deceased(text, value):
    assert answer("akta_kematian", "hubungan_pelapor", text) == ok(value)


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("WA aja pak 081234567890", Verdict(error="phone_chars")),  # unchanged: see issue 9.5
        ("iya ada apa?", no("question")),
        ("+", Verdict(error="phone_chars")),
    ],
)
def test_phone(text, verdict):
    assert answer("sipi_perpanjangan", "no_hp", text) == verdict
