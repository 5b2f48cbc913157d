"""Strings for working the queue: filters, assignment, internal notes, exports, live updates."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "filter_office": ("Kantor", "Office"),
    "filter_mine": ("Tugas saya", "Mine"),
    "filter_overdue": ("Lewat tenggat", "Overdue"),
    "filter_precheck": ("Menunggu pra-periksa desa", "Awaiting village pre-check"),
    "export_csv": ("Unduh CSV", "Download CSV"),
    "export_xlsx": ("Unduh Excel (XLSX)", "Download Excel (XLSX)"),
    "col_assignee": ("Petugas", "Assigned to"),
    "channel_counter": ("di loket", "at the counter"),
    "work_title": ("Penanganan", "Handling"),
    "assigned_to": ("Ditangani oleh", "Assigned to"),
    "unassigned": ("Belum ada petugas", "Nobody yet"),
    "assign": ("Tetapkan", "Assign"),
    "take_it": ("Saya tangani", "Take it"),
    "internal_note": ("Catatan internal (tidak dikirim ke pemohon)", "Internal note (not sent)"),
    "add_note": ("Simpan catatan", "Save note"),
    "precheck_only": (
        "Kantor Anda hanya melakukan pra-periksa permohonan ini. Tindakan dan balasan ke pemohon "
        "dilakukan oleh kantor yang menangani.",
        "Your office only pre-checks this request. The handling office acts on it and replies "
        "to the resident.",
    ),
    "err_precheck_only": (
        "Kantor Anda hanya melakukan pra-periksa permohonan ini.",
        "Your office only pre-checks this request.",
    ),
    "err_note_empty": ("Catatan tidak boleh kosong.", "A note cannot be empty."),
    "err_note_long": (
        "Catatan terlalu panjang (paling banyak 2000 karakter).",
        "The note is too long (2000 characters at most).",
    ),
    "err_assignee": (
        "Petugas itu tidak ada, tidak aktif, atau tidak bekerja di kantor yang menangani.",
        "That operator does not exist, is inactive, or does not work at the handling office.",
    ),
    "done_noted": ("Catatan disimpan.", "Note saved."),
    "done_assigned": ("Petugas penanganan diperbarui.", "Assignment updated."),
    "history_note": ("Catatan internal", "Internal note"),
    "history_assigned": ("Ditugaskan ke", "Assigned to"),
    "history_precheck": ("Pra-periksa desa", "Village pre-check"),
    "history_forwarded": ("Diteruskan ke kantor penanganan", "Forwarded to the handling office"),
    "history_ok": ("sesuai", "fine"),
    "history_problems": ("bermasalah", "with problems"),
    "history_pickup_reminder": ("Pengingat pengambilan dikirim", "Pickup reminder sent"),
    "live_updated": ("Halaman diperbarui.", "Page updated."),
}
