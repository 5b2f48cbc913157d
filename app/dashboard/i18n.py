"""Every string the dashboard shows, in Indonesian (default) and English, in one table.

Templates and routes name a key; nothing a person reads is written inline in a template.
"""

from __future__ import annotations

from typing import Any

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (Bahasa Indonesia, English)
    "app_title": ("Loket — Dasbor Petugas", "Loket — Operator dashboard"),
    "login_title": ("Masuk petugas", "Operator sign-in"),
    "username": ("Nama pengguna", "Username"),
    "password": ("Kata sandi", "Password"),
    "login": ("Masuk", "Sign in"),
    "logout": ("Keluar", "Sign out"),
    "login_failed": (
        "Nama pengguna atau kata sandi salah.",
        "Wrong username or password.",
    ),
    "login_throttled": (
        "Terlalu banyak percobaan gagal. Silakan coba lagi dalam 15 menit.",
        "Too many failed attempts. Please try again in 15 minutes.",
    ),
    "csrf_title": ("Formulir kedaluwarsa", "Form expired"),
    "csrf_body": (
        "Formulir ini sudah tidak berlaku. Silakan muat ulang halaman lalu coba lagi.",
        "This form is no longer valid. Please reload the page and try again.",
    ),
    "not_found_title": ("Tidak ditemukan", "Not found"),
    "not_found_body": (
        "Permohonan atau dokumen ini tidak ada, atau di luar wilayah kerja Anda.",
        "This request or document does not exist, or is outside your offices.",
    ),
    "back_to_queue": ("Kembali ke antrean", "Back to the queue"),
    "queue_title": ("Antrean permohonan", "Request queue"),
    "signed_in_as": ("Masuk sebagai", "Signed in as"),
    "filter_status": ("Status", "Status"),
    "filter_service": ("Layanan", "Service"),
    "filter_all": ("Semua", "All"),
    "search": ("Cari", "Search"),
    "search_hint": ("Tiket, nama, nomor HP, atau NIK", "Ticket, name, phone or NIK"),
    "apply": ("Terapkan", "Apply"),
    "col_ticket": ("Tiket", "Ticket"),
    "col_resident": ("Pemohon", "Resident"),
    "col_nik": ("NIK", "NIK"),
    "col_due": ("Tenggat", "Due"),
    "overdue": ("Terlambat", "Overdue"),
    "no_requests": ("Tidak ada permohonan.", "No requests."),
    "next_page": ("Halaman berikutnya", "Next page"),
    "first_page": ("Halaman pertama", "First page"),
    "bad_filter": ("Filter tidak valid.", "Invalid filter."),
    "answers": ("Jawaban", "Answers"),
    "documents": ("Dokumen", "Documents"),
    "no_documents": ("Belum ada dokumen.", "No documents yet."),
    "open_pdf": ("Buka PDF", "Open PDF"),
    "history": ("Riwayat", "History"),
    "chat": ("Percakapan", "Chat"),
    "no_chat": ("Belum ada pesan.", "No messages yet."),
    "from_resident": ("Warga", "Resident"),
    "from_loket": ("Loket", "Loket"),
    "actions": ("Tindakan", "Actions"),
    "no_actions": ("Permohonan ini sudah selesai.", "This request is closed."),
    "note": ("Catatan", "Note"),
    "note_required": ("Catatan (wajib)", "Note (required)"),
    "what_to_correct": ("Yang perlu diperbaiki", "What to correct"),
    "pickup_place": ("Tempat pengambilan", "Pickup place"),
    "pickup_hours": ("Jam pengambilan", "Pickup hours"),
    "pickup_code": ("Kode pengambilan", "Pickup code"),
    "override_code": (
        "Selesaikan tanpa kode (wajib isi catatan, tercatat di riwayat)",
        "Complete without the code (note required, recorded in the history)",
    ),
    "move_to": ("Ubah ke", "Move to"),
    "reply": ("Balas warga", "Reply to the resident"),
    "reply_send": ("Kirim", "Send"),
    "window_open": (
        "Warga menulis dalam 24 jam terakhir: balasan langsung terkirim.",
        "The resident wrote within 24 hours: the reply is sent now.",
    ),
    "window_closed": (
        "Di luar jendela 24 jam: warga akan menerima undangan templat, "
        "dan balasan ini ditahan sampai warga membalas.",
        "Outside the 24-hour window: the resident gets a template invitation "
        "and this reply is held until they answer.",
    ),
    "done_moved": ("Status permohonan sudah diubah.", "The request's status was changed."),
    "done_sent": ("Balasan terkirim.", "The reply was sent."),
    "done_held": (
        "Balasan ditahan; undangan templat dikirim ke warga.",
        "The reply is held; a template invitation was sent.",
    ),
    "err_correction": (
        "Pilih dokumen atau isian yang harus diperbaiki.",
        "Choose the documents or answers to correct.",
    ),
    "err_reject_note": ("Penolakan wajib disertai alasan.", "A rejection needs a reason."),
    "err_pickup_place": ("Isi tempat pengambilan.", "Fill in the pickup place."),
    "err_code_missing": ("Isi kode pengambilan dari warga.", "Enter the resident's pickup code."),
    "err_code_wrong": ("Kode pengambilan salah.", "Wrong pickup code."),
    "err_override_note": (
        "Menyelesaikan tanpa kode wajib disertai catatan.",
        "Completing without the code needs a note.",
    ),
    "err_not_allowed": (
        "Perubahan status ini tidak diizinkan sekarang.",
        "This status change is not allowed now.",
    ),
    "err_invalid": ("Isian formulir tidak valid.", "The form is not valid."),
    "err_reply_empty": ("Tulis isi balasan.", "Write the reply."),
    "actor_resident": ("warga", "resident"),
    "actor_system": ("sistem", "system"),
    "language": ("English", "Bahasa Indonesia"),
    # Status names
    "status_collecting": ("Mengisi data", "Collecting"),
    "status_submitted": ("Diajukan", "Submitted"),
    "status_in_review": ("Diperiksa", "In review"),
    "status_needs_correction": ("Perlu perbaikan", "Needs correction"),
    "status_processing": ("Diproses", "Processing"),
    "status_ready_for_pickup": ("Siap diambil", "Ready for pickup"),
    "status_out_for_delivery": ("Sedang diantar", "Out for delivery"),
    "status_completed": ("Selesai", "Completed"),
    "status_rejected": ("Ditolak", "Rejected"),
    "status_cancelled": ("Dibatalkan", "Cancelled"),
}


def language_of(value: Any) -> str:
    """A supported language code; anything else falls back to Indonesian."""
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def translate(key: str, language: str) -> str:
    """The message `key` in `language`; an unknown key is a bug, so it raises KeyError."""
    indonesian, english = MESSAGES[key]
    return english if language == "en" else indonesian


def status_label(status: str, language: str) -> str:
    """A status's name for people; an unknown status shows as itself."""
    key = f"status_{status}"
    return translate(key, language) if key in MESSAGES else status
