"""What the renewal form of KM Bintang Laut opens with: the prefill the memory of the golden
`memory_sipi_one_message` gives, shared by the engine test and the simulator's browser test."""

from __future__ import annotations

from typing import Any

PREFILL: dict[str, Any] = {
    "nik": "7307011203850002",
    "nama": "Andi Baso",
    "no_hp": "081234567890",
    "nama_kapal": "KM Bintang Laut",
    "gt": "12",
    "alat_tangkap": "pancing_ulur",
    "no_sipi_lama": "",
    "sipi_berlaku_sampai": "2026-12-31",
    "ada_perubahan": "tidak",
    "held_bkp": True,
    "held_pas_kapal": True,
    "held_nib": True,
    "held_ktp_pemilik": True,
}
