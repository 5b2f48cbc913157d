"""What residents can ask about without starting a request: requirements."""

from __future__ import annotations

from app.flows import delivery_choice
from app.flows.catalog import Service
from app.flows.prompts import ask
from app.flows.turn import Option, Turn


def _name(turn: Turn, code: str) -> str:
    service = turn.catalog.services.get(code)
    return service.names.get(turn.lang) if service else code


def requirements(turn: Turn, text: str, code: str | None = None) -> None:
    """The requirements of the service named in `text` (or `code`), or a list to pick one."""
    code = code or turn.setup.classifier.find_service(text)
    draft = turn.session.draft
    if code is None and draft is not None and turn.session.awaiting is not None:
        code = draft.service
    if code is None or code not in turn.catalog.services:
        options = [
            Option(f"req:{s.code}", s.names.get(turn.lang), s.summary.get(turn.lang))
            for s in turn.catalog.ordered
        ]
        turn.offer(turn.t("requirements.pick"), options, label_key="menu.button")
        return
    body = requirements_text(turn, turn.catalog.get(code))
    if turn.session.awaiting is not None and turn.session.awaiting.kind != "menu":
        turn.send_text(body)
        ask(turn)
        return
    options = [Option(f"svc:{code}", turn.t("requirements.apply")), Option("cmd:menu", "Menu")]
    turn.offer(body, options)


def requirements_text(turn: Turn, service: Service) -> str:
    """What a service needs, what it costs, how long it takes, what to bring at pickup."""
    lang = turn.lang
    lines = [turn.t("requirements.title", service=service.names.get(lang))]
    for spec in service.documents:
        line = f"📄 {spec.label.get(lang)}"
        if spec.when and "variant" in spec.when:
            titles = [v.title.get(lang) for v in service.variants if v.code in spec.when["variant"]]
            line += f" ({turn.t('requirements.for')} {', '.join(titles)})"
        elif spec.when:
            line += f" ({turn.t('requirements.if_needed')})"
        elif spec.min == 0:
            line += f" ({turn.t('requirements.if_any')})"
        lines.append(line)
    lines.append(service.fee.note.get(lang))
    lines.append(turn.t("service.days", days=service.service_days))
    if service.in_person is not None:
        lines.append(service.in_person.get(lang))
    lines.append(turn.t("requirements.pickup", pickup=service.pickup.get(lang)))
    ways = delivery_choice.ways_line(turn, service)
    if ways:
        lines.append(ways)
    return "\n".join(lines)
