"""The verification page's words, in Indonesian (the default) and English."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "id": {
        "title": "Verifikasi dokumen",
        "found": "Dokumen ini diterbitkan oleh {office}.",
        "found_no_office": "Dokumen ini diterbitkan melalui Loket.",
        "service": "Layanan",
        "issued_at": "Diterbitkan",
        "holder": "Atas nama",
        "code": "Kode verifikasi",
        "sha256": "Sidik berkas (SHA-256)",
        "check_title": "Cocokkan berkas Anda",
        "check_help": "Pilih berkas PDF yang Anda pegang. Berkas diperiksa di peramban Anda "
        "dan tidak dikirim ke mana pun.",
        "check_button": "Periksa berkas",
        "file_label": "Berkas PDF",
        "match": "Cocok: berkas ini sama persis dengan dokumen yang diterbitkan.",
        "mismatch": "Tidak cocok: berkas ini berbeda dari dokumen yang diterbitkan. "
        "Jangan percayai isinya.",
        "no_file": "Pilih berkas PDF dulu.",
        "not_found_title": "Dokumen tidak ditemukan",
        "not_found": "Tidak ada dokumen dengan kode ini. Periksa lagi kodenya; bila dokumen "
        "Anda bertanda QR, pindai ulang QR-nya.",
        "throttled_title": "Terlalu banyak permintaan",
        "throttled": "Terlalu banyak pemeriksaan dari alamat Anda. Coba lagi sebentar lagi.",
        "other_lang": "English",
        "reveals": "Halaman ini hanya menampilkan layanan, tanggal terbit, sidik berkas dan "
        "nama pemegang yang disamarkan.",
    },
    "en": {
        "title": "Document verification",
        "found": "This document was issued by {office}.",
        "found_no_office": "This document was issued through Loket.",
        "service": "Service",
        "issued_at": "Issued",
        "holder": "Holder",
        "code": "Verification code",
        "sha256": "File fingerprint (SHA-256)",
        "check_title": "Check your file",
        "check_help": "Choose the PDF you hold. It is checked in your browser and sent nowhere.",
        "check_button": "Check file",
        "file_label": "PDF file",
        "match": "Match: this file is exactly the issued document.",
        "mismatch": "No match: this file differs from the issued document. "
        "Do not trust its contents.",
        "no_file": "Choose a PDF file first.",
        "not_found_title": "Document not found",
        "not_found": "No document has this code. Check the code again; if your document has a "
        "QR code, scan it again.",
        "throttled_title": "Too many requests",
        "throttled": "Too many checks from your address. Please try again in a moment.",
        "other_lang": "Bahasa Indonesia",
        "reveals": "This page shows only the service, the date of issue, the file's fingerprint "
        "and the holder's masked name.",
    },
}


def words(language: str) -> dict[str, str]:
    """The texts in `language` ("en"), Indonesian for anything else."""
    return TEXTS["en" if language == "en" else "id"]
