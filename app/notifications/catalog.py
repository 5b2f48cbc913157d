"""The office's words to residents: free-form texts and Meta-approved templates, as data files."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from app.bot import messages

HERE = Path(__file__).parent
LANGUAGES = ("id", "en")


@dataclass(frozen=True)
class Template:
    """An approved template: its name, parameters in order, and text per language."""

    name: str
    purpose: str
    params: tuple[str, ...]
    languages: dict[str, dict[str, Any]]
    quick_reply: str | None = None
    # A FLOW button opens a WhatsApp Flow form; Meta stores the Flow with the template, so one
    # approved copy exists per service (`app.whatsapp_flows.offer.form_template_for_meta`).
    flow: bool = False
    # "document": a DOCUMENT header, its file uploaded at send time; the values then carry its
    # `filename` and `attachment` (`app.bot.messages.ATTACHMENT_KEY`).
    header: str | None = None

    def body(self, language: str, values: dict[str, str]) -> dict[str, Any]:
        """The Graph API body (without recipient) for this template with `values` filled in."""
        code = language if language in self.languages else "id"
        missing = [p for p in self.params if not values.get(p)]
        if missing:
            raise ValueError(f"template {self.name}: missing {', '.join(missing)}")
        if self.header == "document" and not (values.get("attachment") and values.get("filename")):
            raise ValueError(f"template {self.name}: missing the header's attachment or filename")
        body = messages.template(
            self.name,
            code,
            body_params=[values[p] for p in self.params],
            quick_reply_payloads=[self.quick_reply] if self.quick_reply else [],
            header_document={"filename": values["filename"]} if self.header == "document" else None,
        )
        if self.header == "document":
            body[messages.ATTACHMENT_KEY] = values["attachment"]
        return body

    def for_meta(self, language: str) -> dict[str, Any]:
        """The template in the shape Meta's template-creation API takes."""
        text = self.languages[language]
        components: list[dict[str, Any]] = [
            {"type": "BODY", "text": text["body"], "example": {"body_text": [text["example"]]}}
        ]
        if self.header == "document":
            # Meta wants a sample file's upload handle; `header_example` is its placeholder.
            example = {"header_handle": [text.get("header_example", "")]}
            components.insert(0, {"type": "HEADER", "format": "DOCUMENT", "example": example})
        # One BUTTONS component holds every button, in the order the send's indexes count:
        # the quick reply first, then the FLOW button.
        buttons: list[dict[str, Any]] = []
        if self.quick_reply:
            buttons.append({"type": "QUICK_REPLY", "text": text["button"]})
        if self.flow:
            flow_text = text.get("flow_button", text["button"])
            buttons.append({"type": "FLOW", "text": flow_text, "flow_action": "navigate"})
        if buttons:
            components.append({"type": "BUTTONS", "buttons": buttons})
        return {
            "name": self.name,
            "language": language,
            "category": "UTILITY",
            "components": components,
        }


@cache
def texts() -> dict[str, dict[str, str]]:
    loaded: dict[str, dict[str, str]] = yaml.safe_load((HERE / "texts.yaml").read_text("utf-8"))
    return loaded


@cache
def templates() -> dict[str, Template]:
    raw = yaml.safe_load((HERE / "templates.yaml").read_text("utf-8"))
    return {
        item["name"]: Template(
            name=item["name"],
            purpose=item["purpose"],
            params=tuple(item["params"]),
            languages=item["languages"],
            quick_reply=item.get("quick_reply"),
            flow=bool(item.get("flow", False)),
            header=item.get("header"),
        )
        for item in raw
    }


def template_named(name: str) -> Template | None:
    """The template `name`; a form template's per-service copy (`loket_formulir_ktp`) has the
    words of its base (`loket_formulir`)."""
    found = templates().get(name)
    if found is not None:
        return found
    base = next((t for t in templates().values() if t.flow and name.startswith(t.name + "_")), None)
    return base


def text(key: str, language: str, **values: str) -> str:
    """A free-form text in the resident's language (Indonesian unless English was chosen)."""
    table = texts()["en" if language == "en" else "id"]
    return table[key].format(**values)


def export_for_meta() -> list[dict[str, Any]]:
    """Every template in every language, ready to submit to Meta for approval."""
    return [
        template.for_meta(language)
        for template in templates().values()
        for language in LANGUAGES
        if language in template.languages
    ]
