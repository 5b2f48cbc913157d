"""The shape of one service definition (one YAML file per service), validated with pydantic.

Structural rules live here (types, required and unknown keys). Rules that relate one part of a
definition to another (conditions, `next`, title lengths) live in `rules.py`, so that each
problem can be reported with the line it comes from.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
Validator = Literal["nik", "kk", "date", "phone", "name", "text", "choice", "number"]
DocumentKind = Literal["image", "pdf"]
OfficeLevel = Literal["village", "district", "regency"]
VALIDATORS: tuple[str, ...] = ("nik", "kk", "date", "phone", "name", "text", "choice", "number")
# How a resident may receive the result: the PDF in this chat, at the office, or brought home.
DeliveryWay = Literal["pickup", "digital", "home"]
# What a NIK encodes and a field may take from it instead of asking (app/flows/derived.py).
Derivation = Literal["nik_birth_date", "nik_sex"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalText(_Strict):
    """A text in Indonesian (`id`) and English (`en`)."""

    id: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, language: str) -> str:
        """The text in `language`, Indonesian for anything but English."""
        return self.en if language == "en" else self.id


class Choice(_Strict):
    """One answer of a choice question; `keywords` are extra words a resident may type."""

    id: Key
    title: LocalText
    keywords: list[str] = []


class Variant(_Strict):
    """A kind of request within a service, such as a lost or a damaged KTP-el."""

    code: Key
    title: LocalText
    description: LocalText | None = None
    keywords: list[str] = []
    ages: tuple[int, int] | None = None  # completed years, both ends included (`variant_by_age`)


Condition = dict[str, list[str]]


class FieldSpec(_Strict):
    """A question asked in the chat.

    `when` limits it to some earlier answers ({"variant": ["hilang"]}); `next` jumps to a later
    item after this one; `nik_field` names the NIK this answer is compared with (a birth date or
    sex that differs from the NIK is kept as a warning; a KK number may not equal the NIK).
    `derive` takes the answer from that NIK instead of asking (`nik_birth_date`, `nik_sex`);
    the resident sees it right after the NIK and in the summary, where it can be changed.
    """

    key: Key
    label: LocalText
    form_label: LocalText | None = None
    prompt: LocalText
    validator: Validator
    required: bool = True
    choices: list[Choice] = []
    when: Condition | None = None
    next: str | None = None
    nik_field: str | None = None
    derive: Derivation | None = None
    example: LocalText | None = None
    dates: Literal["past", "future", "any"] = "past"
    min_value: float | None = None
    max_value: float | None = None
    max_length: int = Field(200, ge=1, le=1000)


class DocumentSpec(_Strict):
    """A document the resident sends as photos or a PDF.

    `kind` is the locker's name for it (defaults to `key`): a stored document of the same kind
    may be offered for reuse when `reusable` and younger than `validity_days`. `min: 0` makes
    the document optional. `where` says where a resident who does not have it yet gets it.
    """

    key: Key
    kind: str | None = None
    label: LocalText
    prompt: LocalText | None = None
    note: LocalText | None = None
    where: LocalText | None = None
    kinds: list[DocumentKind] = Field(min_length=1)
    min: int = Field(1, ge=0, le=10)
    max: int = Field(1, ge=1, le=10)
    reusable: bool = False
    validity_days: int | None = Field(None, ge=1)
    when: Condition | None = None
    next: str | None = None

    @property
    def locker_kind(self) -> str:
        """The kind a reusable stored document must have."""
        return self.kind or self.key


PersonAttribute = Literal["nik", "name", "kk", "address", "phone"]


class SubjectSpec(_Strict):
    """What a request is about besides the resident, remembered per subject (a fisher's boat).

    `keys` are the fields that tell one subject from another (the boat's name); `fields` and
    `documents` are remembered with it and offered again only for the same subject. `kept`
    holds the answers implied when the resident keeps the remembered subject ("nothing
    changed"); `from_documents` are fields an officer reads from the documents sent, not asked
    when the subject is kept. `expires` is a date field whose answer, moved on by
    `renews_for_months`, is the date the renewed permit ends (for the expiry reminder).
    """

    kind: Key
    label: LocalText
    keys: list[Key] = Field(min_length=1)
    fields: list[Key] = []
    documents: list[Key] = []
    kept: dict[str, str] = {}
    from_documents: list[Key] = []
    expires: Key | None = None
    renews_for_months: int = Field(0, ge=0, le=120)


class MemorySpec(_Strict):
    """What Loket may remember for next time, with the resident's consent.

    `person` maps a field of this service to the resident's own data it holds (the NIK, name,
    KK number, address, phone), shared by every service; `subject` is remembered per subject.
    """

    person: dict[Key, PersonAttribute] = {}
    subject: SubjectSpec | None = None


class Fee(_Strict):
    """What the service costs; civil-registry services are free by law."""

    free: bool
    note: LocalText


class Delivery(_Strict):
    """The ways a service's result may reach the resident, the first being the usual one.

    A paper printed on plain A4 with an electronic signature (KK, certificates, letters) may go
    `digital`; a card (KTP-el, KIA) is physical: `pickup` or `home`. `home_fee` is the note the
    resident reads before choosing home delivery (who pays the courier).
    """

    ways: list[DeliveryWay] = Field(min_length=1, max_length=3)
    home_fee: LocalText | None = None

    def model_post_init(self, _context: object) -> None:
        if len(set(self.ways)) != len(self.ways):
            raise ValueError("`delivery.ways` lists a way twice")
        if self.home_fee is not None and "home" not in self.ways:
            raise ValueError("`delivery.home_fee` needs `home` in `delivery.ways`")


class Service(_Strict):
    """One service of the catalog.

    `flow: false` keeps a service out of WhatsApp Flows (chat only); otherwise it must be
    possible to generate its Flow form within Meta's limits, or the catalog does not load.
    `variant_by_age` names a date field (a birth date): the variant is then not asked first but
    picked by the age that date gives, from each variant's `ages`; asked only when none fits.
    `pickup_proxy: true` lets the resident name a family member (same KK) to collect the result.
    `delivery` lists how the result may reach the resident (asked at the summary when several).
    """

    code: Key
    order: int = 100
    names: LocalText
    summary: LocalText
    keywords: list[str] = []
    ticket_prefix: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{2,6}$")]
    office_level: OfficeLevel
    service_days: int = Field(ge=0, le=365)
    fee: Fee
    pickup: LocalText
    # Whether someone else in the same KK may collect the result for the resident (named in
    # the chat, `app/flows/proxy_pickup.py`); a KTP-el is collected by its holder in person.
    pickup_proxy: StrictBool = False
    delivery: Delivery = Delivery(ways=["pickup"])
    in_person: LocalText | None = None
    legal_basis: list[str] = Field(min_length=1)
    flow: bool = True
    variants: list[Variant] = []
    variant_by_age: Key | None = None
    fields: list[FieldSpec] = []
    documents: list[DocumentSpec] = []
    memory: MemorySpec | None = None

    def field(self, key: str) -> FieldSpec | None:
        """The field with this key, if any."""
        return next((item for item in self.fields if item.key == key), None)

    def document(self, key: str) -> DocumentSpec | None:
        """The document with this key, if any."""
        return next((item for item in self.documents if item.key == key), None)

    def variant(self, code: str | None) -> Variant | None:
        """The variant with this code, if any."""
        return next((item for item in self.variants if item.code == code), None)

    @property
    def items(self) -> list[FieldSpec | DocumentSpec]:
        """Questions then documents, in the order the chat goes through them."""
        return [*self.fields, *self.documents]
