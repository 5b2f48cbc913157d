"""Strings of the admin's page of set-aside inbound events (`/dashboard/inbox`)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (Bahasa Indonesia, English)
    "nav_inbox": ("Pesan gagal", "Failed messages"),
    "inbox_title": ("Pesan masuk yang gagal diproses", "Incoming messages that failed"),
    "inbox_intro": (
        "Pesan ini gagal diproses 3 kali lalu disisihkan agar pesan warga berikutnya tetap "
        "berjalan. Warga sudah diberi tahu. Setelah penyebabnya diperbaiki, ketuk Ulangi.",
        "These failed 3 times and were set aside so the resident's later messages could go "
        "on. The resident was told. Once the cause is fixed, press Retry.",
    ),
    "inbox_col_when": ("Disisihkan", "Set aside"),
    "inbox_col_who": ("Warga", "Resident"),
    "inbox_col_what": ("Isi", "What"),
    "inbox_col_error": ("Kendala", "Problem"),
    "inbox_col_attempts": ("Percobaan", "Attempts"),
    "inbox_received": ("Diterima", "Received"),
    "inbox_technical": ("Rincian teknis", "Technical detail"),
    "inbox_retry": ("Ulangi", "Retry"),
    "inbox_empty": ("Tidak ada pesan yang gagal diproses.", "No message failed."),
    "inbox_more": (
        "Hanya 100 yang terbaru ditampilkan. Ulangi atau periksa yang ini dulu.",
        "Only the 100 most recent are shown. Retry or check these first.",
    ),
    "inbox_done_retried": (
        "Pesan dimasukkan lagi ke antrean dan akan diproses dalam beberapa detik.",
        "The message is queued again and will be processed in a few seconds.",
    ),
    "inbox_err_not_retryable": (
        "Pesan itu tidak bisa diulang: sudah diproses atau sudah masuk antrean lagi.",
        "That message cannot be retried: it was processed or is already queued again.",
    ),
    # What the event carried (app.inbox.service.subject_of)
    "inbox_subject_text": ("Pesan teks", "Text message"),
    "inbox_subject_image": ("Foto", "Photo"),
    "inbox_subject_document": ("Berkas (PDF/dokumen)", "File (PDF or document)"),
    "inbox_subject_audio": ("Pesan suara", "Voice message"),
    "inbox_subject_video": ("Video", "Video"),
    "inbox_subject_sticker": ("Stiker", "Sticker"),
    "inbox_subject_location": ("Lokasi", "Location"),
    "inbox_subject_contacts": ("Kontak", "Contact"),
    "inbox_subject_interactive": ("Pilihan tombol atau daftar", "Button or list choice"),
    "inbox_subject_button": ("Tombol pada pesan templat", "Template button"),
    "inbox_subject_reaction": ("Reaksi", "Reaction"),
    "inbox_subject_message": ("Pesan", "Message"),
    "inbox_subject_status": ("Status pengiriman pesan kami", "Delivery status of our message"),
    "inbox_subject_document_checked": ("Hasil pemeriksaan berkas", "Result of a file check"),
    "inbox_subject_correction_needed": (
        "Permintaan perbaikan dari petugas",
        "Correction request from an officer",
    ),
    "inbox_subject_handoff_ended": ("Akhir percakapan dengan petugas", "End of a hand-off"),
    "inbox_subject_timeout": ("Pengingat percakapan", "Conversation reminder"),
    "inbox_subject_survey_start": ("Awal survei kepuasan", "Start of the satisfaction survey"),
    "inbox_subject_internal": ("Masukan dari Loket", "Input made by Loket"),
    "inbox_subject_other": ("Lainnya", "Other"),
    # The error in words (app.dashboard.inbox_routes.error_key)
    "inbox_error_conflict": (
        "Data bentrok dengan data yang sudah tersimpan. Perlu perbaikan program.",
        "The data clashed with data already stored. The program needs a fix.",
    ),
    "inbox_error_unavailable": (
        "Basis data atau jaringan tidak menjawab saat itu. Biasanya cukup diulang.",
        "The database or the network did not answer at the time. Usually a retry is enough.",
    ),
    "inbox_error_content": (
        "Isi pesan membuat program gagal. Perlu perbaikan program.",
        "The message's content made the program fail. The program needs a fix.",
    ),
    "inbox_error_unexpected": (
        "Kesalahan yang tidak terduga. Periksa rincian teknis.",
        "An unexpected error. See the technical detail.",
    ),
    # The audit log's name for the retry (app.audit.service.AuditAction.INBOX_RETRY)
    "audit_action_inbox_retry": ("Pesan gagal diulang", "Failed message retried"),
}
