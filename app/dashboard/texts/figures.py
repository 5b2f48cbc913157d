"""Strings of the figures page (charts and their tables) and of the CSV/XLSX export."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (Bahasa Indonesia, English)
    "fig_title": ("Angka layanan", "Service figures"),
    "fig_intro": (
        "Angka di bawah ini hanya mencakup permohonan di wilayah kerja Anda.",
        "The figures below cover only the requests of your offices.",
    ),
    "fig_from": ("Dari tanggal", "From"),
    "fig_to": ("Sampai tanggal", "To"),
    "fig_office": ("Kantor", "Office"),
    "fig_all_offices": ("Semua kantor", "All offices"),
    "fig_service": ("Layanan", "Service"),
    "fig_all_services": ("Semua layanan", "All services"),
    "fig_show": ("Tampilkan", "Show"),
    "fig_period": ("Periode", "Period"),
    "fig_err_date": (
        "Tanggal tidak valid. Gunakan format TTTT-BB-HH, misalnya 2026-11-20.",
        "Invalid date. Use the format YYYY-MM-DD, for example 2026-11-20.",
    ),
    "fig_err_order": (
        "Tanggal awal harus sebelum atau sama dengan tanggal akhir.",
        "The start date must be on or before the end date.",
    ),
    "fig_err_span": (
        "Periode paling lama 366 hari.",
        "The period can be at most 366 days.",
    ),
    "fig_err_office": (
        "Kantor tidak dikenal atau di luar wilayah kerja Anda.",
        "Unknown office, or outside your offices.",
    ),
    "fig_err_service": ("Layanan tidak dikenal.", "Unknown service."),
    "fig_no_data": ("Tidak ada data pada periode ini.", "No data in this period."),
    "fig_total": ("Jumlah", "Total"),
    "fig_all": ("Semua", "All"),
    "fig_col_day": ("Tanggal", "Date"),
    "fig_col_service": ("Layanan", "Service"),
    "fig_col_office": ("Kantor", "Office"),
    "fig_per_day_title": ("Permohonan per hari", "Requests per day"),
    "fig_per_day_basis": (
        "Menurut tanggal pengajuan, per layanan.",
        "By submission date, per service.",
    ),
    "fig_turnaround_title": ("Median waktu penyelesaian", "Median turnaround"),
    "fig_turnaround_basis": (
        "Dari pengajuan sampai selesai, dalam hari; permohonan yang selesai pada periode ini.",
        "From submission to completion, in days; requests completed in this period.",
    ),
    "fig_col_completed": ("Selesai", "Completed"),
    "fig_col_median_days": ("Median (hari)", "Median (days)"),
    "fig_days": ("hari", "days"),
    "fig_on_time_title": ("Selesai tepat waktu", "Completed on time"),
    "fig_on_time_basis": (
        "Permohonan yang selesai pada periode ini, selesai paling lambat pada tanggal tenggat.",
        "Requests completed in this period, finished on or before their due date.",
    ),
    "fig_col_on_time": ("Tepat waktu", "On time"),
    "fig_col_share": ("Persentase", "Share"),
    "fig_first_review_title": (
        "Diterima pada pemeriksaan pertama",
        "Accepted at first review",
    ),
    "fig_first_review_basis": (
        "Permohonan yang diajukan pada periode ini dan sudah diperiksa, "
        "tanpa pernah diminta perbaikan.",
        "Requests submitted in this period that reached review and were never sent back "
        "for correction.",
    ),
    "fig_col_reviewed": ("Sudah diperiksa", "Reviewed"),
    "fig_col_accepted": ("Diterima langsung", "Accepted first time"),
    "fig_ikm_title": ("Indeks Kepuasan Masyarakat (IKM)", "Satisfaction index (IKM)"),
    "fig_ikm_basis": (
        "Survei yang dijawab pada periode ini; nilai 25–100, mutu A–D (Permenpan RB 14/2017).",
        "Surveys answered in this period; index 25–100, grade A–D (Permenpan RB 14/2017).",
    ),
    "fig_ikm_by_office": ("IKM per kantor", "IKM by office"),
    "fig_ikm_by_service": ("IKM per layanan", "IKM by service"),
    "fig_col_responses": ("Responden", "Responses"),
    "fig_col_ikm": ("IKM", "IKM"),
    "fig_col_grade": ("Mutu", "Grade"),
    "fig_unknown_office": ("(kantor dihapus)", "(office removed)"),
    "fig_export": ("Unduh daftar permohonan", "Download the request list"),
    "fig_export_hint": (
        "Permohonan yang diajukan pada periode, kantor dan layanan di atas (NIK disamarkan).",
        "Requests submitted in the period, office and service above (NIK masked).",
    ),
    "fig_export_csv": ("Unduh CSV", "Download CSV"),
    "fig_export_xlsx": ("Unduh Excel (XLSX)", "Download Excel (XLSX)"),
    "fig_chart_per_day": (
        "Diagram batang bertumpuk permohonan per hari; datanya ada di tabel di bawahnya.",
        "Stacked bar chart of requests per day; its data is in the table below.",
    ),
    "fig_chart_bars": (
        "Diagram batang; datanya ada di tabel di bawahnya.",
        "Bar chart; its data is in the table below.",
    ),
    # The export file.
    "export_sheet": ("Permohonan", "Requests"),
    "export_col_ticket": ("Tiket", "Ticket"),
    "export_col_service": ("Layanan", "Service"),
    "export_col_variant": ("Jenis", "Variant"),
    "export_col_status": ("Status", "Status"),
    "export_col_office": ("Kode kantor", "Office code"),
    "export_col_channel": ("Saluran", "Channel"),
    "export_col_submitted_at": ("Diajukan pada", "Submitted at"),
    "export_col_due_date": ("Tenggat", "Due date"),
    "export_col_completed_at": ("Selesai pada", "Completed at"),
    "export_col_on_time": ("Tepat waktu", "On time"),
    "export_col_name": ("Nama pemohon", "Applicant's name"),
    "export_col_profile": ("Nama profil WhatsApp", "WhatsApp profile name"),
    "export_col_phone": ("Nomor WhatsApp", "Phone (WhatsApp)"),
    "export_col_nik": ("NIK (disamarkan)", "NIK (masked)"),
    "export_yes": ("ya", "yes"),
    "export_no": ("tidak", "no"),
    "export_channel_whatsapp": ("WhatsApp", "WhatsApp"),
    "export_channel_counter": ("Loket", "Counter"),
    "export_truncated": (
        "Daftar dipotong pada {limit} baris. Persempit filter untuk mengunduh sisanya.",
        "The list was cut at {limit} rows. Narrow the filters to download the rest.",
    ),
    "export_bad_filter_title": ("Filter tidak valid", "Invalid filter"),
}
