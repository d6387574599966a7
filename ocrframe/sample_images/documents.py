"""A scanned report page with a ruled table, a picture of a table alone, a questionnaire and
a magazine page, drawn with known cells and blocks.

A page to try tables from images on without a scanner: a title, a paragraph, a ruled table of
made-up sales figures and a closing paragraph, drawn at 150 dpi, turned a fraction of a degree,
blurred, greyed with faint specks and JPEG-compressed like an office scan. ``TablePage.rows`` holds the table as
drawn (its first row the header), so what ``res.tables()`` gives can be checked against it.

>>> from ocrframe.sample_images import documents
>>> page = documents.table_page(seed=3)
>>> page.image.size, page.rows[0]
((1240, 1100), ['Region', 'Q1', 'Q2', 'Q3'])
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from .hard_pages import serif_font

REGIONS = ("North", "South", "East", "West", "Central", "Coast", "Highlands", "Islands")
SIZE = (1240, 1100)
OPENING = (
    "The table below lists the sales of each region in the first three",
    "quarters of the year. Figures are in thousands of units and were",
    "counted at the end of each quarter by the regional offices.",
)
REGISTERS = (
    ["USER", "The user of the thread", "none"],
    ["CURRENT USER", "The user with adopted authority", "USER"],
    ["SYSTEM USER", "The user who connected", "none"],
    ["CLIENT HOST", "The host of the client", "local"],
)
CLOSING = (
    "Every figure was checked twice against the offices' own ledgers,",
    "and the totals agree with the annual statement to the last unit.",
)


@dataclass(frozen=True)
class TablePage:
    """A drawn page: the image (as scanned), its JPEG bytes, and the table's rows as drawn."""

    image: Image.Image
    jpeg: bytes
    rows: list[list[str]]


def table_page(seed: int = 0) -> TablePage:
    """A report page with a ruled table of four to six regions' quarterly figures."""
    rng = random.Random(seed)
    regions = rng.sample(REGIONS, rng.randint(4, 6))
    rows = [["Region", "Q1", "Q2", "Q3"]]
    rows += [[name, *(str(rng.randint(80, 990)) for _ in range(3))] for name in regions]
    page = Image.new("RGB", SIZE, "white")
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(serif_font(), 26)
    draw.text((80, 60), "Quarterly report", font=ImageFont.truetype(serif_font(), 44), fill="black")
    for k, line in enumerate(OPENING):
        draw.text((80, 150 + 40 * k), line, font=font, fill="black")
    top, height = 330, 56
    _table(draw, rows, (80, top), (340, 210, 210, 210), height, font)
    below = top + len(rows) * height + 50
    for k, line in enumerate(CLOSING):
        draw.text((80, below + 40 * k), line, font=font, fill="black")
    return TablePage(*_scanned(page, rng), rows)


def table_picture(seed: int = 0, rules: str = "grid", header: str = "plain") -> TablePage:
    """A picture of a table alone, as a screenshot or a photo of one crops it: a table of
    database registers (three to four rows, three columns), scanned like :func:`table_page`.
    ``rules``: ``"grid"`` rules round every cell; ``"open"`` only above and below the header
    and at the foot, as papers set tables; ``"none"``: no rules, the columns set apart by space
    alone (the structure of both is then the table model's to find). ``header="dark"`` sets the
    header row in white on a dark band, as spreadsheets and web pages do.

    >>> from ocrframe.sample_images import documents
    >>> documents.table_picture(seed=1).rows[0]
    ['Register', 'Meaning', 'Default']
    """
    if rules not in ("grid", "open", "none"):
        raise ValueError(f"rules={rules!r}; choose 'grid', 'open' or 'none'")
    if header not in ("plain", "dark"):
        raise ValueError(f"header={header!r}; choose 'plain' or 'dark'")
    rng = random.Random(seed)
    rows = [["Register", "Meaning", "Default"]]
    rows += rng.sample(REGISTERS, rng.randint(2, 3))
    widths, height = (300, 480, 200), 56
    picture = Image.new("RGB", (sum(widths) + 60, len(rows) * height + 60), "white")
    draw = ImageDraw.Draw(picture)
    if header == "dark":
        draw.rectangle([30, 30, 30 + sum(widths), 30 + height], fill=(40, 70, 140))
    font = ImageFont.truetype(serif_font(), 26)
    _table(draw, rows, (30, 30), widths, height, font, 14, rules, header == "dark")
    return TablePage(*_scanned(picture, rng), rows)


@dataclass(frozen=True)
class MagazinePage:
    """A drawn magazine page: the image (as scanned), its JPEG bytes, and its text blocks in
    reading order (headline, standfirst, then each column top to bottom)."""

    image: Image.Image
    jpeg: bytes
    blocks: list[str]


MAGAZINE_TEXT = (
    "the city council voted on tuesday to expand the harbour with a new quay for ferries and "
    "fishing boats while residents asked for more trees along the promenade and a quieter road "
    "past the market where children walk to school every morning in winter"
)


def magazine_page(
    seed: int = 0,
    columns: int = 3,
    gutter: int = 50,
    drop_cap: bool = False,
    inset: bool = False,
) -> MagazinePage:
    """A magazine page in ``columns`` columns (2 to 5: five make a newspaper's narrow ones,
    some 20 characters a line) under a headline and a standfirst, with
    a picture over the last two columns and its caption, a pull quote in the first column,
    paragraphs of made-up news, scanned like :func:`table_page`: a page whose lines read in
    their order only if its columns are found. ``gutter`` is the space between columns in
    pixels (the body text is 24 pixels): at 16 the detector takes some of two columns' lines
    standing level for one. ``drop_cap`` opens the first paragraph with a capital three lines
    high, the lines beside it indented; ``inset`` sets a picture into the right half of the
    first column, the first paragraph starting below 700 pixels wrapped round it. Without
    them the page is drawn as before, pixel for pixel.

    >>> from ocrframe.sample_images import documents
    >>> page = documents.magazine_page(seed=0)
    >>> page.blocks[0], page.image.size
    ('Harbour plan wins the vote', (1654, 2200))
    """
    if columns not in (2, 3, 4, 5):
        raise ValueError(f"columns={columns!r}; choose 2, 3, 4 or 5")
    rng = random.Random(seed)
    vocabulary = MAGAZINE_TEXT.split()
    page = Image.new("RGB", (1654, 2200), "white")
    draw = ImageDraw.Draw(page)
    body = _body()
    blocks = ["Harbour plan wins the vote", "Ferries get a new quay; residents want more trees"]
    draw.text((100, 80), blocks[0], font=ImageFont.truetype(serif_font(), 64), fill="black")
    draw.text((100, 175), blocks[1], font=ImageFont.truetype(serif_font(), 34), fill="black")
    margin, top, bottom = 100, 270, 2100
    width = (page.width - 2 * margin - gutter * (columns - 1)) // columns
    left = [margin + c * (width + gutter) for c in range(columns)]
    picture = (left[-2], top, left[-1] + width, top + 560)
    tone = np.random.default_rng(seed).integers(70, 190, (12, 24, 3), dtype=np.uint8)
    size = (picture[2] - picture[0], picture[3] - picture[1])
    page.paste(Image.fromarray(tone).resize(size, Image.BILINEAR), picture[:2])
    for c, x in enumerate(left):
        y = top
        if c == columns - 2:  # the caption under the picture, in the first column it covers
            caption = "The new quay seen from the market square at dawn"
            draw.text((x, picture[3] + 14), caption, "black", ImageFont.truetype(serif_font(), 20))
            blocks.append(caption)
        if c >= columns - 2:
            y = picture[3] + 70
        while True:
            words = [rng.choice(vocabulary) for _ in range(rng.randint(25, 60))]
            text = " ".join(words).capitalize() + "."
            room = max(0, (bottom - y) // 32)
            if c == 0 and drop_cap and len(blocks) == 2:
                lines = _beside_drop_cap(draw, text, (x, y), width, room)
            elif c == 0 and inset and y > 700:
                inset = False  # one picture set in
                lines = _round_inset(page, draw, text, (x, y), width, room, seed)
            else:
                lines = wrapped(text, body, width)[:room]
                for k, line in enumerate(lines):
                    draw.text((x, y + 32 * k), line, font=body, fill="black")
            if not lines:
                break
            y += 32 * len(lines)
            blocks.append(" ".join(lines))
            y += 22
            if c == 0 and len(blocks) == 3:  # a pull quote after the first paragraph
                quote = "We waited ten years"
                draw.text((x + 10, y), quote, "black", _fitted(quote, 38, width - 10))
                blocks.append(quote)
                y += 80
    return MagazinePage(*_scanned(page, rng), blocks)


def _beside_drop_cap(
    draw: ImageDraw.ImageDraw, text: str, at: tuple[int, int], width: int, room: int
) -> list[str]:
    """Draw paragraph ``text`` at ``at`` in a column ``width`` wide (``room`` lines at most),
    its capital three lines high and its first three lines beside it; the lines, the first
    with its capital."""
    x, y = at
    draw.text((x, y - 8), text[0], font=ImageFont.truetype(serif_font(), 100), fill="black")
    lines = _wrapped_beside(text[1:], (width - 80, 3), width)[:room]
    for k, line in enumerate(lines):
        draw.text((x + (80 if k < 3 else 0), y + 32 * k), line, font=_body(), fill="black")
    return [text[0] + lines[0], *lines[1:]] if lines else []


def _round_inset(
    page: Image.Image,
    draw: ImageDraw.ImageDraw,
    text: str,
    at: tuple[int, int],
    width: int,
    room: int,
    seed: int,
) -> list[str]:
    """Draw a picture in the right half of a column ``width`` wide at ``at``, eight lines
    high, and paragraph ``text`` wrapped round it (``room`` lines at most); the lines."""
    x, y = at
    tone = np.random.default_rng(seed + 1).integers(70, 190, (6, 6, 3), dtype=np.uint8)
    page.paste(Image.fromarray(tone).resize((width // 2, 250), Image.BILINEAR), (x + width // 2, y))
    lines = _wrapped_beside(text, (width // 2 - 20, 8), width)[:room]
    for k, line in enumerate(lines):
        draw.text((x, y + 32 * k), line, font=_body(), fill="black")
    return lines


def _wrapped_beside(text: str, beside: tuple[int, int], width: int) -> list[str]:
    """``text`` in lines of the body type: its first lines (``beside``: their width and
    count) beside something in the column, the rest ``width`` wide."""
    narrow, count = beside
    first = wrapped(text, _body(), narrow)[:count]
    return first + wrapped(text[len(" ".join(first)) :].strip(), _body(), width)


def _body() -> ImageFont.FreeTypeFont:
    """A magazine page's body type: the serif font at 24 pixels."""
    return ImageFont.truetype(serif_font(), 24)


def _fitted(text: str, size: int, width: int) -> ImageFont.FreeTypeFont:
    """The serif font at ``size`` pixels, or smaller so that ``text`` fits in ``width``."""
    font = ImageFont.truetype(serif_font(), size)
    while size > 12 and font.getlength(text) > width:
        size -= 2
        font = ImageFont.truetype(serif_font(), size)
    return font


SURVEY_GROUPS = (
    "Persons with disabilities",
    "Children",
    "Women",
    "The elderly",
    "Migrants",
    "Refugees and asylum seekers",
    "Internally displaced persons",
)


#: the top of a questionnaire page's running title and page number
SURVEY_FOOT = 1130


def questionnaire_page(seed: int = 0) -> TablePage:
    """A survey page: two questions, each with its answers behind check boxes, then a third
    whose answer is a grid (a group per row, "Yes" or "No" under each of two providers) with
    no rules, and a running title beside the page number at the foot, scanned like
    :func:`table_page`. ``rows`` holds the grid, its header first. A
    page that layout models often take for a picture (``table_mislabeled_as_picture.pdf`` of
    the realdev documents is one).

    >>> from ocrframe.sample_images import documents
    >>> documents.questionnaire_page(seed=0).rows[0]
    ['Group', 'State funded', 'Civil society']
    """
    rng = random.Random(seed)
    rows = [["Group", "State funded", "Civil society"]]
    rows += [
        [group, rng.choice(("Yes", "No")), rng.choice(("Yes", "No"))]
        for group in rng.sample(SURVEY_GROUPS, rng.randint(4, 6))
    ]
    page = Image.new("RGB", (1240, 1190), "white")
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(serif_font(), 26)
    questions = (
        ("1. Who provides legal aid in your country?", ("Lawyers", "Paralegals", "Students")),
        ("2. Are there guidelines for legal aid?", ("Yes, national", "Yes, regional", "No")),
    )
    y = 80
    for question, answers in questions:
        draw.text((80, y), question, font=font, fill="black")
        y += 60
        for answer in answers:
            draw.rectangle([120, y + 4, 142, y + 26], outline="black", width=2)
            draw.text((160, y), answer, font=font, fill="black")
            y += 50
        y += 40
    draw.text((80, y), "3. Which groups get specialised services?", font=font, fill="black")
    y += 80
    for r, row in enumerate(rows):
        for x, text in zip((120, 640, 900), row):
            draw.text((x, y), text, font=font, fill="black")
        y += 50 + 20 * (r == 0)
    small = ImageFont.truetype(serif_font(), 20)
    draw.text((80, SURVEY_FOOT), "Survey on legal aid", font=small, fill="black")  # running
    draw.text((1140, SURVEY_FOOT), str(7 + seed % 5), font=small, fill="black")  # page number
    return TablePage(*_scanned(page, rng), rows)


def wrapped(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """``text`` in lines no wider than ``width`` pixels in ``font``."""
    lines, line = [], ""
    for word in text.split():
        longer = f"{line} {word}".strip()
        if line and font.getlength(longer) > width:
            lines.append(line)
            longer = word
        line = longer
    return [*lines, line] if line else lines


def _table(
    draw: ImageDraw.ImageDraw,
    rows: list[list[str]],
    corner: tuple[int, int],
    widths: tuple[int, ...],
    height: int,
    font: ImageFont.FreeTypeFont,
    inset: int = 16,
    rules: str = "grid",
    white_header: bool = False,
) -> None:
    """``rows`` drawn as a table, its top-left at ``corner``, each text ``inset`` pixels from
    its cell's left edge; ``rules``: ``"grid"`` round every cell, ``"open"`` three across
    (above and below the header, and at the foot), ``"none"`` none; the header's text in white
    when ``white_header``."""
    left, top = corner
    if rules == "open":
        for y in (top, top + height, top + len(rows) * height):
            draw.line([(left, y), (left + sum(widths), y)], fill="black", width=2)
    for r, row in enumerate(rows):
        x, y = left, top + r * height
        for width, text in zip(widths, row):
            if rules == "grid":
                draw.rectangle([x, y, x + width, y + height], outline="black", width=2)
            ink = "white" if white_header and r == 0 else "black"
            draw.text((x + inset, y + 13), text, font=font, fill=ink)
            x += width


def _scanned(page: Image.Image, rng: random.Random) -> tuple[Image.Image, bytes]:
    """The page as a flatbed scan gives it: a little turned, soft, faintly speckled, JPEG."""
    turned = page.rotate(rng.uniform(-0.4, 0.4), resample=Image.BICUBIC, fillcolor="white")
    soft = turned.filter(ImageFilter.GaussianBlur(0.6))
    pixels = soft.load()
    for _ in range(1500):
        x, y = rng.randrange(page.width), rng.randrange(page.height)
        pixels[x, y] = (rng.randint(170, 230),) * 3
    buffer = io.BytesIO()
    soft.save(buffer, "JPEG", quality=80)
    data = buffer.getvalue()
    return Image.open(io.BytesIO(data)).convert("RGB"), data
