"""The forms as this deployment builds them: pickers take what the locker would take."""

from __future__ import annotations

import pytest

from app.flows.catalog import shipped_catalog
from app.flows.forms import FormLimits
from app.locker.policy import LockerPolicy, MiB
from app.whatsapp_flows.forms import UnknownForm, form_limits, form_services


def test_picker_sizes_follow_the_lockers_limits() -> None:
    # Photos: Meta's 5 MiB image limit (the media worker fetches them as images); files: the
    # pickers' own 25 MiB ceiling, under the locker's 100 MiB.
    assert form_limits() == FormLimits(photo_max_kb=5120, document_max_kb=25600)
    assert form_limits(LockerPolicy(max_bytes=2 * MiB)) == FormLimits(
        photo_max_kb=2048, document_max_kb=2048
    )


def test_form_services_names_unknown_codes() -> None:
    catalog = shipped_catalog()
    assert [s.code for s in form_services(catalog, "kk")] == ["kk"]
    assert len(form_services(catalog)) == 7
    with pytest.raises(UnknownForm, match="unknown service 'paspor'"):
        form_services(catalog, "paspor")
