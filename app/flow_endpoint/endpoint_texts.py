"""What the data endpoint says to a resident inside a form, in Indonesian and English.

Answers and files refused for the same reasons as in chat use the chat's own sentences (the
`invalid.*` and `reject.*` messages); these are the few that only a form needs: the form has
expired, a file did not arrive intact, the check took too long. Short and polite, and never a
code (bahasa-style.md).
"""

from __future__ import annotations

from typing import Any

from app.flows.messages import shipped_messages

_TEXTS: dict[str, tuple[str, str]] = {
    "token_expired": (
        "Formulir ini sudah kedaluwarsa. Silakan kembali ke chat dan pilih layanannya lagi.",
        "This form has expired. Please go back to the chat and choose the service again.",
    ),
    "token_unknown": (
        "Formulir ini tidak bisa dipakai lagi. Silakan kembali ke chat dan pilih layanannya lagi.",
        "This form can no longer be used. Please go back to the chat and choose the service again.",
    ),
    "file_damaged": (
        "File {label} tidak terkirim utuh. Mohon pilih file itu sekali lagi.",
        "The file for {label} did not arrive intact. Please pick it once more.",
    ),
    "file_unavailable": (
        "File {label} belum bisa kami ambil. Mohon coba sekali lagi.",
        "We could not fetch the file for {label}. Please try once more.",
    ),
    "too_slow": (
        "Pemeriksaan file butuh waktu lebih lama. Mohon tekan tombolnya sekali lagi.",
        "Checking the file is taking longer. Please tap the button once more.",
    ),
    "other_region": (
        "NIK ini terdaftar di luar wilayah kantor ini. Tidak apa-apa, permohonan tetap kami "
        "terima; petugas akan memeriksa apakah bisa dilayani di sini.",
        "This NIK was registered outside this office's region. That is fine: we still take the "
        "request, and staff will check whether it can be served here.",
    ),
    "check_answers": (
        "Mohon periksa lagi isian berikut:",
        "Please check these answers again:",
    ),
}


# Under an input (Meta's error-message: 30 characters at most); the whole sentence goes in the
# screen's snackbar. By the chat's error code without its nik_/kk_ prefix.
_FIELD_TEXTS: dict[str, tuple[str, str]] = {
    "length": ("Harus 16 angka", "Must be 16 digits"),
    "digits": ("Harus 16 angka", "Must be 16 digits"),
    "province": ("Kode provinsi tidak dikenal", "Unknown province code"),
    "date": ("Angka tanggalnya keliru", "The date digits are wrong"),
    "serial": ("4 angka terakhir keliru", "The last 4 digits are wrong"),
    "same_as_nik": ("Ini NIK, bukan nomor KK", "This is the NIK, not the KK"),
}
_FIELD_DEFAULT = ("Mohon periksa lagi", "Please check it again")


def field_text(language: str, error: str) -> str:
    """The short reason shown under the input, for the chat's error code (`nik_length`)."""
    _, _, code = error.partition("_")
    indonesian, english = _FIELD_TEXTS.get(code, _FIELD_DEFAULT)
    return english if language == "en" else indonesian


def text(language: str, key: str, **params: Any) -> str:
    """One of the endpoint's own sentences, in the resident's language."""
    indonesian, english = _TEXTS[key]
    return (english if language == "en" else indonesian).format(**params)


def chat_text(language: str, key: str, **params: Any) -> str:
    """One of the chat's sentences (`invalid.nik_length`, `reject.blurred`, …)."""
    messages = shipped_messages()
    if messages.has(key):
        return messages.text(language, key, **params)
    if key.startswith("reject."):
        return messages.text(language, "reject.unknown", **params)
    return text(language, "check_answers")
