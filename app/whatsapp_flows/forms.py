"""The catalog's Flow forms as this deployment builds them: the locker's file-size limits and
the office's date. What `loket flows export` prints, `loket flows publish` uploads and the
simulator renders should all come from `flow_for`."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.config import Settings
from app.flows.catalog import Catalog, Service
from app.flows.forms import FormLimits, build_flow
from app.flows.forms.limits import MAX_FILE_SIZE_KB
from app.locker import DocumentRequirement, LockerPolicy

LANGUAGES = ("id", "en")
# Where `app.flow_endpoint` serves the data endpoint; defined here, where the Flows are built
# and published, because this package never imports that one (it imports this).
ENDPOINT_PATH = "/webhooks/whatsapp/flows"


class UnknownForm(LookupError):
    """No Flow form for this service code: unknown, or chat only (`flow: false`)."""


def form_limits(policy: LockerPolicy | None = None) -> FormLimits:
    """Pickers refuse files the locker would refuse anyway: a photo above Meta's image limit
    (the media worker fetches it as an image), a file above the document limit."""
    policy = policy or LockerPolicy()
    photo = policy.size_limit(DocumentRequirement("photo", kinds=("image",)), "image")
    document = policy.size_limit(DocumentRequirement("file"), "document")
    return FormLimits(
        photo_max_kb=min(MAX_FILE_SIZE_KB, photo // 1024),
        document_max_kb=min(MAX_FILE_SIZE_KB, document // 1024),
    )


def form_services(catalog: Catalog, code: str | None = None) -> list[Service]:
    """The services that have a form (all, or the one named); raises `UnknownForm`."""
    if code is None:
        return [service for service in catalog.ordered if service.flow]
    service = catalog.services.get(code)
    if service is None:
        known = ", ".join(catalog.services)
        raise UnknownForm(f"unknown service '{code}' (the catalog has: {known})")
    if not service.flow:
        raise UnknownForm(f"service '{code}' is chat only (flow: false in its catalog file)")
    return [service]


def endpoint_configured(settings: Settings) -> bool:
    """True when the data endpoint can answer (its private key is set): forms then check the
    NIK inside the form (`app.flows.forms.identity_check`)."""
    return settings.whatsapp_flows_private_key is not None


def endpoint_uri(settings: Settings) -> str | None:
    """The data endpoint's public address, the Flows' `endpoint_uri` (None: no endpoint is
    configured). Built from `LOKET_PUBLIC_BASE_URL`; whether Meta accepts it is checked by
    `loket flows publish`."""
    if not endpoint_configured(settings):
        return None
    return settings.public_base_url.rstrip("/") + ENDPOINT_PATH


def flow_for(
    service: Service, language: str, *, today: date, endpoint: bool = False
) -> dict[str, Any]:
    """The Flow JSON of `service` in `language`, with this deployment's limits; `endpoint`:
    the data endpoint is configured (see `endpoint_configured`)."""
    return build_flow(service, language, today=today, limits=form_limits(), endpoint=endpoint)
