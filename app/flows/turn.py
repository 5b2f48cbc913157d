"""One call of `Engine.handle`: the session being changed, the events produced, the step budget.

The reply helpers here are where Meta's limits are guaranteed: titles are shortened, long
bodies are sent as a text before the interactive message, and more than 10 options are paged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from app.flows.catalog import Catalog, Service
from app.flows.context import ResidentContext
from app.flows.events import (
    MAX_BUTTON_TITLE,
    MAX_BUTTONS,
    MAX_INTERACTIVE_BODY,
    MAX_ROW_DESCRIPTION,
    MAX_ROW_TITLE,
    MAX_ROWS,
    Button,
    Event,
    Row,
    SendButtons,
    SendList,
    SendText,
)
from app.flows.intents import IntentClassifier
from app.flows.messages import Messages
from app.flows.session import Await, Draft, Session


class StepLimitExceeded(RuntimeError):
    """The engine walked more steps than allowed in one call: the definition loops."""


class DefinitionError(RuntimeError):
    """The snapshot or the catalog is not something the engine can continue with."""


@dataclass(frozen=True)
class Setup:
    """What stays the same across calls: catalog, messages, office name, limits."""

    catalog: Catalog
    messages: Messages
    classifier: IntentClassifier
    office_name: str
    max_steps: int
    new_id: Callable[[], str]
    timezone: tzinfo | None


@dataclass(frozen=True)
class Option:
    """One choice offered to the resident as a button or a list row."""

    id: str
    title: str
    description: str = ""


def fit(text: str, most: int) -> str:
    """`text` shortened with an ellipsis to at most `most` characters."""
    text = " ".join(text.split())
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


class Turn:
    """State and output of one `handle` call."""

    def __init__(
        self, setup: Setup, session: Session, context: ResidentContext, now: datetime
    ) -> None:
        self.setup = setup
        self.session = session
        self.context = context
        self.now = now
        self.events: list[Event] = []
        self.steps = 0
        self._note: str | None = None

    @property
    def lang(self) -> str:
        """The language replies are written in."""
        return self.session.language

    @property
    def today(self) -> date:
        """Today's date where the office is."""
        return self.local_date(self.now)

    def local_date(self, moment: datetime) -> date:
        """The date of `moment` where the office is (a UTC timestamp late in the day is the
        next day in Indonesia)."""
        return (moment.astimezone(self.setup.timezone) if self.setup.timezone else moment).date()

    @property
    def catalog(self) -> Catalog:
        """The service catalog."""
        return self.setup.catalog

    def step(self) -> None:
        """Count one step of work; raise once the budget of this call is spent."""
        self.steps += 1
        if self.steps > self.setup.max_steps:
            raise StepLimitExceeded(f"more than {self.setup.max_steps} steps in one turn")

    def draft(self) -> Draft:
        """The draft being filled in; DefinitionError when there is none."""
        if self.session.draft is None:
            raise DefinitionError("the conversation expects a draft but has none")
        return self.session.draft

    def service(self, code: str | None = None) -> Service:
        """The draft's service (or `code`); DefinitionError when the catalog lacks it."""
        code = code or self.draft().service
        try:
            return self.catalog.get(code)
        except KeyError:
            raise DefinitionError(f"service {code!r} is not in the catalog") from None

    def wait_for(self, kind: str, key: str | None = None, **extra: Any) -> Await:
        """Set and return what the engine now waits for.

        A new question gets a new prompt id; asking the same question again (same kind, key and
        target) keeps its id, so the buttons already on the resident's screen stay valid.
        """
        session = self.session
        awaiting = Await.model_validate({"kind": kind, "key": key, **extra})
        current = session.awaiting
        same = current is not None and (current.kind, current.key, current.target) == (
            awaiting.kind,
            awaiting.key,
            awaiting.target,
        )
        if same and current is not None and current.prompt is not None:
            awaiting.prompt = current.prompt
        else:
            session.prompts += 1
            awaiting.prompt = str(session.prompts)
        session.awaiting = awaiting
        return awaiting

    def t(self, key: str, **params: Any) -> str:
        """A message text in the resident's language."""
        return self.setup.messages.text(self.lang, key, **params)

    def date_text(self, value: date) -> str:
        """A date written for people ("26 November 2026")."""
        return self.setup.messages.date(self.lang, value)

    def emit(self, event: Event) -> None:
        """Add an event to this call's output."""
        self.events.append(event)

    def say(self, key: str, **params: Any) -> None:
        """Send the text of message `key`."""
        self.send_text(self.t(key, **params))

    def send_text(self, text: str) -> None:
        """Send a plain text (after the pending note, in the same message)."""
        self.emit(SendText(self._with_note(text)))

    def note(self, text: str) -> None:
        """A short line to put in front of the next message, so the two arrive as one."""
        self._note = f"{self._note}\n{text}" if self._note else text

    def flush_note(self) -> None:
        """Send a note no message took up as a text of its own."""
        if self._note is not None:
            self.send_text("")

    def _with_note(self, text: str) -> str:
        note, self._note = self._note, None
        if note is None:
            return text
        return f"{note}\n{text}" if text else note

    def offer(
        self,
        body: str,
        options: Sequence[Option],
        *,
        label_key: str = "common.choose_button",
        page: int = 0,
    ) -> None:
        """Offer options: buttons when up to 3 short ones, otherwise a (paged) list.

        The message carries the prompt id of the question being asked (see `wait_for`).
        """
        awaiting = self.session.awaiting
        prompt = awaiting.prompt if awaiting is not None else None
        body = self._with_note(body)
        buttons_fit = all(len(option.title) <= MAX_BUTTON_TITLE for option in options)
        if len(options) <= MAX_BUTTONS and buttons_fit:
            body = self._interactive_body(body)
            self.emit(SendButtons(body, [Button(o.id, o.title) for o in options], prompt))
            return
        rows = self._page(options, page)
        body = self._interactive_body(body)
        label = fit(self.t(label_key), MAX_BUTTON_TITLE)
        self.emit(SendList(body, label, rows, prompt))

    def _page(self, options: Sequence[Option], page: int) -> list[Row]:
        def row(option: Option) -> Row:
            title = fit(option.title, MAX_ROW_TITLE)
            return Row(option.id, title, fit(option.description, MAX_ROW_DESCRIPTION))

        if len(options) <= MAX_ROWS:
            return [row(option) for option in options]
        size = MAX_ROWS - 1
        last_page = (len(options) - 1) // size
        page = max(0, min(page, last_page))
        rows = [row(option) for option in options[page * size : (page + 1) * size]]
        following = page + 1 if page < last_page else 0
        rows.append(Row(f"page:{following}", fit(self.t("common.more_options"), MAX_ROW_TITLE)))
        return rows

    def _interactive_body(self, body: str) -> str:
        # Meta refuses interactive bodies over 1024 characters: send the text on its own.
        if len(body) <= MAX_INTERACTIVE_BODY:
            return body
        self.send_text(body)
        return self.t("common.choose")
