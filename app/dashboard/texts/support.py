"""Strings of the complaints and hand-off pages (keys start with `support_`)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (Bahasa Indonesia, English)
    # Complaints
    "support_complaints_title": ("Pengaduan warga", "Complaints"),
    "support_closed_complaints_title": ("Pengaduan yang sudah ditutup", "Closed complaints"),
    "support_show_closed": ("Lihat pengaduan yang sudah ditutup", "Show closed complaints"),
    "support_show_open": ("Lihat pengaduan yang masih terbuka", "Show open complaints"),
    "support_no_open_complaints": ("Tidak ada pengaduan terbuka.", "No open complaints."),
    "support_no_closed_complaints": (
        "Belum ada pengaduan yang ditutup.",
        "No closed complaints yet.",
    ),
    "support_general": ("Umum (bukan soal permohonan)", "General (not about a request)"),
    "support_filed": ("Diajukan", "Filed"),
    "support_age": ("Umur", "Age"),
    "support_complaint_text": ("Isi pengaduan", "Complaint"),
    "support_resolution": ("Tindak lanjut (dikirim ke warga)", "Resolution (sent to the resident)"),
    "support_close": ("Tutup pengaduan", "Close the complaint"),
    "support_closed_by": ("Ditutup oleh", "Closed by"),
    "support_closed_at": ("Ditutup pada", "Closed at"),
    "support_err_resolution": (
        "Tulis tindak lanjutnya sebelum menutup pengaduan.",
        "Write the resolution before closing the complaint.",
    ),
    "support_err_already_closed": (
        "Pengaduan ini sudah ditutup.",
        "This complaint is already closed.",
    ),
    "support_done_closed": (
        "Pengaduan ditutup; warga sudah diberi tahu.",
        "The complaint is closed; the resident was told.",
    ),
    "support_done_closed_held": (
        "Pengaduan ditutup; pesan untuk warga ditahan sampai warga membalas undangan templat.",
        "The complaint is closed; the resident's message is held until they answer the "
        "template invitation.",
    ),
    "support_age_minutes": ("{n} menit", "{n} min"),
    "support_age_hours": ("{n} jam", "{n} h"),
    "support_age_days": ("{n} hari", "{n} days"),
    # Hand-offs
    "support_handoffs_title": (
        "Percakapan yang menunggu petugas",
        "Conversations waiting for an officer",
    ),
    "support_no_handoffs": (
        "Tidak ada warga yang menunggu petugas.",
        "No resident is waiting for an officer.",
    ),
    "support_since": ("Menunggu sejak", "Waiting since"),
    "support_reason": ("Alasan", "Reason"),
    "support_reason_resident_request": (
        "Warga meminta bicara dengan petugas",
        "The resident asked for an officer",
    ),
    "support_reason_validation_failed": (
        "Warga berulang kali gagal menjawab pertanyaan",
        "The resident failed a question several times",
    ),
    "support_latest_request": ("Permohonan terakhir", "Latest request"),
    "support_no_request": ("Belum ada permohonan", "No request yet"),
    "support_recent_chat": ("Pesan terakhir", "Latest messages"),
    "support_end": ("Selesai, kembalikan ke bot", "Done: hand back to the bot"),
    "support_done_ended": (
        "Percakapan dikembalikan ke bot; warga akan diberi tahu.",
        "The conversation is handed back to the bot; the resident will be told.",
    ),
    "support_done_over": (
        "Percakapan ini sudah tidak menunggu petugas.",
        "This conversation is no longer waiting for an officer.",
    ),
}
