"""Can a catalog service become a WhatsApp Flow? What the catalog loader asks of every service.

A service that cannot is a catalog error (`loket catalog check` exits 1, the server refuses the
catalog), so a form never breaks silently at publishing time. A service that should stay in the
chat says `flow: false`; it is then neither checked nor exported nor published.
"""

from __future__ import annotations

from datetime import date

from app.flows.catalog.schema import Service
from app.flows.forms.generator import build_flow
from app.flows.forms.model import FormError, FormProblem
from app.flows.forms.validator import validate_flow

LANGUAGES = ("id", "en")


def form_problems(service: Service, *, today: date | None = None) -> list[FormProblem]:
    """Why `service` cannot become a Flow in either language (empty: it can, or opts out).

    Problems the generator can pin on a catalog node carry its path; a broken Meta rule in the
    generated JSON (a generator bug, or a text the generator does not measure) is reported on
    the service's `code`, with the rule and the JSON path.
    """
    if not service.flow:
        return []
    when = today or date.today()
    problems: list[FormProblem] = []
    for language in LANGUAGES:
        try:
            flow = build_flow(service, language, today=when)
        except FormError as exc:
            problems += [p for p in exc.problems if p not in problems]
            continue
        for issue in validate_flow(flow):
            reason = f"the generated Flow ({language}) breaks Meta's rules: {issue}"
            problems.append(FormProblem(("code",), reason))
    return problems
