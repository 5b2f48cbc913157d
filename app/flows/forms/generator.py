"""One catalog service as a WhatsApp Flow JSON form, in one language (data, not code).

Screens, in order:

1. `VARIANT` (services with variants): the variant as radio buttons (a dropdown from 8).
2. `DATA`, `DATA_B`, …: the questions, at most `FormLimits.fields_per_screen` per screen; a
   question with a `when:` sits in an `If` on the answers it depends on.
3. `DOC_<KEY>` (and `DOC_<KEY>_B`, … when a document needs several files): one picker per
   screen, one file per picker (a `complete` payload allows no more). Pickers cannot sit in an
   `If`, so a conditional document's picker binds `visible` to its condition and is optional;
   so is a reusable one (the locker may hold it). The server checks completeness after the form
   comes back and asks in chat for what is missing.
4. `SUMMARY` (terminal): the answers, the declaration (OptIn) and the Footer that completes
   with every answer and file (see `keys.py` for the payload keys).

A Footer skips document screens that do not apply (not needed for the answers given, or
already held): `If` any screen of the group after this one applies, navigate to the next,
else past the group (routing.py chooses the groups). One `If` per Footer is all Meta allows,
so a resident may still land on a screen that does not apply; it says so in one line and its
picker is hidden.

With a data endpoint (`endpoint=True`), the screen holding the NIK submits with `data_exchange`
and a `NIK_CHECK` screen follows it (identity_check.py); the Flow then has a `routing_model`.
Fields the catalog derives from the NIK (birth date, sex) are never inputs (`keys.form_fields`).

The entry screen declares the prefill data model (`keys.prefill_keys`); every input's
`init-value` binds to it, so the sender can open the form with what Loket already knows.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.flows.catalog.schema import FieldSpec, Service
from app.flows.forms import keys
from app.flows.forms.conditions import applies_parts, clauses, condition
from app.flows.forms.documents import document_screens
from app.flows.forms.identity_check import (
    CHECK_SCREEN,
    DATA_API_VERSION,
    ERRORS_KEY,
    IdentityCheck,
    check_children,
    check_data_model,
    checked_inputs,
    errors_model,
    exchange_footer,
    identity_check,
    routing_model,
)
from app.flows.forms.inputs import InputContext, LabelTooLong, example_value, input_component
from app.flows.forms.limits import FLOW_JSON_VERSION, PICKERS_PER_COMPLETION, SCREEN_TITLE
from app.flows.forms.model import FormError, FormLimits, FormProblem, Path, Screen
from app.flows.forms.question_screens import DATA_SCREEN, chunks, nik_screen, screen_id_of
from app.flows.forms.routing import cases, skip_targets
from app.flows.forms.summary import summary_screen
from app.flows.messages import shipped_messages

VARIANT_SCREEN = "VARIANT"
SUMMARY_SCREEN = "SUMMARY"


def build_flow(
    service: Service,
    language: str,
    *,
    today: date,
    limits: FormLimits | None = None,
    endpoint: bool = False,
) -> dict[str, Any]:
    """The Flow JSON (version 7.3) of `service` in `language` ("id" or "en").

    `today` sets the date pickers' bounds; `endpoint` says a data endpoint is configured, so
    the NIK is checked inside the form. Raises `FormError` when the catalog's texts or
    documents do not fit Meta's limits; the result still needs `validate_flow` to be trusted.
    """
    return _Builder(service, language, today, limits or FormLimits(), endpoint).build()


def entry_screen(service: Service) -> str:
    """The id of the first screen: the sender's `flow_action_payload.screen`."""
    if service.variants:
        return VARIANT_SCREEN
    if keys.form_fields(service):
        return DATA_SCREEN
    if service.documents:
        return keys.screen_id(f"doc_{service.documents[0].key}")
    return SUMMARY_SCREEN


class _Builder:
    def __init__(
        self, service: Service, language: str, today: date, limits: FormLimits, endpoint: bool
    ) -> None:
        self.service = service
        self.language = "en" if language == "en" else "id"
        self.today = today
        self.limits = limits
        self.problems: list[FormProblem] = []
        self.entry = entry_screen(service)
        self.field_screen: dict[str, str] = {}
        self.check: IdentityCheck | None = identity_check(service) if endpoint else None
        self.nik_screen = nik_screen(service, limits) if self.check is not None else None
        self.nik_inputs: list[FieldSpec] = []

    def texts(self, key: str, **params: Any) -> str:
        return shipped_messages().text(self.language, key, **params)

    def problem(self, path: Path, reason: str) -> None:
        self.problems.append(FormProblem(path, reason))

    # --- where answers live ----------------------------------------------------------------

    def locate(self, name: str, screen: str) -> str:
        """The binding of the input holding answer `name`, seen from `screen`."""
        home = VARIANT_SCREEN if name == keys.VARIANT_KEY else self.field_screen[name]
        return f"${{form.{name}}}" if home == screen else f"${{screen.{home}.form.{name}}}"

    def prefill(self, name: str, screen: str) -> str:
        """The binding of prefill data field `name`, seen from `screen`."""
        if screen == self.entry:
            return f"${{data.{name}}}"
        return f"${{screen.{self.entry}.data.{name}}}"

    # --- the whole form --------------------------------------------------------------------

    def build(self) -> dict[str, Any]:
        self._check_keys()
        screens: list[Screen] = []
        if self.service.variants:
            screens.append(self._variant_screen())
        screens += self._data_screens()
        if self.check is not None:
            at = next(i for i, screen in enumerate(screens) if screen.id == self.nik_screen)
            title = self.texts("form.nik_check_title")
            children = check_children(self.check, self.language, self.texts)
            screens.insert(at + 1, Screen(CHECK_SCREEN, title, children))
        screens += document_screens(self.service, self)
        final = summary_screen(self.service, self, SUMMARY_SCREEN)
        if self.problems:
            raise FormError(self.problems)
        # The summary takes part in routing as the last, always shown, screen.
        screens.append(Screen(SUMMARY_SCREEN, final["title"]))
        targets = skip_targets([screen.applies for screen in screens], cases(self.service))
        flow_screens = [self._render(screens, i, targets) for i in range(len(screens) - 1)]
        flow_screens.append(final)
        self._attach_data_model(flow_screens)
        if self.check is None:
            return {"version": FLOW_JSON_VERSION, "screens": flow_screens}
        return {
            "version": FLOW_JSON_VERSION,
            "data_api_version": DATA_API_VERSION,
            "routing_model": routing_model(flow_screens),
            "screens": flow_screens,
        }

    def _check_keys(self) -> None:
        for index, spec in enumerate(self.service.fields):
            if spec.key in keys.RESERVED_FIELD_KEYS or spec.key.startswith(
                keys.RESERVED_FIELD_PREFIXES
            ):
                reason = f"field key '{spec.key}' is reserved by the form's payload"
                self.problem(("fields", index, "key"), reason)
        pickers = sum(keys.picker_pages(spec) for spec in self.service.documents)
        if pickers > PICKERS_PER_COMPLETION:
            reason = (
                f"the documents need {pickers} file pickers; a Flow may send at most "
                f"{PICKERS_PER_COMPLETION}"
            )
            self.problem(("documents",), reason)

    def _render(self, screens: list[Screen], index: int, targets: list[int]) -> dict[str, Any]:
        screen = screens[index]
        if screen.id == self.nik_screen:
            footer = exchange_footer(self.texts("form.next"), self.nik_inputs)
        else:
            footer = self._footer(screens, index, targets[index])
        children = [*screen.children, footer]
        layout = {"type": "SingleColumnLayout", "children": children}
        return {"id": screen.id, "title": screen.title, **screen.extra, "layout": layout}

    def _footer(self, screens: list[Screen], index: int, skip_to: int) -> dict[str, Any]:
        """Navigate to the next screen, or past the group of screens before `skip_to` when
        none of them applies (see routing.py)."""
        here, following = screens[index].id, screens[index + 1].id
        if skip_to == index + 1:
            return self._navigate(following)
        group: list[list[str]] = []
        for member in screens[index + 1 : skip_to]:
            parts = applies_parts(member.applies, self.locate, self.prefill, here)
            # A or (A and B) is A: keep the group's condition short.
            if not any(set(kept) <= set(parts) for kept in group):
                group = [kept for kept in group if not set(parts) <= set(kept)] + [parts]
        if len(group) == 1:
            test = condition(group[0])
        else:
            test = " || ".join(f"({condition(parts)})" for parts in group)
        return {
            "type": "If",
            "condition": test,
            "then": [self._navigate(following)],
            "else": [self._navigate(screens[skip_to].id)],
        }

    def _navigate(self, target: str) -> dict[str, Any]:
        # The NIK screen's data is the endpoint's errors: none on the way in.
        payload: dict[str, Any] = {ERRORS_KEY: {}} if target == self.nik_screen else {}
        action = {
            "name": "navigate",
            "next": {"type": "screen", "name": target},
            "payload": payload,
        }
        return {"type": "Footer", "label": self.texts("form.next"), "on-click-action": action}

    def _attach_data_model(self, screens: list[dict[str, Any]]) -> None:
        model: dict[str, Any] = {}
        if self.service.variants:
            example = self.service.variants[0].code
            model[keys.VARIANT_KEY] = {"type": "string", "__example__": example}
        for _, spec in keys.form_fields(self.service):
            example = example_value(spec, self.language)
            model[spec.key] = {"type": "string", "__example__": example}
        for document in self.service.documents:
            if document.reusable:
                model[keys.held_key(document.key)] = {"type": "boolean", "__example__": False}
        if self.check is not None:
            checked = checked_inputs(self.nik_inputs)
            self._declare(screens, str(self.nik_screen), {ERRORS_KEY: errors_model(checked)})
            self._declare(screens, CHECK_SCREEN, check_data_model(self.check, self.language))
        if model:
            self._declare(screens, self.entry, model, first=True)

    @staticmethod
    def _declare(
        screens: list[dict[str, Any]], screen_id: str, model: dict[str, Any], first: bool = False
    ) -> None:
        """Add `model` to the data of screen `screen_id` (the prefill first on the entry)."""
        position = next(i for i, screen in enumerate(screens) if screen["id"] == screen_id)
        screen = screens[position]
        head: dict[str, Any] = {k: screen[k] for k in ("id", "title", "terminal") if k in screen}
        known = screen.get("data", {})
        data = {**model, **known} if first else {**known, **model}
        rest = {k: v for k, v in screen.items() if k != "data"}
        screens[position] = {**head, "data": data, **rest}

    # --- screens ---------------------------------------------------------------------------

    def _variant_screen(self) -> Screen:
        options = []
        for variant in self.service.variants:
            option = {"id": variant.code, "title": variant.title.get(self.language)}
            if variant.description is not None:
                option["description"] = variant.description.get(self.language)
            options.append(option)
        kind = "Dropdown" if len(options) >= 8 else "RadioButtonsGroup"
        choose = {
            "type": kind,
            "name": keys.VARIANT_KEY,
            "label": self.texts("form.variant_label"),
            "required": True,
            "data-source": options,
            "init-value": self.prefill(keys.VARIANT_KEY, VARIANT_SCREEN),
        }
        intro = {"type": "TextBody", "text": self.service.summary.get(self.language)}
        return Screen(VARIANT_SCREEN, self._service_title(), [intro, choose])

    def _data_screens(self) -> list[Screen]:
        grouped = chunks(self.service, self.limits)
        count = len(grouped)
        screens: list[Screen] = []
        for step, chunk in enumerate(grouped):
            if screen_id_of(step) == self.nik_screen:
                self.nik_inputs = [spec for _, spec in chunk]
            screen_id = screen_id_of(step)
            for _, spec in chunk:
                self.field_screen[spec.key] = screen_id
            screen = Screen(screen_id, self._service_title(step + 1, count))
            for index, spec in chunk:
                component = self._field(index, spec, screen_id)
                if component is not None:
                    screen.children.append(component)
            sensitive = [spec.key for _, spec in chunk if spec.validator in ("nik", "kk")]
            if sensitive:
                screen.extra["sensitive"] = sensitive
            screens.append(screen)
        if not screens:
            return []
        if self.entry == DATA_SCREEN:
            intro = {"type": "TextBody", "text": self.service.summary.get(self.language)}
            screens[0].children.insert(0, intro)
        return screens

    def _field(self, index: int, spec: FieldSpec, screen: str) -> dict[str, Any] | None:
        component = self._input(index, spec, screen)
        if component is None or spec.when is None:
            return component
        when = condition(clauses(spec.when, self.locate, screen))
        return {"type": "If", "condition": when, "then": [component]}

    def _input(self, index: int, spec: FieldSpec, screen: str) -> dict[str, Any] | None:
        context = InputContext(
            self.language, self.texts, self.today, self.prefill(spec.key, screen)
        )
        try:
            component = input_component(spec, context)
        except LabelTooLong as exc:
            node = "form_label" if spec.form_label is not None else "label"
            reason = f"{exc} ({self.language}); give the field a shorter form_label"
            self.problem(("fields", index, node, self.language), reason)
            return None
        if screen == self.nik_screen and spec.key in checked_inputs(self.nik_inputs):
            component["error-message"] = f"${{data.{ERRORS_KEY}.{spec.key}}}"
        return component

    def _service_title(self, step: int = 1, steps: int = 1) -> str:
        name = self.service.names.get(self.language)
        if steps > 1:
            numbered = self.texts("form.step_title", service=name, step=step, steps=steps)
            if len(numbered) <= SCREEN_TITLE:
                return numbered
        return name
