"""Synthetic files for the intake tests: real images and PDFs, generated, with no personal data."""

from __future__ import annotations

import functools
import hashlib
import io
import random
import struct
import zlib
from collections.abc import AsyncIterator

from PIL import Image, ImageChops, ImageDraw, ImageEnhance, ImageFilter, ImageFont
from pypdf import PdfWriter
from pypdf.actions import JavaScript, PageTrigger
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject


def document_photo(width: int = 640, height: int = 480, seed: int = 7) -> Image.Image:
    """A card-like document: light background, a photo box, dark 'text' lines and a border."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), (236, 232, 220))
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, width - 9, height - 9), outline=(40, 60, 120), width=4)
    draw.rectangle((width * 0.68, height * 0.2, width * 0.92, height * 0.7), fill=(90, 110, 160))
    y = int(height * 0.15)
    while y < height * 0.85:
        x = int(width * 0.06)
        while x < width * 0.6:
            word = rng.randint(12, 48)
            draw.rectangle((x, y, x + word, y + 7), fill=(25, 25, 30))
            x += word + rng.randint(6, 12)
        y += 22
    return image


def encode(image: Image.Image, fmt: str = "JPEG", **options: object) -> bytes:
    out = io.BytesIO()
    defaults = {"quality": 90} if fmt == "JPEG" else {"compress_level": 1}
    image.save(out, fmt, **defaults | options)
    return out.getvalue()


def sharp_jpeg(width: int = 640, height: int = 480) -> bytes:
    return encode(document_photo(width, height))


def blurred_jpeg(radius: float = 4.0) -> bytes:
    return encode(document_photo().filter(ImageFilter.GaussianBlur(radius)))


def tiny_jpeg() -> bytes:
    return encode(document_photo(320, 240))


def dark_jpeg() -> bytes:
    return encode(ImageEnhance.Brightness(document_photo()).enhance(0.12))


def washed_out_jpeg() -> bytes:
    white = Image.new("RGB", (640, 480), (255, 255, 255))
    return encode(Image.blend(document_photo(), white, 0.9))


@functools.cache
def clean_scan(lines: int = 12, seed: int = 3) -> Image.Image:
    """A scanner's picture of a white A4 page at 200 dpi: paper at 255, a title, `lines` lines of
    10-point print and a signature line. Ink covers 0.3–1.5 % of the page, so the mean grey is
    about 250 and the spread small: bright and low in contrast, yet perfectly readable."""
    rng = random.Random(seed)
    width, height = 1654, 2339
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    draw.text((500, 180), "KUTIPAN AKTA KELAHIRAN", fill=20, font=ImageFont.load_default(44))
    words = [
        "Nomor",
        "Nama",
        "Tempat",
        "Tanggal",
        "Lahir",
        "Ayah",
        "Ibu",
        "Kabupaten",
        "Desa",
        "Kecamatan",
        "Sipil",
    ]
    font = ImageFont.load_default(28)
    for line in range(lines):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(4, 9)))
        draw.text((160, 360 + 70 * line), text, fill=30, font=font)
    draw.line((1000, 2000, 1450, 2000), fill=40, width=2)
    # A scanner's faint sensor noise on the paper.
    noise = Image.effect_noise((width, height), 2).point(lambda v: 0 if v > 128 else 2)
    return ImageChops.subtract(page, noise).convert("RGB")


@functools.cache
def bright_photo() -> Image.Image:
    """A phone photo of that white page in strong daylight: slightly turned, the print softened
    by the lens, a little vignetting and sensor noise. As bright on average as the scan."""
    page = clean_scan(lines=8).resize((1200, 1697), Image.Resampling.LANCZOS)
    turned = page.rotate(1.2, Image.Resampling.BICUBIC, fillcolor=(250, 250, 248))
    photo = turned.crop((0, 40, 1200, 1640))
    photo = photo.filter(ImageFilter.GaussianBlur(0.6))
    shade = Image.radial_gradient("L").resize(photo.size)  # 0 in the centre, 255 at the corners
    noise = Image.effect_noise(photo.size, 3).point(lambda v: max(0, 128 - v) // 16)
    dimming = ImageChops.add(shade.point(lambda v: v // 40), noise)
    return ImageChops.subtract(photo, Image.merge("RGB", [dimming] * 3))


def blown_out(image: Image.Image, glare: float = 0.8) -> Image.Image:
    """Over-exposure (flash or glare): everything pushed towards white, the print turned pale."""
    return Image.blend(image, Image.new("RGB", image.size, (255, 255, 255)), glare)


def sharp_png() -> bytes:
    return encode(document_photo().convert("RGBA"), "PNG")


def png_bomb(
    width: int = 100_000, height: int = 100_000, *, colour: bool = False, complete: bool = False
) -> bytes:
    """A tiny PNG whose header claims a huge image (a decompression bomb's calling card).

    `colour` makes it 8-bit RGBA, which Pillow holds at 4 bytes a pixel. Without `complete` only
    the first rows are there (Pillow refuses before decoding); with it every row is, all zeros
    (transparent black), so it decodes: 7070×7070 compresses to ~200 KB and decodes to 200 MB.
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    depth, colour_type, row_bytes = (8, 6, width * 4) if colour else (1, 0, (width + 7) // 8)
    header = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0)
    row = b"\x00" + b"\x00" * row_bytes
    packer = zlib.compressobj(1)
    pixels = bytearray()
    rows = height if complete else 64
    for start in range(0, rows, 64):
        pixels += packer.compress(row * min(64, rows - start))
    pixels += packer.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", bytes(pixels))
        + chunk(b"IEND", b"")
    )


def jpeg_claiming(width: int, height: int, *, progressive: bool = False) -> bytes:
    """A real 640×480 JPEG whose frame header claims `width`×`height` (a JPEG bomb's header).

    A progressive one makes libjpeg allocate its whole-image coefficient buffer, 3 bytes a pixel
    here (4:2:0), before it finds out the data is missing.
    """
    data = bytearray(encode(document_photo(), progressive=progressive))
    sof = data.index(b"\xff\xc2" if progressive else b"\xff\xc0")
    # The frame header: marker, length (2), precision (1), height (2), width (2).
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def phone_photo(width: int = 4000, height: int = 3000) -> bytes:
    """A phone camera's JPEG of a document: 12 MP by default."""
    return encode(document_photo(width // 4, height // 4).resize((width, height)))


def scanned_pdf(width: int = 4800, height: int = 3600) -> bytes:
    """A one-page PDF holding one big JPEG, as a scanner app makes it (17 MP by default)."""
    out = io.BytesIO()
    document_photo(width // 6, height // 6).resize((width, height)).save(out, "PDF")
    return out.getvalue()


def pdf(
    pages: int = 1,
    *,
    javascript: str | None = None,
    user_password: str | None = None,
    owner_password: str | None = None,
    open_action_js: bool = False,
    link_js: bool = False,
    image: bool = False,
) -> bytes:
    """A real PDF made with pypdf, with the requested features."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    if image:
        out = io.BytesIO()
        document_photo().save(out, "PDF")
        writer = PdfWriter(clone_from=io.BytesIO(out.getvalue()))
    if javascript is not None:
        writer.add_open_action(JavaScript(javascript))  # the document-level name tree
    if open_action_js:
        action = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('x');"),
            }
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    if link_js:
        from pypdf.annotations import Link

        link = Link(rect=(10, 10, 100, 100), url="https://example.invalid")
        link[NameObject("/A")] = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("this.print();"),
            }
        )
        writer.add_annotation(0, link)
    if user_password is not None or owner_password is not None:
        writer.encrypt(user_password or "", owner_password, algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _js_action(code: str = "app.alert('x');") -> DictionaryObject:
    return DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(code)}
    )


def pdf_with_script_in(place: str) -> bytes:
    """A one-page PDF with a JavaScript action hidden in `place`, written without the name
    "/JavaScript" anywhere in the file when `place` ends in "-hex" (so only the structural walk
    can find it)."""
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    if place == "page-open":
        page.add_action(PageTrigger.OPEN, JavaScript("this.print();"))
    elif place == "form-field":
        field = DictionaryObject(
            {
                NameObject("/FT"): NameObject("/Tx"),
                NameObject("/T"): TextStringObject("nik"),
                NameObject("/AA"): DictionaryObject({NameObject("/K"): _js_action()}),
            }
        )
        parent = DictionaryObject(
            {
                NameObject("/T"): TextStringObject("form"),
                NameObject("/Kids"): ArrayObject([writer._add_object(field)]),
            }
        )
        writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
            {NameObject("/Fields"): ArrayObject([writer._add_object(parent)])}
        )
    elif place == "outline":
        writer.add_outline_item(title="Bab 1", page_number=0)
        child = writer.add_outline_item(title="Bab 2", page_number=0)
        outline_item = child.get_object()
        assert isinstance(outline_item, DictionaryObject)
        outline_item[NameObject("/A")] = _js_action()
    elif place == "next-chain":
        uri = DictionaryObject(
            {
                NameObject("/S"): NameObject("/URI"),
                NameObject("/URI"): TextStringObject("https://example.invalid"),
                NameObject("/Next"): ArrayObject([writer._add_object(_js_action())]),
            }
        )
        writer._root_object[NameObject("/OpenAction")] = uri
    elif place == "js-key-hex":
        # /S spelled with a hex escape (/Java#53cript) and only a /JS key: no raw "/JavaScript".
        action = DictionaryObject({NameObject("/JS"): TextStringObject("app.alert(1)")})
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    elif place == "orphan-object":
        writer._add_object(_js_action())  # referenced from nowhere: only the raw scan sees it
    else:
        raise ValueError(place)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def big_pdf_parts(content_size: int) -> tuple[bytes, int, bytes]:
    """A valid one-page PDF whose content stream is `content_size` bytes, as (head, size, tail):
    the caller streams `head`, then `content_size` bytes of drawing operators, then `tail`."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
    ]
    head = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(head))
        head += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    offsets.append(len(head))
    head += b"4 0 obj\n<< /Length %d >>\nstream\n" % content_size
    tail = bytearray(b"\nendstream\nendobj\n")
    xref_at = len(head) + content_size + len(tail)
    tail += b"xref\n0 5\n0000000000 65535 f \n"
    tail += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    tail += b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(head), content_size, bytes(tail)


DRAWING = b"0 0 m 595 842 l S\n"  # 18 bytes of harmless operators, repeated


async def big_pdf_stream(content_size: int, chunk: int = 64 * 1024) -> AsyncIterator[bytes]:
    head, size, tail = big_pdf_parts(content_size)
    yield head
    block = DRAWING * (chunk // len(DRAWING) + 1)
    sent = 0
    while sent < size:
        take = min(chunk, size - sent)
        yield block[:take]
        sent += take
    yield tail


async def big_pdf_digest(content_size: int) -> tuple[str, int]:
    digest, total = hashlib.sha256(), 0
    async for part in big_pdf_stream(content_size):
        digest.update(part)
        total += len(part)
    return digest.hexdigest(), total
