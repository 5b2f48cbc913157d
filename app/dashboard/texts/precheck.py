"""Strings of the village pre-check panel on the request page (the Cari Besi practice)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (Bahasa Indonesia, English)
    "precheck_title": ("Pra-periksa desa", "Village pre-check"),
    "precheck_village": ("Desa", "Village"),
    "precheck_waiting": ("menunggu pra-periksa desa", "awaiting the village pre-check"),
    "precheck_intro": (
        "Periksa berkas ini sesuai daftar sebelum diteruskan. Tulis catatan untuk setiap masalah.",
        "Check this file against the list before forwarding it. Write a note for every problem.",
    ),
    "precheck_ok": ("OK", "OK"),
    "precheck_problem": ("Masalah", "Problem"),
    "precheck_item_note": ("Catatan", "Note"),
    "precheck_general_note": ("Catatan umum", "General note"),
    "precheck_save": ("Simpan", "Save"),
    "precheck_forward_district": ("Teruskan ke kecamatan", "Forward to the district"),
    "precheck_forward_regency": ("Teruskan ke kabupaten", "Forward to the regency"),
    "precheck_save_first": (
        "Simpan hasil pra-periksa dulu, lalu teruskan.",
        "Save the pre-check first, then forward it.",
    ),
    "precheck_nothing_to_check": (
        "Tidak ada dokumen atau isian untuk diperiksa.",
        "There are no documents or answers to check.",
    ),
    "precheck_result": ("Hasil pra-periksa", "Pre-check result"),
    "precheck_checked_by": ("Diperiksa oleh", "Checked by"),
    "precheck_forwarded_by": ("Diteruskan oleh", "Forwarded by"),
    "precheck_not_forwarded": ("Belum diteruskan.", "Not forwarded yet."),
    "precheck_not_done": (
        "Desa tidak melakukan pra-periksa untuk permohonan ini.",
        "The village did not pre-check this request.",
    ),
    "precheck_count_ok": ("sesuai", "OK"),
    "precheck_count_problems": ("masalah", "problems"),
    # Notices after a redirect (`?done=prechecked` / `?done=forwarded`).
    "precheck_done_saved": ("Hasil pra-periksa tersimpan.", "The pre-check was saved."),
    "precheck_done_forwarded": ("Berkas sudah diteruskan.", "The file was forwarded."),
    # Form errors, by PrecheckError code.
    "precheck_err_none": (
        "Permohonan ini tidak melalui pra-periksa desa.",
        "This request has no village pre-check.",
    ),
    "precheck_err_forbidden": (
        "Hanya petugas desa pemeriksa yang dapat melakukan pra-periksa ini.",
        "Only the pre-checking village's operators can do this pre-check.",
    ),
    "precheck_err_forwarded": (
        "Berkas ini sudah diteruskan; pra-periksa tidak dapat diubah lagi.",
        "This file was already forwarded; the pre-check can no longer change.",
    ),
    "precheck_err_closed": (
        "Permohonan ini sudah diproses lebih lanjut; pra-periksa tidak lagi dapat dilakukan.",
        "This request has moved on; it can no longer be pre-checked.",
    ),
    "precheck_err_incomplete": (
        "Pilih OK atau Masalah untuk setiap butir.",
        "Choose OK or Problem for every item.",
    ),
    "precheck_err_unknown_item": (
        "Daftar periksa sudah berubah. Muat ulang halaman lalu coba lagi.",
        "The checklist has changed. Reload the page and try again.",
    ),
    "precheck_err_problem_note": (
        "Tulis catatan untuk setiap butir yang bermasalah.",
        "Write a note for every item with a problem.",
    ),
    "precheck_err_bad_note": (
        "Catatan terlalu panjang atau berisi karakter yang tidak dapat dibaca.",
        "A note is too long or contains unreadable characters.",
    ),
    "precheck_err_not_saved": (
        "Simpan hasil pra-periksa dulu sebelum meneruskan.",
        "Save the pre-check before forwarding it.",
    ),
}
