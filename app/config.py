"""One settings class for the whole service (contract §3).

Values come from environment variables and a `.env` file. Sandbox mode is simply "no WhatsApp
access token": nothing goes to Meta and replies land in the simulator. Live mode refuses to start
while any of the four WhatsApp values is missing, so a half-configured deployment fails at boot
instead of silently dropping messages.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
from datetime import date, time
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.encryption_keys import parse_encryption_keys
from app.flow_endpoint_keys import FlowKeyError, load_configured_key

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./var/loket.db"
DEFAULT_API_VERSION = "v25.0"
_LIVE_REQUIRED = (
    "WHATSAPP_PHONE_NUMBER_ID",
    "WHATSAPP_APP_SECRET",
    "WHATSAPP_VERIFY_TOKEN",
)


# An HMAC key for session cookies: shorter than SHA-256's output is guessable offline from one
# cookie; an empty one lets anybody sign `{"operator_id": 1}`.
MIN_SECRET_KEY_BYTES = 32


_HOURS = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*-\s*(\d{1,2})[:.](\d{2})\s*$")


def _parse_hours(value: str) -> tuple[time, time]:
    """ "08:00-16:00" (or "08.00-16.00") as (opening, closing)."""
    match = _HOURS.match(value)
    try:
        if match is None:
            raise ValueError(value)
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        return time(h1, m1), time(h2, m2)
    except ValueError as exc:
        raise ValueError(f"LOKET_OFFICE_HOURS: {value!r} is not like 08:00-16:00") from exc


class ConfigError(ValueError):
    """The configuration cannot run; the message says what to set."""


class Settings(BaseSettings):
    """Every knob of Loket. Build one with `Settings()` (environment) or pass values in tests."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    database_url: str = Field(DEFAULT_DATABASE_URL, alias="DATABASE_URL")
    locker_url: str = Field("file:./var/locker", alias="LOCKER_URL")
    s3_endpoint_url: str | None = Field(None, alias="S3_ENDPOINT_URL")
    secret_key: SecretStr | None = Field(None, alias="LOKET_SECRET_KEY")
    encryption_key: SecretStr | None = Field(None, alias="LOKET_ENCRYPTION_KEY")
    timezone: str = Field("Asia/Jakarta", alias="LOKET_TIMEZONE")
    catalog_dir: Path | None = Field(None, alias="LOKET_CATALOG_DIR")
    var_dir: Path = Field(Path("./var"), alias="LOKET_VAR_DIR")
    # How the bot names the office in its greeting ("layanan WhatsApp resmi …").
    office_name: str = Field("Disdukcapil", min_length=1, alias="LOKET_OFFICE_NAME")
    # The office's Kemendagri region code (province 2, regency 4 or district 6 digits, e.g.
    # 7307 for Sinjai): a NIK first registered elsewhere is pointed out, never refused.
    office_region: str | None = Field(None, alias="LOKET_OFFICE_REGION")

    whatsapp_access_token: SecretStr | None = Field(None, alias="WHATSAPP_ACCESS_TOKEN")
    whatsapp_phone_number_id: str | None = Field(None, alias="WHATSAPP_PHONE_NUMBER_ID")
    whatsapp_app_secret: SecretStr | None = Field(None, alias="WHATSAPP_APP_SECRET")
    whatsapp_verify_token: SecretStr | None = Field(None, alias="WHATSAPP_VERIFY_TOKEN")
    # Only `loket flows publish` needs it: Flows belong to the business account, not the number.
    whatsapp_business_account_id: str | None = Field(None, alias="WHATSAPP_BUSINESS_ACCOUNT_ID")
    whatsapp_api_base_url: str = Field("https://graph.facebook.com", alias="WHATSAPP_API_BASE_URL")
    whatsapp_api_version: str = Field(DEFAULT_API_VERSION, alias="WHATSAPP_API_VERSION")
    # How long one Graph call may take before it counts as "no answer" (the outbox then retries:
    # Meta may have taken the message, so a retry can deliver it twice).
    whatsapp_api_timeout_seconds: float = Field(
        30.0, gt=0, le=600, alias="WHATSAPP_API_TIMEOUT_SECONDS"
    )
    # The Flows data endpoint's RSA private key: PEM text or a PEM file's path, and its
    # passphrase when encrypted (`loket flows keygen` makes a pair). Unset: the endpoint says so.
    whatsapp_flows_private_key: SecretStr | None = Field(None, alias="WHATSAPP_FLOWS_PRIVATE_KEY")
    whatsapp_flows_private_key_passphrase: SecretStr | None = Field(
        None, alias="WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE"
    )
    # How long a form sent to a resident stays usable (Meta suggests 2-3 days).
    flow_token_hours: float = Field(72.0, gt=0, le=30 * 24, alias="LOKET_FLOW_TOKEN_HOURS")
    # The data endpoint's time for fetching and checking a form's files, inside WhatsApp's 10 s.
    flows_file_budget_seconds: float = Field(
        7.0, gt=0, le=9.0, alias="LOKET_FLOWS_FILE_BUDGET_SECONDS"
    )

    service_window_hours: int = Field(24, ge=0, alias="LOKET_SERVICE_WINDOW_HOURS")
    # Which WhatsApp Flow forms are offered beside the chat (app/whatsapp_flows/offer.py):
    # "published" (in the record `loket flows publish` keeps), "catalog" (every form of the
    # catalog, for the simulator), or "off".
    flow_forms: Literal["published", "catalog", "off"] = Field(
        "published", alias="LOKET_FLOW_FORMS"
    )
    retry_base_seconds: float = Field(4.0, gt=0, alias="LOKET_RETRY_BASE_SECONDS")
    max_send_attempts: int = Field(8, ge=1, alias="LOKET_MAX_SEND_ATTEMPTS")
    webhook_max_body_bytes: int = Field(4 * 1024 * 1024, ge=1024, alias="LOKET_WEBHOOK_MAX_BYTES")
    # Group commit: the webhook waits at most this long for other deliveries to share one fsync.
    ingest_batch_wait_ms: float = Field(2.0, ge=0, alias="LOKET_INGEST_BATCH_WAIT_MS")
    ingest_batch_max: int = Field(256, ge=1, alias="LOKET_INGEST_BATCH_MAX")
    # PostgreSQL only (SQLite has one writer): group commits one process has in flight at once.
    ingest_batches_in_flight: int = Field(2, ge=1, le=16, alias="LOKET_INGEST_BATCHES_IN_FLIGHT")
    worker_poll_seconds: float = Field(0.5, gt=0, alias="LOKET_WORKER_POLL_SECONDS")
    worker_lease_seconds: float = Field(60.0, gt=0, alias="LOKET_WORKER_LEASE_SECONDS")
    # PostgreSQL: workers LISTEN for NOTIFY of new inbox/outbox rows and wake at once; the poll
    # above stays as the fallback for a lost notification (app/workers/wakeups.py).
    worker_listen: bool = Field(True, alias="LOKET_WORKER_LISTEN")
    # Messages per second one process sends to Meta (Meta's default per-number limit is 80/s;
    # with several worker processes, divide the number's limit between them).
    send_rate_per_second: float = Field(80.0, gt=0, le=1000, alias="LOKET_SEND_RATE_PER_SECOND")
    # Residents whose outbox one process drains at once (each resident stays in order).
    outbox_concurrency: int = Field(32, ge=1, le=256, alias="LOKET_OUTBOX_CONCURRENCY")
    # Media jobs (downloads from Meta, intake checks) run this many at a time per process; one
    # resident's files stay one at a time, in order.
    media_concurrency: int = Field(4, ge=1, le=64, alias="LOKET_MEDIA_CONCURRENCY")
    # UU PDP: files of finished requests are deleted this many days after the request ended,
    # unless the resident agreed to keep them for reuse.
    retention_days: int = Field(90, ge=1, alias="LOKET_RETENTION_DAYS")
    # Due dates count working days: Monday–Friday that are neither national holidays nor listed
    # here (comma-separated YYYY-MM-DD: cuti bersama, regional days off). A request that arrives
    # after the office closes, or on a day off, counts from the next working day.
    holidays: str = Field("", alias="LOKET_HOLIDAYS")
    office_hours: str = Field("08:00-16:00", alias="LOKET_OFFICE_HOURS")
    # A hand-off no officer ends within this many working hours (office hours, days off
    # skipped) goes back to the bot with a word to the resident; 0 = wait for an officer forever.
    handoff_timeout_hours: float = Field(8.0, ge=0, alias="LOKET_HANDOFF_TIMEOUT_HOURS")
    # Uncollected pickups: a reminder every this many working days, at most this many times.
    pickup_reminder_days: int = Field(3, ge=1, alias="LOKET_PICKUP_REMINDER_DAYS")
    pickup_reminders_max: int = Field(2, ge=0, alias="LOKET_PICKUP_REMINDERS_MAX")
    log_level: str = Field("INFO", alias="LOKET_LOG_LEVEL")
    log_json: bool = Field(True, alias="LOKET_LOG_JSON")
    # Addresses whose X-Forwarded-For/-Proto are believed (the reverse proxy's); comma-separated
    # IPs or networks, or "*". The client address matters: audit rows and the login throttle.
    forwarded_allow_ips: str = Field("127.0.0.1,::1", alias="LOKET_FORWARDED_ALLOW_IPS")
    # When set, GET /metrics needs `Authorization: Bearer <this>`.
    metrics_token: SecretStr | None = Field(None, alias="LOKET_METRICS_TOKEN")
    # /docs, /redoc and /openapi.json; unset means on in sandbox mode and off in live mode.
    api_docs: bool | None = Field(None, alias="LOKET_API_DOCS")
    # Webhook bodies being read at once, in bytes (at least one body of the limit); beyond it a
    # delivery gets 503 with Retry-After, which Meta retries.
    webhook_inflight_bytes: int = Field(
        16 * 1024 * 1024, ge=1024, alias="LOKET_WEBHOOK_INFLIGHT_BYTES"
    )
    # This server's public address. Issued documents (app/requests/issued.py): the verification
    # page, as printed in the QR code on a signed PDF, is `<this>/v/<code>`. With the Flows data
    # endpoint configured, `loket flows publish` gives Meta `<this>/webhooks/whatsapp/flows`
    # (https only).
    public_base_url: str = Field("http://localhost:8000", alias="LOKET_PUBLIC_BASE_URL")
    # Refuse an uploaded issued PDF that carries no valid signature (when Loket does not sign it).
    issued_require_signature: bool = Field(False, alias="LOKET_ISSUED_REQUIRE_SIGNATURE")
    issued_max_bytes: int = Field(10 * 1024 * 1024, ge=1024, alias="LOKET_ISSUED_MAX_BYTES")
    # The office's own PKCS#12 certificate: when set, Loket signs each issued PDF itself (PAdES).
    signing_pkcs12_path: Path | None = Field(None, alias="LOKET_SIGNING_PKCS12")
    signing_pkcs12_password: SecretStr | None = Field(None, alias="LOKET_SIGNING_PKCS12_PASSWORD")
    # PEM certificates a signature must chain to in order to count as valid; unset: any intact
    # signature whose certificate is well-formed counts.
    signing_trust_roots: Path | None = Field(None, alias="LOKET_SIGNING_TRUST_ROOTS")
    # Lookups of the public verification page per client address: a burst, then one per N seconds.
    verify_burst: int = Field(10, ge=1, alias="LOKET_VERIFY_BURST")
    verify_refill_seconds: float = Field(6.0, gt=0, alias="LOKET_VERIFY_REFILL_SECONDS")

    @field_validator("whatsapp_api_base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"LOKET_TIMEZONE: unknown time zone {value!r}") from exc
        return value

    @field_validator("holidays")
    @classmethod
    def _holiday_dates(cls, value: str) -> str:
        for part in filter(None, (p.strip() for p in value.split(","))):
            try:
                date.fromisoformat(part)
            except ValueError as exc:
                raise ValueError(f"LOKET_HOLIDAYS: {part!r} is not a YYYY-MM-DD date") from exc
        return value

    @field_validator("office_region")
    @classmethod
    def _region_code(cls, value: str | None) -> str | None:
        value = (value or "").replace(".", "").strip()
        if value and not (value.isdecimal() and len(value) in {2, 4, 6}):
            raise ValueError("LOKET_OFFICE_REGION: a region code of 2, 4 or 6 digits, like 7307")
        return value or None

    @field_validator("office_hours")
    @classmethod
    def _opening_hours(cls, value: str) -> str:
        opening, closing = _parse_hours(value)
        if opening >= closing:
            raise ValueError("LOKET_OFFICE_HOURS: the office must open before it closes")
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        allowed = ("sqlite+aiosqlite://", "postgresql+asyncpg://", "postgresql+psycopg://")
        if not value.startswith(allowed):
            raise ValueError(
                "DATABASE_URL must use an async driver: sqlite+aiosqlite://, "
                "postgresql+asyncpg:// or postgresql+psycopg://"
            )
        return value

    @field_validator("locker_url")
    @classmethod
    def _locker_scheme(cls, value: str) -> str:
        if not value.startswith(("file:", "s3://")):
            raise ValueError("LOCKER_URL must start with file: or s3://")
        return value

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _trusted_proxies(cls, value: str) -> str:
        return parse_trusted_proxies(value)

    @field_validator("secret_key")
    @classmethod
    def _strong_secret_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            problem = _weak_key_problem(value.get_secret_value(), "LOKET_SECRET_KEY")
            if problem is not None:
                raise ValueError(problem)
        return value

    @field_validator("encryption_key")
    @classmethod
    def _usable_encryption_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return value
        if not value.get_secret_value().strip():
            raise ValueError(
                "LOKET_ENCRYPTION_KEY is set but empty: unset it to store files unencrypted, "
                "or give a base64 key of 32 bytes"
            )
        parse_encryption_keys(value.get_secret_value())  # ValueError says what is wrong
        return value

    @field_validator("whatsapp_app_secret", "metrics_token")
    @classmethod
    def _not_blank(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if value is not None and not value.get_secret_value().strip():
            # An empty app secret would make every signature check an HMAC with an empty key.
            name = str(cls.model_fields[info.field_name or ""].alias)
            raise ValueError(f"{name} is set but empty: give the value or unset it")
        return value

    @model_validator(mode="after")
    def _live_mode_complete(self) -> Settings:
        if self.whatsapp_access_token is None:
            return self
        missing = [name for name in _LIVE_REQUIRED if not self._raw(name)]
        if missing:
            raise ValueError(
                "live mode (WHATSAPP_ACCESS_TOKEN is set) also needs " + ", ".join(missing)
            )
        if self.secret_key is None:
            raise ValueError("live mode needs LOKET_SECRET_KEY to sign dashboard sessions")
        return self

    @model_validator(mode="after")
    def _usable_flows_key(self) -> Settings:
        # Loaded here, once: a malformed key, a wrong passphrase or a short key stops start-up
        # instead of failing every form a resident opens.
        if self.whatsapp_flows_private_key is not None:
            try:
                self._load_flows_key()
            except FlowKeyError as exc:
                raise ValueError(str(exc)) from None
        elif self.whatsapp_flows_private_key_passphrase is not None:
            raise ValueError(
                "WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE is set without WHATSAPP_FLOWS_PRIVATE_KEY"
            )
        return self

    def _load_flows_key(self) -> RSAPrivateKey:
        assert self.whatsapp_flows_private_key is not None
        passphrase = self.whatsapp_flows_private_key_passphrase
        return load_configured_key(
            self.whatsapp_flows_private_key.get_secret_value(),
            passphrase.get_secret_value() if passphrase is not None else None,
        )

    @model_validator(mode="after")
    def _lease_outlives_a_send(self) -> Settings:
        # A worker holds a resident's outbox lease while it waits for Meta's answer; a lease
        # that can run out meanwhile lets another worker send the same message again.
        if self.worker_lease_seconds <= self.whatsapp_api_timeout_seconds:
            raise ValueError(
                f"LOKET_WORKER_LEASE_SECONDS ({self.worker_lease_seconds:g} s) must be longer "
                f"than WHATSAPP_API_TIMEOUT_SECONDS ({self.whatsapp_api_timeout_seconds:g} s): "
                "a message still waiting for Meta's answer would be sent again by another worker"
            )
        return self

    def _raw(self, env_name: str) -> Any:
        value = getattr(self, env_name.lower())
        return value.get_secret_value() if isinstance(value, SecretStr) else value

    @property
    def api_docs_enabled(self) -> bool:
        """Whether /docs, /redoc and /openapi.json are served (LOKET_API_DOCS, else sandbox)."""
        return self.sandbox if self.api_docs is None else self.api_docs

    @property
    def sandbox(self) -> bool:
        """True when no WhatsApp token is configured: nothing is sent to Meta."""
        return self.whatsapp_access_token is None

    @property
    def flows_private_key(self) -> RSAPrivateKey | None:
        """The Flows endpoint's private key (parsed once per value), or None when not set."""
        if self.whatsapp_flows_private_key is None:
            return None
        try:
            return self._load_flows_key()
        except FlowKeyError as exc:  # settings copied in code skip validation
            raise ConfigError(str(exc)) from None

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def extra_holidays(self) -> frozenset[date]:
        """The days off from LOKET_HOLIDAYS, on top of Indonesia's national holidays."""
        parts = filter(None, (p.strip() for p in self.holidays.split(",")))
        return frozenset(date.fromisoformat(part) for part in parts)

    @cached_property
    def opening_hours(self) -> tuple[time, time]:
        """(opening, closing) local times from LOKET_OFFICE_HOURS."""
        return _parse_hours(self.office_hours)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def phone_number_id(self) -> str:
        """The business number's id; a fixed stand-in in sandbox mode."""
        return self.whatsapp_phone_number_id or "sandbox"

    def session_secret(self) -> str:
        """The dashboard's signing key; in sandbox mode one is generated once and kept in var/."""
        if self.secret_key is not None:
            key = self.secret_key.get_secret_value()
            source = "LOKET_SECRET_KEY"
        else:
            key, source = self._sandbox_secret(), str(self.var_dir / "secret_key")
        # Checked again here, where the key is used: settings copied in code skip validation.
        problem = _weak_key_problem(key, source)
        if problem is not None:
            raise ConfigError(problem)
        return key

    def _sandbox_secret(self) -> str:
        path = self.var_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key


def _weak_key_problem(key: str, source: str) -> str | None:
    """Why `key` may not sign sessions (empty, or shorter than MIN_SECRET_KEY_BYTES), or None."""
    size = len(key.strip().encode())
    if size >= MIN_SECRET_KEY_BYTES:
        return None
    return (
        f"{source} is {'empty' if size == 0 else f'only {size} bytes'}: use at least "
        f"{MIN_SECRET_KEY_BYTES} random bytes, e.g. the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`"
    )


def parse_trusted_proxies(value: str, name: str = "LOKET_FORWARDED_ALLOW_IPS") -> str:
    """LOKET_FORWARDED_ALLOW_IPS (or `serve --forwarded-allow-ips`) checked and normalised:
    comma-separated IP addresses or networks, or "*" for any (only behind a proxy that
    overwrites X-Forwarded-For)."""
    items = [item.strip() for item in value.split(",") if item.strip()]
    for item in items:
        if item == "*":
            continue
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ValueError(f"{name}: {item!r} is not an IP address or network") from None
    return ",".join(items)


def load_settings(**overrides: Any) -> Settings:
    """Build settings, turning validation errors into one readable `ConfigError`."""
    from pydantic import ValidationError

    try:
        return Settings(**overrides)
    except ValidationError as exc:
        reasons = "; ".join(_reason(err) for err in exc.errors(include_url=False))
        raise ConfigError(f"invalid configuration: {reasons}") from None


def _reason(error: Any) -> str:
    """One validation error as a sentence that names its variable (pydantic's own messages,
    such as "Input should be a valid boolean", do not)."""
    message = str(error["msg"]).removeprefix("Value error, ")
    name = str(error["loc"][0]) if error.get("loc") else ""
    return message if not name or name in message else f"{name}: {message}"
