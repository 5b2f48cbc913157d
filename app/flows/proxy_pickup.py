"""Naming who collects: a family member on the same KK may collect the resident's result.

While a request is open the resident may say someone else will collect it ("yang ambil nanti
adik saya", "boleh diwakilkan?", "my wife will collect it"; `proxy_phrases`). For a service whose
catalog says `pickup_proxy: true` the engine asks that person's name and NIK, says they must bring
the original KK showing both names, and asks to confirm; then it emits `PickupProxy` and the
conversation layer stores it on the request. A service collected in person (the KTP-el) gets a
polite no. "Gak jadi" or "saya sendiri aja" at any of these steps drops the naming; "saya sendiri
yang ambil" later takes a stored name back. A question instead of an answer is answered with
what the collector needs, and the step is asked again. Not while a request is being filled in:
there the draft's own question keeps the floor.
"""

from __future__ import annotations

from app.flows.context import RequestSummary
from app.flows.events import PickupProxy
from app.flows.inputs import ChoiceInput, ResidentInput, TextInput, text_of
from app.flows.nonanswers import non_answer
from app.flows.proxy_phrases import means_proxy, means_self
from app.flows.session import ProxyDraft
from app.flows.status_reply import named_ticket
from app.flows.textmatch import is_no, is_yes, tokens
from app.flows.turn import Option, Turn
from app.flows.validators import check_name, check_nik

STEPS = frozenset({"proxy_name", "proxy_nik", "proxy_confirm"})
# "Gak jadi", "ga usah", "nevermind": the resident no longer names anyone.
CALL_OFF = frozenset(
    {"gak jadi", "ga jadi", "gk jadi", "nggak jadi", "tidak jadi", "batal", "ga usah",
     "gak usah", "nggak usah", "ora sido", "never mind", "nevermind", "cancel"}
)  # fmt: skip
# "Nanti saya kabari", "belum tahu": no name yet; they can say it again any time.
LATER = frozenset({"dont_know", "not_yet", "wait"})
CHANGE_WORDS = frozenset({"ganti", "ubah", "change", "salah", "lain"})


def intercept(turn: Turn, item: ResidentInput) -> bool:
    """True (and handled) when `item` names, or takes back, someone to collect a request."""
    session = turn.session
    text = text_of(item) if isinstance(item, TextInput) else None
    awaiting = session.awaiting
    if awaiting is not None and awaiting.kind in STEPS:
        if text is not None and (means_self(text) or _calls_off(text)):
            _drop(turn)
            return True
        return False
    if text is None or session.draft is not None:
        return False
    if means_self(text):
        named = [r for r in _open(turn, text) if r.proxy_name]
        if not named:
            return False
        turn.emit(PickupProxy(ticket=named[0].ticket))
        turn.say("proxy.self", ticket=named[0].ticket, name=named[0].proxy_name)
        return True
    if not means_proxy(text):
        return False
    requests = _open(turn, text)
    if not requests:
        turn.say("proxy.no_request")
        return True
    request = requests[0]
    service = turn.catalog.services.get(request.service_code)
    values = {"ticket": request.ticket, "service": _service_name(turn, request.service_code)}
    if service is None or not service.pickup_proxy:
        turn.say("proxy.not_allowed", **values)
        return True
    session.proxy = ProxyDraft(ticket=request.ticket, service=request.service_code)
    turn.note(turn.t("proxy.allowed", **values))
    turn.wait_for("proxy_name", request.ticket)
    ask(turn)
    return True


def ask(turn: Turn) -> None:
    """Ask the open step of the naming again (after an aside, a wrong answer, a question)."""
    awaiting, proxy = turn.session.awaiting, turn.session.proxy
    if awaiting is None or proxy is None:
        return
    if awaiting.kind == "proxy_name":
        turn.say("proxy.ask_name")
    elif awaiting.kind == "proxy_nik":
        turn.say("proxy.ask_nik", name=proxy.name)
    else:
        body = turn.t(
            "proxy.confirm",
            name=proxy.name,
            nik=proxy.nik,
            ticket=proxy.ticket,
            service=_service_name(turn, proxy.service),
        )
        options = [
            Option("yes", turn.t("proxy.yes")),
            Option("change", turn.t("proxy.change")),
            Option("no", turn.t("proxy.no")),
        ]
        turn.offer(body, options)


def on_name(turn: Turn, item: ResidentInput) -> None:
    """The collector's full name."""
    proxy, text = turn.session.proxy, text_of(item)
    if proxy is None or text is None or _answers_question(turn, text):
        return
    verdict = check_name(text)
    if verdict.kind in LATER:
        turn.say("proxy.later", ticket=proxy.ticket)
        _finish(turn)
        return
    if not verdict.ok:
        turn.note(_refusal(turn, verdict.error, verdict.params))
        ask(turn)
        return
    proxy.name = str(verdict.value)
    turn.wait_for("proxy_nik", proxy.ticket)
    ask(turn)


def on_nik(turn: Turn, item: ResidentInput) -> None:
    """The collector's NIK (16 digits, the same checks as any NIK field)."""
    proxy, text = turn.session.proxy, text_of(item)
    if proxy is None or text is None or _answers_question(turn, text):
        return
    verdict = check_nik(text, turn.today)
    if not verdict.ok:
        turn.note(_refusal(turn, verdict.error, verdict.params))
        ask(turn)
        return
    proxy.nik = str(verdict.value)
    turn.wait_for("proxy_confirm", proxy.ticket)
    ask(turn)


def on_confirm(turn: Turn, item: ResidentInput) -> None:
    """Yes stores the collector; "ganti" asks the name again; no drops the naming."""
    proxy = turn.session.proxy
    if proxy is None:
        return
    choice = item.id if isinstance(item, ChoiceInput) else None
    text = text_of(item) or ""
    if choice == "change" or (choice is None and set(tokens(text)) & CHANGE_WORDS):
        proxy.name = proxy.nik = None
        turn.wait_for("proxy_name", proxy.ticket)
        ask(turn)
    elif choice == "yes" or (choice is None and is_yes(text)):
        turn.emit(PickupProxy(ticket=proxy.ticket, name=proxy.name, nik=proxy.nik))
        turn.say("proxy.saved", name=proxy.name, ticket=proxy.ticket)
        _finish(turn)
    elif choice == "no" or (choice is None and is_no(text)):
        _drop(turn)
    elif not _answers_question(turn, text):
        turn.note(turn.t("not_answer.pick"))
        ask(turn)


def _answers_question(turn: Turn, text: str) -> bool:
    """A question back ("harus bawa apa?", "kenapa perlu NIK?"): say what the collector needs."""
    if "?" not in text and non_answer(text) != "question":
        return False
    turn.note(turn.t("proxy.explain"))
    ask(turn)
    return True


def _refusal(turn: Turn, error: str | None, params: dict[str, object]) -> str:
    if "kind" in params:  # not a name at all ("ok", "halo"): ask for the name itself
        return turn.t("invalid.name_sentence")
    return turn.t(f"invalid.{error}", **params)


def _drop(turn: Turn) -> None:
    proxy = turn.session.proxy
    ticket = proxy.ticket if proxy is not None else ""
    turn.say("proxy.dropped", ticket=ticket)
    _finish(turn)


def _finish(turn: Turn) -> None:
    turn.session.proxy = None
    turn.session.awaiting = None


def _calls_off(text: str) -> bool:
    normal = " ".join(tokens(text))
    return any(phrase in normal for phrase in CALL_OFF)


def _open(turn: Turn, text: str) -> list[RequestSummary]:
    """The open requests the message is about: the one it names, else all, newest first."""
    requests = sorted(turn.context.open_requests, key=lambda r: r.updated_at, reverse=True)
    ticket = named_ticket(text)
    if ticket is not None:
        return [r for r in requests if r.ticket == ticket]
    return requests


def _service_name(turn: Turn, code: str) -> str:
    service = turn.catalog.services.get(code)
    return service.names.get(turn.lang) if service else code
