"""Strings of the counter intake pages (/dashboard/counter): the steps, hints and every error.

`counter_err_<code>` is the text for a form error code: the bot's validator codes (so the
operator reads the same reason the chat would give, worded for staff), the locker's refusal
reasons as `doc_<reason>`, and the counter's own codes. Placeholders are `str.format` names.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (Bahasa Indonesia, English)
    "counter_title": ("Catat permohonan di loket", "Take down a request at the counter"),
    "counter_intro": (
        "Untuk warga yang datang ke kantor: pilih layanan, lalu isi nomor WhatsApp dan/atau NIK "
        "warga. Warga menerima nomor permohonan lewat WhatsApp dan dapat mengikutinya di sana.",
        "For a resident at the office: pick the service, then enter the resident's WhatsApp "
        "number and/or NIK. The resident gets the request number on WhatsApp and follows it there.",
    ),
    "counter_service": ("Layanan", "Service"),
    "counter_choose": ("— pilih —", "— choose —"),
    "counter_phone": ("Nomor HP (WhatsApp) warga", "Resident's mobile (WhatsApp) number"),
    "counter_nik": ("NIK warga", "Resident's NIK"),
    "counter_identity_hint": (
        "Isi nomor HP. Bila warga sudah pernah mengajukan permohonan, NIK saja sudah cukup.",
        "Enter the phone number. If the resident has applied before, the NIK alone is enough.",
    ),
    "counter_phone_placeholder": ("0812 3456 7890", "0812 3456 7890"),
    "counter_next": ("Lanjut", "Continue"),
    "counter_applicant": ("Pemohon", "Applicant"),
    "counter_known_resident": ("sudah terdaftar", "already known"),
    "counter_new_resident": (
        "warga baru, didaftarkan saat permohonan dikirim",
        "new resident, registered when the request is sent",
    ),
    "counter_change": ("Ganti layanan atau pemohon", "Change the service or the applicant"),
    "counter_office": ("Kantor tempat permohonan dicatat", "Office taking the request"),
    "counter_answers": ("Data permohonan", "Request details"),
    "counter_documents": ("Dokumen (foto atau PDF)", "Documents (photos or PDF)"),
    "counter_optional": ("opsional", "optional"),
    "counter_example": ("Contoh: {example}", "Example: {example}"),
    "counter_date_hint": (
        "Contoh: 17-08-1990 atau 17 Agustus 1990",
        "Example: 17-08-1990 or 17 August 1990",
    ),
    "counter_date_placeholder": ("hh-bb-tttt", "dd-mm-yyyy"),
    "counter_only_when": ("Hanya bila {label}: {values}", "Only when {label}: {values}"),
    "counter_kinds_image": ("foto (JPG atau PNG)", "a photo (JPG or PNG)"),
    "counter_kinds_pdf": ("file PDF", "a PDF file"),
    "counter_kinds_image_pdf": ("foto (JPG atau PNG) atau PDF", "a photo (JPG or PNG) or a PDF"),
    "counter_files_single": ("1 file, paling besar 10 MB", "1 file, at most 10 MB"),
    "counter_files_range": (
        "{min} sampai {max} file, masing-masing paling besar 10 MB",
        "{min} to {max} files, at most 10 MB each",
    ),
    "counter_submit": ("Kirim permohonan", "Submit the request"),
    "counter_fix_errors": (
        "Permohonan belum dikirim. Periksa isian yang ditandai.",
        "The request was not sent. Please check the marked entries.",
    ),
    "counter_reselect_files": (
        "File perlu dipilih ulang sebelum mengirim lagi.",
        "Files must be chosen again before sending.",
    ),
    "counter_done": (
        "Permohonan sudah dicatat. Nomor permohonan dikirim ke WhatsApp warga.",
        "The request was recorded. Its number was sent to the resident's WhatsApp.",
    ),
    "counter_recorded_elsewhere": (
        "Permohonan {ticket} sudah dicatat dan diteruskan ke kantor yang menanganinya. Nomor "
        "permohonan dikirim ke WhatsApp warga.",
        "Request {ticket} was recorded and passed to the office that handles it. Its number was "
        "sent to the resident's WhatsApp.",
    ),
    "counter_warn_nik_birth_date_mismatch": (
        "Tanggal lahir berbeda dengan tanggal di NIK. Boleh tetap dikirim; mohon periksa lagi.",
        "The birth date differs from the date in the NIK. It may still be sent; please check.",
    ),
    "counter_warn_nik_sex_mismatch": (
        "Jenis kelamin berbeda dengan NIK. Boleh tetap dikirim; mohon periksa lagi.",
        "The sex differs from the NIK. It may still be sent; please check.",
    ),
    # Step 1: service, applicant, office.
    "counter_err_service": ("Pilih layanan.", "Choose a service."),
    "counter_err_variant": ("Pilih jenis permohonan.", "Choose the kind of request."),
    "counter_err_identity_missing": (
        "Isi nomor HP warga (atau NIK bila warga sudah pernah mengajukan).",
        "Enter the resident's phone number (or the NIK if they have applied before).",
    ),
    "counter_err_nik_unknown": (
        "Belum ada permohonan dengan NIK ini di wilayah kerja Anda. Isi nomor HP warga.",
        "No request in your offices has this NIK. Enter the resident's phone number.",
    ),
    "counter_err_nik_ambiguous": (
        "NIK ini dipakai lebih dari satu warga. Isi nomor HP warga.",
        "More than one resident used this NIK. Enter the resident's phone number.",
    ),
    "counter_err_office": ("Pilih kantor.", "Choose an office."),
    # Answers: the chat validator's codes.
    "counter_err_empty": ("Wajib diisi.", "Required."),
    "counter_err_invalid": ("Isian tidak valid.", "Invalid entry."),
    "counter_err_nik_length": (
        "NIK berisi {count} angka; NIK harus 16 angka.",
        "The NIK has {count} digits; it must have 16.",
    ),
    "counter_err_nik_digits": ("NIK hanya berisi angka (16 digit).", "An NIK is 16 digits only."),
    "counter_err_nik_province": (
        "Dua angka pertama NIK ({province}) bukan kode provinsi.",
        "The first two digits of the NIK ({province}) are not a province code.",
    ),
    "counter_err_nik_date": (
        "Angka ke-7 sampai 12 NIK bukan tanggal lahir yang benar.",
        "Digits 7 to 12 of the NIK are not a valid birth date.",
    ),
    "counter_err_nik_serial": (
        "Empat angka terakhir NIK tidak boleh 0000.",
        "The last four digits of the NIK cannot be 0000.",
    ),
    "counter_err_nik_several": (
        "Ada {count} nomor 16 angka. Isi satu NIK saja.",
        "There are {count} numbers of 16 digits. Enter one NIK only.",
    ),
    "counter_err_kk_length": (
        "Nomor KK berisi {count} angka; harus 16 angka.",
        "The KK number has {count} digits; it must have 16.",
    ),
    "counter_err_kk_digits": (
        "Nomor KK hanya berisi angka (16 digit).",
        "A KK number is 16 digits only.",
    ),
    "counter_err_kk_province": (
        "Dua angka pertama nomor KK ({province}) bukan kode provinsi.",
        "The first two digits of the KK number ({province}) are not a province code.",
    ),
    "counter_err_kk_date": (
        "Angka ke-7 sampai 12 nomor KK bukan tanggal yang benar.",
        "Digits 7 to 12 of the KK number are not a valid date.",
    ),
    "counter_err_kk_same_as_nik": (
        "Ini NIK, bukan nomor KK. Nomor KK ada di bagian atas Kartu Keluarga.",
        "This is the NIK, not the KK number, which is at the top of the family card.",
    ),
    "counter_err_kk_several": (
        "Ada {count} nomor 16 angka. Isi satu nomor KK saja.",
        "There are {count} numbers of 16 digits. Enter one KK number only.",
    ),
    "counter_err_date_format": (
        "Tanggal tidak terbaca. Contoh: 17-08-1990 atau 17 Agustus 1990.",
        "The date cannot be read. Example: 17-08-1990 or 17 August 1990.",
    ),
    "counter_err_date_future": ("Tanggal ini belum terjadi.", "This date is in the future."),
    "counter_err_date_past": ("Tanggal ini sudah lewat.", "This date has passed."),
    "counter_err_date_several": ("Ada lebih dari satu tanggal.", "There is more than one date."),
    "counter_err_date_inexact": (
        "Isi tanggal yang pasti. Contoh: {example}.",
        "Enter the exact date. Example: {example}.",
    ),
    "counter_err_date_no_year": ("Tahunnya belum diisi.", "The year is missing."),
    "counter_err_date_impossible": (
        "Tanggal ini tidak ada di kalender.",
        "This date does not exist on the calendar.",
    ),
    "counter_err_phone": (
        "Nomor HP seluler belum benar. Contoh: 0812 3456 7890.",
        "Not a valid mobile number. Example: 0812 3456 7890.",
    ),
    "counter_err_phone_chars": (
        "Nomor HP hanya boleh berisi angka. Contoh: 0812 3456 7890.",
        "A phone number can only contain digits. Example: 0812 3456 7890.",
    ),
    "counter_err_phone_short": (
        "Nomor HP kurang angka (HP: 10–13 angka, diawali 08).",
        "Too few digits (a mobile number has 10–13, starting with 08).",
    ),
    "counter_err_phone_long": (
        "Nomor HP kelebihan angka (HP: 10–13 angka, diawali 08).",
        "Too many digits (a mobile number has 10–13, starting with 08).",
    ),
    "counter_err_name_digits": ("Nama tidak boleh berisi angka.", "A name cannot contain digits."),
    "counter_err_name_short": ("Nama terlalu pendek.", "The name is too short."),
    "counter_err_name_chars": ("Nama hanya boleh berisi huruf.", "Only letters in a name."),
    "counter_err_name_sentence": ("Isi namanya saja.", "Enter the name only."),
    "counter_err_name_unclear": ("Nama tidak terbaca.", "The name cannot be read."),
    "counter_err_number_format": ("Isi dengan angka saja.", "Enter a number only."),
    "counter_err_number_range": (
        "Angkanya harus antara {min} dan {max}.",
        "The number must be between {min} and {max}.",
    ),
    "counter_err_number_several": ("Isi satu angka saja.", "Enter one number only."),
    "counter_err_number_total": ("Isi jumlah seluruhnya.", "Enter the total."),
    "counter_err_choice": ("Pilih salah satu pilihan.", "Choose one of the options."),
    "counter_err_text_long": (
        "Terlalu panjang: paling banyak {max} huruf.",
        "Too long: at most {max} characters.",
    ),
    "counter_err_not_an_answer": (
        "Isian ini berupa pertanyaan, salam, atau perintah, bukan jawaban.",
        "This entry is a question, a greeting or a command, not an answer.",
    ),
    # Documents: counts, then the locker's refusal reasons.
    "counter_err_total_size": (
        "Semua file bersama-sama melebihi {limit}. Kirim foto yang lebih kecil.",
        "All files together exceed {limit}. Please use smaller photos.",
    ),
    "counter_err_doc_missing": (
        "Perlu paling sedikit {min} file.",
        "At least {min} file(s) needed.",
    ),
    "counter_err_doc_too_many": ("Paling banyak {max} file.", "At most {max} files."),
    "counter_err_doc_not_needed": (
        "Dokumen ini tidak diperlukan untuk jawaban di atas. Kosongkan pilihan filenya.",
        "This document is not needed for the answers above. Clear its file choice.",
    ),
    "counter_err_doc_wrong_type": (
        "Jenis file tidak sesuai. Yang diterima: {kinds}.",
        "Wrong file type. Accepted: {kinds}.",
    ),
    "counter_err_doc_too_large": (
        "File terlalu besar (paling besar {limit}).",
        "The file is too large (at most {limit}).",
    ),
    "counter_err_doc_too_many_pixels": (
        "Gambar terlalu besar ukurannya (paling besar {megapixels} megapiksel). "
        "Foto ulang dengan kamera biasa, atau perkecil gambarnya.",
        "The image has too many pixels (at most {megapixels} megapixels). "
        "Take it again with a normal camera, or scale it down.",
    ),
    "counter_err_doc_unreadable": (
        "Foto tidak dapat dibuka. Foto ulang dokumennya.",
        "The photo cannot be opened. Take it again.",
    ),
    "counter_err_doc_too_small": (
        "Foto terlalu kecil. Foto lebih dekat sehingga dokumen memenuhi gambar.",
        "The photo is too small. Take it closer so the document fills the picture.",
    ),
    "counter_err_doc_blurred": (
        "Foto buram. Foto ulang di tempat terang dengan seluruh dokumen terlihat.",
        "The photo is blurred. Take it again in good light with the whole document visible.",
    ),
    "counter_err_doc_too_dark": (
        "Foto terlalu gelap. Foto ulang di tempat yang lebih terang.",
        "The photo is too dark. Take it again somewhere brighter.",
    ),
    "counter_err_doc_too_bright": (
        "Foto terlalu terang (silau). Foto ulang tanpa lampu kilat atau pantulan.",
        "The photo is too bright. Take it again without flash or glare.",
    ),
    "counter_err_doc_pdf_encrypted": (
        "PDF dikunci kata sandi. Gunakan PDF tanpa kata sandi.",
        "The PDF is password-protected. Use one without a password.",
    ),
    "counter_err_doc_pdf_unreadable": (
        "PDF tidak dapat dibuka. Pindai ulang, atau unggah fotonya.",
        "The PDF cannot be opened. Scan it again, or upload a photo.",
    ),
    "counter_err_doc_pdf_too_many_pages": (
        "PDF terlalu banyak halaman (paling banyak {max_pages}).",
        "The PDF has too many pages (at most {max_pages}).",
    ),
    "counter_err_doc_pdf_javascript": (
        "PDF berisi skrip dan tidak dapat diterima. Unggah PDF biasa atau fotonya.",
        "The PDF contains scripts and cannot be accepted. Upload a plain PDF or a photo.",
    ),
    "counter_err_doc_unavailable": (
        "File gagal disimpan. Coba kirim lagi.",
        "The file could not be stored. Please try again.",
    ),
}
