"""The service catalog: one YAML file per service, in this folder or in `LOKET_CATALOG_DIR`."""

from __future__ import annotations

from app.flows.catalog.loader import (
    SHIPPED_DIR,
    SPEC_VERSION,
    SPEC_VERSIONS,
    Catalog,
    CatalogError,
    CatalogInvalid,
    check_catalog,
    load_catalog,
    shipped_catalog,
)
from app.flows.catalog.schema import (
    Choice,
    DocumentSpec,
    Fee,
    FieldSpec,
    LocalText,
    Service,
    Variant,
)

__all__ = [
    "SHIPPED_DIR",
    "SPEC_VERSION",
    "SPEC_VERSIONS",
    "Catalog",
    "CatalogError",
    "CatalogInvalid",
    "Choice",
    "DocumentSpec",
    "Fee",
    "FieldSpec",
    "LocalText",
    "Service",
    "Variant",
    "check_catalog",
    "load_catalog",
    "shipped_catalog",
]
