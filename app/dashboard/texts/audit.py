"""Strings of the admin's audit log page (`/dashboard/audit`)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (Bahasa Indonesia, English)
    "audit_title": ("Log audit", "Audit log"),
    "audit_tab_actions": ("Tindakan", "Actions"),
    "audit_tab_documents": ("Akses dokumen", "Document access"),
    "audit_tab_history": ("Riwayat oleh petugas", "Operator history"),
    "audit_filter_actor": ("Pelaku", "Actor"),
    "audit_actor_hint": (
        "operator:budi, atau operator:* untuk awalan",
        "operator:budi, or operator:* for a prefix",
    ),
    "audit_filter_action": ("Tindakan", "Action"),
    "audit_filter_text": ("Tiket atau sasaran", "Ticket or target"),
    "audit_filter_ticket": ("Tiket", "Ticket"),
    "audit_filter_from": ("Dari tanggal", "From date"),
    "audit_filter_to": ("Sampai tanggal", "To date"),
    "audit_col_time": ("Waktu", "Time"),
    "audit_col_actor": ("Pelaku", "Actor"),
    "audit_col_action": ("Tindakan", "Action"),
    "audit_col_target": ("Sasaran", "Target"),
    "audit_col_office": ("Kantor", "Office"),
    "audit_col_ip": ("Alamat IP", "IP address"),
    "audit_col_detail": ("Rincian", "Detail"),
    "audit_col_document": ("Dokumen", "Document"),
    "audit_col_reason": ("Alasan", "Reason"),
    "audit_col_tickets": ("Tiket", "Tickets"),
    "audit_col_change": ("Perubahan", "Change"),
    "audit_col_note": ("Catatan", "Note"),
    "audit_empty": ("Tidak ada catatan.", "No entries."),
    "audit_err_date": (
        "Tanggal tidak valid. Gunakan format TTTT-BB-HH.",
        "Invalid date. Use the format YYYY-MM-DD.",
    ),
    "audit_err_range": (
        "Tanggal awal harus sebelum atau sama dengan tanggal akhir.",
        "The from date must be on or before the to date.",
    ),
    "audit_err_action": ("Tindakan tidak dikenal.", "Unknown action."),
    "audit_err_tab": ("Tab tidak dikenal.", "Unknown tab."),
    "audit_err_cursor": (
        "Tautan halaman tidak valid. Mulai lagi dari halaman pertama.",
        "Invalid page link. Start again from the first page.",
    ),
    "audit_err_text": ("Isian filter tidak valid.", "Invalid filter value."),
    # Audit actions (app.audit.service.AuditAction)
    "audit_action_login": ("Masuk", "Signed in"),
    "audit_action_login_failed": ("Gagal masuk", "Failed sign-in"),
    "audit_action_logout": ("Keluar", "Signed out"),
    "audit_action_pickup_override": (
        "Selesai tanpa kode pengambilan",
        "Completed without the pickup code",
    ),
    "audit_action_assigned": ("Penugasan", "Assigned"),
    "audit_action_forwarded": ("Diteruskan", "Forwarded"),
    "audit_action_counter_intake": ("Permohonan di loket", "Counter intake"),
    "audit_action_resident_lookup": ("Pencarian warga di loket", "Counter resident lookup"),
    "audit_action_export": ("Ekspor", "Export"),
    "audit_action_handoff_ended": ("Percakapan petugas diakhiri", "Hand-off ended"),
    "audit_action_complaint_closed": ("Pengaduan ditutup", "Complaint closed"),
    "audit_action_token_created": ("Token API dibuat", "API token created"),
    "audit_action_token_revoked": ("Token API dicabut", "API token revoked"),
    "audit_action_operator_created": ("Petugas dibuat", "Operator created"),
    # Document access (app.locker.models.AccessAction)
    "audit_access_view": ("Dilihat", "Viewed"),
    "audit_access_download": ("Diunduh", "Downloaded"),
    "audit_access_export": ("Diekspor", "Exported"),
    "audit_access_delete": ("Dihapus", "Deleted"),
    # History entries without a status change (data["kind"])
    "audit_kind_note": ("Catatan internal", "Internal note"),
    "audit_kind_assigned": ("Penugasan", "Assignment"),
    "audit_kind_precheck": ("Pemeriksaan desa", "Village pre-check"),
    "audit_kind_forwarded": ("Diteruskan", "Forwarded"),
}
