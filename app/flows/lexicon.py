"""Word lists for reading answers: address words, courtesy, greetings, questions, regional words.

All entries are written as `textmatch.normalize` leaves them (lower case, no punctuation, chat
slang already expanded: "sy" is "saya", "gak" is "tidak", "udh" is "sudah"), so they are
compared with normalised messages. This module imports nothing, so anything may use it.
"""

from __future__ import annotations


def word_set(text: str) -> frozenset[str]:
    """The words of `text` as a set (lists here are written as plain text)."""
    return frozenset(text.split())


def _phrases(text: str) -> frozenset[str]:
    return frozenset(phrase.strip() for phrase in text.split(",") if phrase.strip())


# How residents address the office ("iya pak", "makasih min", "ok kak").
ADDRESS = word_set(
    "pak bapak bu ibu kak kakak min mimin admin mas mbak mba bang abang dek adek dik nak om "
    "tante bro sis gan daeng puang uda uni akang teteh aa ndan sir madam maam"
)
# Words that carry no content in chat ("deh", "dong", "aja").
FILLERS = word_set(
    "yah yaa deh dong sih nih tuh lah kah aja saja ajah doang eh ah hm hmm em emm "
    "nah nya wkwk hehe haha hihi xixi mohon tolong please pls plz"
)
# Thanking, in Indonesian, regional languages and English (whole phrases).
THANKS = _phrases(
    "terima kasih, terimakasih, terima kasih banyak, makasih, makasi, makasih banyak, mksh, "
    "mks, trims, trimakasih, tengkyu, thanks, thank you, thank you very much, thx, tq, ty, "
    "matur nuwun, maturnuwun, matur suwun, suwun, nuwun, hatur nuhun, nuhun, tarimo kasih, "
    "makasih ya, kurru sumange, terima kasih ya"
)
# Greetings (whole phrases).
GREETINGS = _phrases(
    "halo, hallo, helo, hello, hai, hi, hey, pagi, siang, sore, malam, selamat pagi, "
    "selamat siang, selamat sore, selamat malam, assalamualaikum, assalamualaikum wr wb, "
    "assalamualaikum warahmatullahi wabarakatuh, waalaikumsalam, salam, permisi, punten, "
    "sampurasun, tabe, sugeng enjing, sugeng siang, sugeng sonten, sugeng dalu, "
    "om swastiastu, shalom, good morning, good afternoon, good evening"
)
# Bare acknowledgements ("ok", "siap", "baik").
ACKS = _phrases(
    "ok, oke, okay, okey, okeh, okee, k, sip, siap, baik, baiklah, iya, ya, y, yes, yup, "
    "noted, mantap, mantab, paham, mengerti, oh begitu, oh gitu, begitu, gitu, oh ok, "
    "nggih, inggih, injih, enggih, muhun, iye, iyo, olo, yoi, hmm, hm, oh, wkwk, hehe, haha, "
    "maaf, mohon maaf, sorry, tes, test, testing, coba, p, sudah"
)
# Asking for a moment ("bentar", "nanti dulu"): the question stays open, nothing is wrong.
WAITS = _phrases(
    "sebentar, bentar, tunggu, tunggu sebentar, tunggu dulu, nanti dulu, nanti, sek, sik, "
    "wait, hold on, one moment, just a moment, saya cari dulu, cari dulu, sebentar saya cari"
)
# First words that make a message a question even without "?".
QUESTION_STARTS = word_set(
    "apa apakah kenapa mengapa knp napa gimana gmana bagaimana kapan kpn dimana dmn berapa "
    "bisakah bolehkah haruskah perlukah kok emang emangnya maksudnya what why how when where "
    "which who pripun piye kepriye baa kaya kumaha naha sabaraha"
)
# Question words that make a short message a question wherever they stand ("ada apa").
QUESTION_WORDS = word_set("kenapa mengapa gimana bagaimana kapan kok pripun piye kumaha")
# "I do not know / I forgot / I do not have it yet" (whole phrases found inside a message).
DONT_KNOW = _phrases(
    "tidak tahu, tidak tau, tidak ingat, tidak inget, lupa, belum tahu, belum tau, kurang tahu, "
    "kurang tau, tidak hafal, belum hafal, gatau, gatahu, ndak tau, mboten ngertos, "
    "ora ngerti, ora weruh, teu terang, teu apal, indak tau, dont know, don t know, "
    "do not know, not sure, no idea, forgot, nanti saya cek, saya cek dulu, cek dulu"
)
# "I do not have it (yet)": not an answer to a field, but a "no" to "do you have ...?".
NOT_YET = _phrases(
    "belum ada, tidak ada, tidak punya, belum punya, masih diurus, masih proses, "
    "don t have, do not have, not yet"
)
# A change of mind or a correction of an earlier answer.
CORRECTIONS = _phrases(
    "salah, eh salah, maaf salah, sorry salah, maksud saya, maksudnya, bukan itu, ralat, "
    "keliru, salah ketik, typo, wrong, i mean, sorry wrong, tidak jadi, ganti layanan"
)
# Words of commands that work anywhere (typed alone, or nearly).
COMMANDS = _phrases(
    "menu, menu utama, batal, batalkan, cancel, status, cek status, operator, petugas, admin, "
    "bantuan, help, agent, bahasa, language, english, komplain, keluhan, complaint, kembali, "
    "back, stop, berhenti, mulai lagi, ulang, restart, syarat, persyaratan"
)
# Asking to leave a question empty (refused where the question is required).
SKIPS = _phrases("lewati, lewat, skip, kosong, kosongkan, none, next, lanjut, lanjutkan")
# Service words: typed at a name, they are a request for a service, never a name.
SERVICE_WORDS = word_set(
    "ktp ektp ktpel kk kia akta akte sipi skpwni nik kartu keluarga surat pindah paspor sim "
    "npwp bpjs"
)

# Regional and chat answers, mapped to the standard word they stand for.
REGIONAL_YES = word_set(
    "nggih inggih enggih injih enjih muhun sumuhun iyo iye iyeh olo leres enggeh"
)
REGIONAL_NO = word_set("mboten boten ora henteu teu indak ndak nda de dede tena tenaja emoh")
