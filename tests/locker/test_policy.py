from __future__ import annotations

import pytest

from app.locker.policy import DocumentRequirement, LockerPolicy, MiB


def test_size_limit_is_the_smallest_of_meta_requirement_and_policy() -> None:
    policy = LockerPolicy()
    ktp = DocumentRequirement("ktp")
    assert policy.size_limit(ktp, "image") == 5 * MiB
    assert policy.size_limit(ktp, "document") == 100 * MiB
    assert policy.size_limit(ktp, None) == 100 * MiB  # unknown kind: Meta's largest
    assert policy.size_limit(ktp, "sticker") == 500 * 1024
    small = DocumentRequirement("pasfoto", kinds=("image",), max_bytes=2 * MiB)
    assert policy.size_limit(small, "document") == 2 * MiB
    assert LockerPolicy(max_bytes=10 * MiB).size_limit(ktp, "document") == 10 * MiB


def test_retry_delay_backs_off_exponentially_with_a_cap() -> None:
    policy = LockerPolicy(retry_base_seconds=1.0, retry_max_seconds=5.0)
    assert [policy.retry_delay(n) for n in range(1, 6)] == [1.0, 2.0, 4.0, 5.0, 5.0]


def test_requirement() -> None:
    kk = DocumentRequirement("kk_scan", kind="kk")
    assert kk.document_kind == "kk"
    assert DocumentRequirement("kk").document_kind == "kk"
    assert DocumentRequirement("x", kinds=("pdf",)).mime_types == {"application/pdf"}
    assert kk.mime_types == {"image/jpeg", "image/png", "application/pdf"}
    with pytest.raises(ValueError, match="unknown file kinds"):
        DocumentRequirement("x", kinds=("video",))
    with pytest.raises(ValueError):
        DocumentRequirement("x", kinds=())
