"""How the result reaches the resident: chosen at the summary, changeable until processing.

A service whose catalog lists several `delivery.ways` offers one "yes" per way at the summary
("Ya, ambil di kantor", "Ya, kirim lewat WA", "Ya, antar ke rumah"), so choosing costs no extra
message. A typed yes may name the way ("ya, diantar aja"); one that does not takes the service's
usual way (the first listed), and the acceptance says so and how to change it. Until the office
starts processing, a sentence changes it (`delivery_change.py`).
"""

from __future__ import annotations

from app.flows.catalog import Service
from app.flows.textmatch import normalize
from app.flows.turn import Option, Turn

# Whole phrases (normalised words) that name a way. Narrow on purpose: a message that only
# mentions a house or a file must not move a request to a courier or to the chat.
_PHRASES: dict[str, tuple[str, ...]] = {
    "digital": (
        "lewat wa", "lewat whatsapp", "via wa", "via whatsapp", "lewat chat", "kirim di sini",
        "dikirim di sini", "kirim ke sini", "kirim disini", "dikirim disini", "kirim pdf",
        "pdf nya", "pdfnya", "versi pdf", "secara digital", "kirim lewat wa", "by whatsapp",
        "in the chat", "in this chat", "send it here", "as a pdf", "digital copy",
    ),
    "home": (
        "diantar", "dianter", "diantarkan", "antar ke rumah", "anter ke rumah", "antarkan",
        "kirim ke rumah", "dikirim ke rumah", "home delivery", "deliver it", "delivered",
        "deliver to my home", "to my house",
    ),
    "pickup": (
        "ambil di kantor", "diambil di kantor", "ambil ke kantor", "saya ambil sendiri",
        "ambil sendiri", "ambil langsung", "datang ambil", "pick it up", "pick up", "collect it",
    ),
}  # fmt: skip


def ways_of(service: Service) -> list[str]:
    """The ways `service` offers, the usual one first."""
    return list(service.delivery.ways)


def confirm_options(turn: Turn) -> list[Option]:
    """The summary's answers: one yes per way when there are several, then "Ubah data"."""
    ways = ways_of(turn.service())
    edit = Option("edit", turn.t("confirm.edit"))
    if len(ways) == 1:
        return [Option("yes", turn.t("confirm.accept")), edit]
    return [*(Option(f"yes:{way}", turn.t(f"delivery.accept.{way}")) for way in ways), edit]


def question(turn: Turn) -> str:
    """The summary's last lines: "Sudah benar?", with the ways (and the home fee) to choose."""
    service = turn.service()
    ways = ways_of(service)
    if len(ways) == 1:
        return turn.t("confirm.question")
    lines = [turn.t("delivery.question", ways=listed(turn, ways))]
    if "home" in ways and service.delivery.home_fee is not None:
        lines.append(service.delivery.home_fee.get(turn.lang))
    return "\n".join(lines)


def ways_line(turn: Turn, service: Service) -> str | None:
    """The ways a service's result may come, for answers about collecting it (None for one)."""
    ways = ways_of(service)
    return turn.t("delivery.ways_line", ways=listed(turn, ways)) if len(ways) > 1 else None


def short(turn: Turn) -> str:
    """What to tap, in one line, after a question at the summary."""
    return turn.t("confirm.short" if len(ways_of(turn.service())) == 1 else "delivery.short")


def way_named(text: str) -> str | None:
    """The way a message names ("diantar aja" is home), or None."""
    padded = f" {normalize(text)} "
    for way, phrases in _PHRASES.items():
        if any(f" {phrase} " in padded for phrase in phrases):
            return way
    return None


def choose(turn: Turn, choice_id: str | None, text: str | None) -> str | None:
    """Record the way of the draft being confirmed: a tapped "yes:<way>", a way named in the
    typed yes, or the usual way (`delivery_default`: the acceptance then says how to change).

    When the typed yes names a way the service does not offer ("ya, kirim lewat WA" for a
    KTP-el, which is a card), nothing is recorded: the line to answer with is returned.
    """
    draft, service = turn.draft(), turn.service()
    ways = ways_of(service)
    way = choice_id[4:] if choice_id and choice_id.startswith("yes:") else None
    if way is None and text is not None:
        way = way_named(text)
        if way is not None and way not in ways:
            return turn.t(
                "delivery.not_offered",
                service=service.names.get(turn.lang),
                way=turn.t(f"delivery.way.{way}"),
                ways=listed(turn, ways),
            )
    draft.delivery_default = way not in ways and len(ways) > 1
    draft.delivery = way if way in ways else ways[0]
    return None


def accepted_line(turn: Turn, service: Service, way: str) -> str:
    """Told with the ticket when the way was taken by default: which one, and the others."""
    others = [other for other in ways_of(service) if other != way]
    return turn.t(
        "delivery.defaulted",
        way=turn.t(f"delivery.way.{way}"),
        others=listed(turn, others),
    )


def listed(turn: Turn, ways: list[str]) -> str:
    names = [turn.t(f"delivery.option.{way}") for way in ways]
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} {turn.t('delivery.or')} {names[-1]}"
