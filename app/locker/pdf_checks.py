"""Intake checks for PDFs: opens, not locked, a sane page count, and no JavaScript.

JavaScript is looked for where a PDF can run it: the document's name tree, its open action and
additional actions, every page's additional actions and annotation actions (links, widgets),
form fields and outline items, following `/Next` chains. The walk resolves only dictionaries on
those paths, never page contents or images, so a 100 MB scan is checked without reading its
streams. A raw scan for the `/JavaScript` name adds a cheap second net for objects nothing points
at. pypdf is handed an open file, not a path: given a path it would read the whole file into memory.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from PIL import Image
from pypdf import PageObject, PasswordType, PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from app.locker.decoding import decode_small, shrink
from app.locker.image_checks import make_thumbnail
from app.locker.policy import LockerPolicy
from app.locker.reasons import Reason, Verdict

_JS_NAME = b"/JavaScript"
_SCAN_BLOCK = 1024 * 1024
_WALK_BUDGET = 20_000  # objects visited at most: a hostile file cannot make the walk endless
_THUMBNAIL_MAX_FILE = 20 * 1024 * 1024  # larger PDFs get no thumbnail (its image would be loaded)
# pypdf decodes an image that is not a JPEG whole: its raw samples (up to 4 bytes a pixel), then
# a Pillow picture of them (4 more).
_PDF_IMAGE_BYTES_PER_PIXEL = 8


@dataclass(frozen=True)
class PdfReport:
    verdict: Verdict
    pages: int | None = None
    thumbnail: bytes | None = None


class _ScriptFinder:
    """Walks the places a PDF keeps actions and says whether any of them is JavaScript."""

    def __init__(self) -> None:
        self._seen: set[tuple[int, int]] = set()
        self._budget = _WALK_BUDGET

    def _resolve(self, obj: Any) -> Any:
        if isinstance(obj, IndirectObject):
            ref = (obj.idnum, obj.generation)
            if ref in self._seen:
                return None
            self._seen.add(ref)
            self._budget -= 1
            if self._budget < 0:
                raise RecursionError("PDF object graph too large to inspect")
            return obj.get_object()
        return obj

    def is_script(self, action: Any) -> bool:
        """True when an action (or an array of them, or its `/Next` chain) runs JavaScript."""
        stack = [action]
        while stack:
            item = self._resolve(stack.pop())
            if isinstance(item, ArrayObject):
                stack.extend(item)
            elif isinstance(item, DictionaryObject):
                if "/JS" in item or item.get("/S") == "/JavaScript":
                    return True
                if "/Next" in item:
                    stack.append(item["/Next"])
        return False

    def in_trigger_dict(self, aa: Any) -> bool:
        """An additional-actions dictionary (`/AA`): event name → action."""
        triggers = self._resolve(aa)
        if not isinstance(triggers, DictionaryObject):
            return False
        return any(self.is_script(triggers.raw_get(name)) for name in triggers)

    def in_holder(self, holder: Any) -> bool:
        """An annotation, field or outline item: its `/A` action and `/AA` triggers."""
        if not isinstance(holder, DictionaryObject):
            return False
        if "/A" in holder and self.is_script(holder.raw_get("/A")):
            return True
        return "/AA" in holder and self.in_trigger_dict(holder.raw_get("/AA"))

    def in_tree(self, start: Any, children: tuple[str, ...]) -> bool:
        """Holders reachable from `start` through the `children` keys (fields, outlines)."""
        stack = [start]
        while stack:
            node = self._resolve(stack.pop())
            if isinstance(node, ArrayObject):
                stack.extend(node)
            elif isinstance(node, DictionaryObject):
                if self.in_holder(node):
                    return True
                stack.extend(node.raw_get(key) for key in children if key in node)
        return False


def _entry(holder: Any, key: str) -> Any:
    """`holder[key]` resolved (pypdf's `.get` would return an unresolved reference)."""
    if isinstance(holder, DictionaryObject) and key in holder:
        return holder[key]
    return None


def has_javascript(reader: PdfReader) -> bool:
    """True when the document can run JavaScript (see the module docstring for where we look)."""
    finder = _ScriptFinder()
    root = reader.trailer["/Root"].get_object()
    if not isinstance(root, DictionaryObject):
        raise ValueError("PDF catalog is not a dictionary")
    if _entry(_entry(root, "/Names"), "/JavaScript") is not None:
        return True
    if "/OpenAction" in root and finder.is_script(root.raw_get("/OpenAction")):
        return True
    if "/AA" in root and finder.in_trigger_dict(root.raw_get("/AA")):
        return True
    for page in reader.pages:
        if "/AA" in page and finder.in_trigger_dict(page.raw_get("/AA")):
            return True
        if "/Annots" in page and finder.in_tree(page.raw_get("/Annots"), ()):
            return True
    fields = _entry(_entry(root, "/AcroForm"), "/Fields")
    if fields is not None and finder.in_tree(fields, ("/Kids",)):
        return True
    first_outline = _entry(root, "/Outlines")
    if isinstance(first_outline, DictionaryObject) and "/First" in first_outline:
        return finder.in_tree(first_outline.raw_get("/First"), ("/First", "/Next"))
    return False


def mentions_javascript(handle: BinaryIO) -> bool:
    """A raw scan of the file for the `/JavaScript` name, block by block."""
    handle.seek(0)
    tail = b""
    while block := handle.read(_SCAN_BLOCK):
        if _JS_NAME in tail + block[: len(_JS_NAME)] or _JS_NAME in block:
            return True
        tail = block[-(len(_JS_NAME) - 1) :]
    return False


def _picture(
    page: PageObject, name: str, xobject: DictionaryObject, policy: LockerPolicy
) -> Image.Image | None:
    """Image `name` of `page`, decoded within the budget and shrunk; None when it cannot be."""
    if isinstance(xobject, StreamObject) and xobject.get("/Filter") in (
        "/DCTDecode",
        ["/DCTDecode"],
    ):
        # A scanned page is usually one JPEG: decode it as a photo is, at a reduced scale.
        with Image.open(io.BytesIO(xobject.get_data()), formats=["JPEG"]) as jpeg:
            return decode_small(jpeg, policy).picture
    pixels = int(xobject.get("/Width", 0)) * int(xobject.get("/Height", 0))
    if pixels * _PDF_IMAGE_BYTES_PER_PIXEL > policy.decode_budget_bytes:
        return None  # pypdf would decode it whole, into bytes and then into a picture
    image = page.images[name].image
    if not isinstance(image, Image.Image):
        return None
    return shrink(image, 2 * policy.analysis_size)


def first_page_thumbnail(reader: PdfReader, policy: LockerPolicy) -> bytes | None:
    """A thumbnail of the largest image on page 1 (scanned PDFs are one photo per page)."""
    page = reader.pages[0]
    best: tuple[int, str] | None = None
    xobjects = _entry(_entry(page, "/Resources"), "/XObject")
    if not isinstance(xobjects, DictionaryObject):
        return None
    for name in xobjects:
        xobject = xobjects[name]
        if not isinstance(xobject, DictionaryObject) or xobject.get("/Subtype") != "/Image":
            continue
        pixels = int(xobject.get("/Width", 0)) * int(xobject.get("/Height", 0))
        if 0 < pixels <= policy.max_image_pixels and (best is None or pixels > best[0]):
            best = (pixels, str(name))
    if best is None:
        return None
    chosen = xobjects[best[1]]
    assert isinstance(chosen, DictionaryObject)  # only image dictionaries were candidates
    picture = _picture(page, best[1], chosen, policy)
    return None if picture is None else make_thumbnail(picture, policy.thumbnail_size)


def check_pdf(path: Path, policy: LockerPolicy) -> PdfReport:
    """Run every PDF check on the file at `path` (blocking; call it in a worker thread)."""
    with path.open("rb") as handle:
        try:
            reader = PdfReader(handle, strict=False)
            if reader.is_encrypted and (
                not policy.allow_owner_password_pdf
                or reader.decrypt("") == PasswordType.NOT_DECRYPTED
            ):
                return PdfReport(Verdict(Reason.PDF_ENCRYPTED))
            pages = len(reader.pages)
            if pages == 0:
                return PdfReport(Verdict(Reason.PDF_UNREADABLE, {"error": "no pages"}))
            if pages > policy.max_pdf_pages:
                detail = {"pages": pages, "max_pages": policy.max_pdf_pages}
                return PdfReport(Verdict(Reason.PDF_TOO_MANY_PAGES, detail), pages)
            if has_javascript(reader) or mentions_javascript(handle):
                return PdfReport(Verdict(Reason.PDF_JAVASCRIPT), pages)
        # A damaged or hostile PDF can make the parser raise nearly anything; all mean "unreadable".
        except Exception as exc:
            return PdfReport(Verdict(Reason.PDF_UNREADABLE, {"error": str(exc)[:200]}))
        thumbnail = None
        if path.stat().st_size <= _THUMBNAIL_MAX_FILE:
            try:
                thumbnail = first_page_thumbnail(reader, policy)
            except Exception:  # a thumbnail is a convenience; its failure refuses nothing
                thumbnail = None
    return PdfReport(Verdict(), pages, thumbnail)
