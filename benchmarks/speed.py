"""Speed and memory of ``ocrframe.recognize`` on real images, against raw RapidOCR (issue #28).

"Measure first": images per second, CPU use and peak RSS of ``ocrframe.recognize`` with its
defaults on the realdev images (``../shared/realdev``: ``sroie/`` receipts, ``rects/`` shop
signs, ``mtwi/`` e-commerce pictures; 84 in all), beside:

- ``rapidocr``: raw RapidOCR 3.x at its own defaults (``RapidOCR()(path)`` per image: the
  PP-OCRv6 small models its wheel ships, nothing downloaded), the speed to compare with;
- ``ocrframe@REV``: the package of a committed revision (``--baseline``; ``git archive`` of its
  ``ocrframe/``, imported through ``PYTHONPATH``), ocrframe before the change being measured;
- ``ocrframe``: the working tree, and any ``--config NAME=KWARGS_JSON`` (the working tree's
  ``recognize(paths, progress=False, **kwargs)``, e.g. ``'workers2={"workers": 2}'``); a
  keyword the package does not take is an error in that system's row, not of the run.

Every system runs in a fresh process of its own in every round (so a peak RSS is one system's
and nothing is shared or kept warm between them), which loads its model, reads the first 2
images untimed (sessions, imports, caches) and then times reading all of them. The machine is
shared and its speed varies two-fold within minutes, so speeds are compared only as ratios
measured in the same run: each round runs every system once, the order rotated each round
(A B C, then B C A, ...) so that noise hits all alike, and the table shows each system's best
round. CPU is user + system seconds of the process and of its children (worker processes:
those waited for, and those still alive when the timing ends, read from ``/proc``); CPU / wall
is how many cores were busy. Peak RSS is the process's own (``ru_maxrss``) and its largest
child's (the worker with the highest peak; shown only when children did work while the images
were timed, ``WORKER_CPU``), the highest over the rounds. ``lines`` and ``chars`` (items and
their characters; RapidOCR's lines) say that the systems read about as much.

The second table splits one more run of the working tree into stages (its own process, after
the rounds; ``--no-stages`` skips it). That run passes ``workers=1`` where ``recognize`` takes
it, so that the models run in that process, and ``--stage-kwargs``. The stages are timed by
wrapping what the local engine calls: decoding (``ocrframe.inputs.images.load``), detection,
the line classifier and recognition (the model sessions of the reader's three RapidOCR
stages), layout and table structure (the layout and table models' module functions, on the
pages where they run), assembling the frames (``_Run.take``, which parses each answer into the
columns, and ``_Run.result``), and "other": the rest of ``recognize``'s wall time, the Python
work around the models (pre- and post-processing, per-character boxes, reading order). CPU
there is the process's (``time.process_time``: the models' own threads count). A stage that
does not exist (the v4 model, a renamed attribute) is skipped with a note.

    python benchmarks/speed.py [--rounds 2] [--limit N] [--baseline 3cbad5c|none]
        [--config NAME=KWARGS_JSON ...] [--no-stages] [--stage-images N]
        [--stage-kwargs JSON] [--realdev DIR] [--json FILE]

``--limit 9 --rounds 1`` is a quick run (about 2 minutes on 2 cores; all 84 images in 2 rounds
take several times that).
"""

from __future__ import annotations

import argparse
import functools
import importlib
import inspect
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from revisions import REPO, package_at

REALDEV = REPO.parent / "shared" / "realdev"  # ../shared/realdev beside the repository
FOLDERS = ("sroie", "rects", "mtwi")
#: images read untimed first, by every process: model sessions, imports, first-call caches
WARM_UP = 2
#: children that used less CPU than this while the images were timed are not workers: a helper
#: (OpenVINO's telemetry sender is forked while a model compiles) would otherwise show as the
#: largest worker with its parent's pages, which a forked child counts in its own peak RSS
WORKER_CPU = 0.1
RAPIDOCR = "rapidocr"
WORKING_TREE = "ocrframe"

# -- the images -------------------------------------------------------------------------------


def realdev_images(root: Path) -> dict[str, list[Path]]:
    """Each realdev folder's images, by name."""
    return {folder: sorted((root / folder).glob("*.jpg")) for folder in FOLDERS}


def quotas(sizes: list[int], n: int) -> list[int]:
    """How many of ``n`` images each folder gives: every folder one first (the five shop signs
    would otherwise vanish from a small selection), then the folder furthest below its share.

    >>> quotas([30, 5, 49], 9)
    [3, 1, 5]
    """
    total = sum(sizes)
    got = [0] * len(sizes)
    for _ in range(min(n, total)):
        left = [k for k, size in enumerate(sizes) if got[k] < size]
        k = max(left, key=lambda k: (got[k] == 0, n * sizes[k] / total - got[k]))
        got[k] += 1
    return got


def spread(items: list[Path], k: int) -> list[Path]:
    """``k`` of ``items``, evenly spaced: the middle one of each of ``k`` equal parts."""
    return [items[(2 * i + 1) * len(items) // (2 * k)] for i in range(k)]


def selection(root: Path, limit: int | None) -> list[Path]:
    """All realdev images, or ``limit`` of them spread over the folders, folder by folder."""
    found = realdev_images(root)
    if limit is None:
        return [path for paths in found.values() for path in paths]
    counts = quotas([len(paths) for paths in found.values()], limit)
    return [path for paths, k in zip(found.values(), counts) for path in spread(paths, k)]


# -- in the child process: one system reads the images ----------------------------------------


def rapidocr_reader() -> Callable[[list[str]], dict]:
    """Raw RapidOCR at its defaults, loaded."""
    import logging

    from rapidocr import RapidOCR

    # it logs every model path at INFO, and RapidOCR() sets that level again itself
    logging.getLogger("RapidOCR").disabled = True
    engine = RapidOCR()

    def read(paths: list[str]) -> dict:
        lines = chars = 0
        for path in paths:
            texts = engine(path).txts or ()
            lines += len(texts)
            chars += sum(len(text) for text in texts)
        return {"lines": lines, "chars": chars, "failed": 0}

    return read


def imported_ocrframe(root: str):
    """``ocrframe``, checked to be the package under ``root`` (the editable install of the
    working tree must not stand in for a baseline revision's copy, nor the other way round)."""
    import ocrframe

    where = Path(ocrframe.__file__).resolve()
    if not where.is_relative_to(Path(root).resolve()):
        raise RuntimeError(f"imported {where}, not the package under {root}")
    return ocrframe


def amounts(res) -> dict:
    """What a result read: its items, their characters, its failed images."""
    texts = res.items["text"].fillna("").astype(str)
    return {
        "lines": len(texts),
        "chars": int(texts.str.len().sum()),
        "failed": int((~res.images["ok"].astype(bool)).sum()),
    }


def ocrframe_reader(root: str, kwargs: dict) -> Callable[[list[str]], dict]:
    """``ocrframe.recognize`` with ``kwargs`` (its model loads on the first call: the warm-up)."""
    ocrframe = imported_ocrframe(root)

    def read(paths: list[str]) -> dict:
        return amounts(ocrframe.recognize(paths, progress=False, **kwargs))

    return read


def mib(maxrss: int) -> float:
    """``ru_maxrss`` in MiB (Linux counts KiB, macOS bytes)."""
    return maxrss / (2**20 if sys.platform == "darwin" else 2**10)


def cpu_seconds(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def live_children() -> dict[int, tuple[float, float]]:
    """CPU seconds and peak RSS (MiB) of each child still running, from ``/proc`` (Linux; none
    elsewhere). ``RUSAGE_CHILDREN`` counts only children already waited for, and a pool of
    workers may outlive the ``recognize`` call."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    pids = []
    for children in Path("/proc/self/task").glob("*/children"):
        try:
            pids += [int(pid) for pid in children.read_text().split()]
        except OSError:
            continue
    found = {}
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:  # ended meanwhile: RUSAGE_CHILDREN has it once it is waited for
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
        cpu = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        peak = next(
            (line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")), 0
        )
        found[pid] = (cpu, int(peak) / 1024)
    return found


def measured(read: Callable[[list[str]], dict], paths: list[str]) -> dict:
    """Warm up on the first images, then time reading all of them."""
    read(paths[:WARM_UP])
    alive = live_children()
    own, kids = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    start = time.perf_counter()
    read_amounts = read(paths)
    wall = time.perf_counter() - start
    own_after = resource.getrusage(resource.RUSAGE_SELF)
    kids_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    still = live_children()
    # a child alive at the start and waited for since is in RUSAGE_CHILDREN with all its CPU:
    # what it had used before the start is subtracted with the other live children's
    children_cpu = (
        cpu_seconds(kids_after)
        - cpu_seconds(kids)
        + sum(cpu for cpu, _ in still.values())
        - sum(cpu for cpu, _ in alive.values())
    )
    # the largest child's peak: of the whole process's life (a maximum cannot be taken apart)
    child_peak = max([mib(kids_after.ru_maxrss)] + [peak for _, peak in still.values()])
    return {
        "images": len(paths),
        "wall": wall,
        "cpu": cpu_seconds(own_after) - cpu_seconds(own) + children_cpu,
        "cpu_children": children_cpu,
        "rss_mib": mib(own_after.ru_maxrss),
        "child_rss_mib": child_peak if children_cpu >= WORKER_CPU else 0.0,
        "any_child_rss_mib": child_peak,
        "children_alive": len(still),
        **read_amounts,
    }


@dataclass
class Stage:
    """The time spent inside the callables wrapped for one stage."""

    name: str
    wall: float = 0.0
    cpu: float = 0.0
    calls: int = 0
    wraps: list[str] = field(default_factory=list)


class Timed:
    """Stands in for a callable (a function, a method, an onnx session) to add up the seconds
    spent inside it; any other attribute is the original's."""

    def __init__(self, stage: Stage, call: Callable) -> None:
        self.stage, self.call = stage, call

    def __call__(self, *args, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return self.call(*args, **kwargs)
        finally:
            self.stage.wall += time.perf_counter() - wall
            self.stage.cpu += time.process_time() - cpu
            self.stage.calls += 1

    def __getattr__(self, name: str):
        return getattr(self.call, name)

    def __get__(self, instance, owner=None):
        # set on a class in place of a method: bound like one
        return self if instance is None else functools.partial(self, instance)


def stage_targets(engine) -> list[tuple[str, str, Callable[[], object], str]]:
    """What each stage wraps: (stage, where it is, its owner, attribute). The modules' functions
    are looked up as module attributes at each call (``images.load``, ``layout_model.regions``,
    ``table_model.cells``), so replacing the attribute catches every call."""
    module = importlib.import_module
    return [
        ("decode", "ocrframe.inputs.images", lambda: module("ocrframe.inputs.images"), "load"),
        ("detection", "engine._reader._det", lambda: engine._reader._det, "session"),
        ("line classifier", "engine._reader._cls", lambda: engine._reader._cls, "session"),
        ("recognition", "engine._reader._rec", lambda: engine._reader._rec, "session"),
        (
            "layout",
            "ocrframe.engines.layout_model",
            lambda: module("ocrframe.engines.layout_model"),
            "regions",
        ),
        (
            "table structure",
            "ocrframe.engines.table_model",
            lambda: module("ocrframe.engines.table_model"),
            "cells",
        ),
        # ``ocrframe.recognize`` is the function; the module is in sys.modules under that name
        (
            "assembling the frames",
            "ocrframe.recognize._Run",
            lambda: module("ocrframe.recognize")._Run,
            "take",
        ),
        (
            "assembling the frames",
            "ocrframe.recognize._Run",
            lambda: module("ocrframe.recognize")._Run,
            "result",
        ),
    ]


def wrapped(engine) -> tuple[dict[str, Stage], list[str], Callable[[], None]]:
    """Every stage target replaced by a Timed one: the stages, a note per target that does not
    exist, and what puts the originals back."""
    stages: dict[str, Stage] = {}
    notes, undo = [], []
    for name, where, owner_of, attribute in stage_targets(engine):
        stage = stages.setdefault(name, Stage(name))
        try:
            owner = owner_of()
            original = getattr(owner, attribute)
        except (AttributeError, ImportError) as err:
            notes.append(f"{name}: {where}.{attribute} not timed ({type(err).__name__}: {err})")
            continue
        setattr(owner, attribute, Timed(stage, original))
        stage.wraps.append(f"{where}.{attribute}")
        undo.append((owner, attribute, original))

    def restore() -> None:
        for owner, attribute, original in reversed(undo):
            setattr(owner, attribute, original)

    return {name: s for name, s in stages.items() if s.wraps}, notes, restore


def stage_times(paths: list[str], root: str, kwargs: dict) -> dict:
    """One timed ``recognize`` of the working tree, split into the stages it spends time in."""
    ocrframe = imported_ocrframe(root)
    if "workers" in inspect.signature(ocrframe.recognize).parameters:
        kwargs = {"workers": 1, **kwargs}  # in this process, where the wrappers are
    ocrframe.recognize(paths[:WARM_UP], progress=False, **kwargs)  # models, sessions, imports
    stages, notes, restore = wrapped(local_engine(ocrframe, kwargs))
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        res = ocrframe.recognize(paths, progress=False, **kwargs)
    finally:
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        restore()
    return {
        "images": len(paths),
        "wall": wall,
        "cpu": cpu,
        "stages": [asdict(stage) for stage in stages.values()],
        "notes": notes,
        "kwargs": kwargs,
        **amounts(res),
    }


def local_engine(ocrframe, kwargs: dict):
    """The engine ``recognize(**kwargs)`` reads with: the local one (its threads, if given)."""
    if kwargs.get("threads") is not None:
        return ocrframe.engines.get("local", threads=kwargs["threads"])
    return ocrframe.engines.get("local")


def child(args: argparse.Namespace) -> int:
    """``--child SYSTEM``: read the images listed in ``--images`` and print the figures as JSON
    (an error too, as ``{"error": ...}``), the last line of stdout."""
    paths = json.loads(Path(args.images).read_text("utf-8"))
    kwargs = json.loads(args.kwargs)
    try:
        if args.child == "stages":
            figures = stage_times(paths, args.package_root, kwargs)
        elif args.child == RAPIDOCR:
            figures = measured(rapidocr_reader(), paths)
        else:
            figures = measured(ocrframe_reader(args.package_root, kwargs), paths)
    except Exception as err:  # the system's failure (a keyword it lacks): its row says so
        figures = {"error": f"{type(err).__name__}: {err}"}
    print(json.dumps(figures), flush=True)
    return 1 if "error" in figures else 0


# -- in the parent: the systems, the rounds, the tables ---------------------------------------


@dataclass(frozen=True)
class System:
    """A system measured: its name in the tables, and how its process is started."""

    name: str
    child: str  # --child: rapidocr, ocrframe or stages
    package_root: Path = REPO
    kwargs: dict = field(default_factory=dict)

    def command(self, images: Path) -> list[str]:
        return [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            self.child,
            "--images",
            str(images),
            "--package-root",
            str(self.package_root),
            "--kwargs",
            json.dumps(self.kwargs),
        ]


def run(system: System, images: Path) -> dict:
    """One process of ``system`` over the images: its figures, or ``{"error": ...}``."""
    done = subprocess.run(
        system.command(images),
        capture_output=True,
        text=True,
        # the package under package_root first: PYTHONPATH comes before the editable install's
        # finder; run from there, not the repository, whose ocrframe/ the baseline must not see
        cwd=system.package_root,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(pythonpath(system.package_root))},
    )
    answer = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if answer:
        return json.loads(answer[-1])
    last = done.stderr.strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
    return {"error": f"the process failed: {last[0]}"}


def pythonpath(root: Path) -> list[str]:
    """``root`` first, then whatever PYTHONPATH already said."""
    return [str(root), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]


def config(text: str) -> tuple[str, dict]:
    """``--config NAME=KWARGS_JSON``."""
    name, sep, kwargs = text.partition("=")
    try:
        value = json.loads(kwargs) if sep else None
    except json.JSONDecodeError as err:
        raise argparse.ArgumentTypeError(f"{text!r}: the keywords are not JSON ({err})") from err
    if not name or not isinstance(value, dict):
        raise argparse.ArgumentTypeError(f"{text!r}: expected NAME={{JSON object}}")
    return name, value


def rounds(systems: list[System], images: Path, count: int) -> list[dict]:
    """``count`` rounds of every system once, the order rotated each round."""
    runs = []
    for r in range(count):
        shift = r % len(systems)
        for system in systems[shift:] + systems[:shift]:
            print(f"round {r + 1}/{count}: {system.name}", file=sys.stderr, flush=True)
            runs.append({"round": r, "system": system.name, **run(system, images)})
    return runs


def best(runs: list[dict], name: str) -> dict:
    """A system's fastest round, with the highest peak RSS of all its rounds; an error when no
    round finished."""
    mine = [r for r in runs if r["system"] == name]
    good = [r for r in mine if "error" not in r]
    if not good:
        return {"error": mine[0]["error"] if mine else "not run"}
    fastest = min(good, key=lambda r: r["wall"])
    return {
        **fastest,
        "rss_mib": max(r["rss_mib"] for r in good),
        "child_rss_mib": max(r["child_rss_mib"] for r in good),
        "rounds_ok": len(good),
    }


#: the columns of words, left-aligned; the others are numbers
TEXT_COLUMNS = ("system", "stage", "note")


def markdown(header: list[str], rows: list[list[str]]) -> str:
    """A markdown table, columns padded, numbers right-aligned."""
    cells = [header, *rows]
    widths = [max(len(row[k]) for row in cells) for k in range(len(header))]
    left = [name in TEXT_COLUMNS for name in header]

    def line(row: list[str]) -> str:
        padded = [c.ljust(w) if lt else c.rjust(w) for c, w, lt in zip(row, widths, left)]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join("-" * (w + 1) + ("-" if lt else ":") for w, lt in zip(widths, left)) + "|"
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


def speed_table(systems: list[System], runs: list[dict], baseline: str | None) -> str:
    found = {s.name: best(runs, s.name) for s in systems}

    def speed(name: str | None) -> float | None:
        got = found.get(name) if name else None
        return None if got is None or "error" in got else got["images"] / got["wall"]

    reference, before = speed(RAPIDOCR), speed(baseline)
    header = ["system", "images/s", f"vs {RAPIDOCR}"]
    header += [f"vs {baseline}"] if baseline else []
    header += ["CPU/wall", "CPU s", "wall s", "RSS MiB", "worker MiB", "lines", "chars", "note"]
    rows = []
    for system in systems:
        got = found[system.name]
        if "error" in got:
            blanks = ["-"] * (len(header) - 2)
            rows.append([system.name, *blanks, got["error"].replace("|", "/")])
            continue
        rate = speed(system.name)
        row = [system.name, f"{rate:.2f}", ratio(rate, reference)]
        row += [ratio(rate, before)] if baseline else []
        row += [
            f"{got['cpu'] / got['wall']:.2f}",
            f"{got['cpu']:.1f}",
            f"{got['wall']:.1f}",
            f"{got['rss_mib']:.0f}",
            f"{got['child_rss_mib']:.0f}" if got["child_rss_mib"] else "-",
            str(got["lines"]),
            str(got["chars"]),
            note(got),
        ]
        rows.append(row)
    return markdown(header, rows)


def ratio(value: float | None, reference: float | None) -> str:
    return "-" if value is None or not reference else f"{value / reference:.2f}"


def note(got: dict) -> str:
    parts = []
    if got["failed"]:
        parts.append(f"{got['failed']} images failed")
    if got["children_alive"]:
        parts.append(f"{got['children_alive']} children still running (read from /proc)")
    return "; ".join(parts)


def stage_table(found: dict) -> str:
    wall, cpu = found["wall"], found["cpu"]
    rows = []
    for stage in found["stages"]:
        rows.append(stage_row(stage["name"], stage["calls"], stage["wall"], stage["cpu"], wall))
    inside = sum(s["wall"] for s in found["stages"])
    inside_cpu = sum(s["cpu"] for s in found["stages"])
    rows.append(
        stage_row("other (Python around the models)", None, wall - inside, cpu - inside_cpu, wall)
    )
    rows.append(stage_row("total (recognize)", None, wall, cpu, wall))
    return markdown(["stage", "calls", "wall s", "share", "CPU s", "CPU/wall"], rows)


def stage_row(name: str, calls: int | None, wall: float, cpu: float, total: float) -> list[str]:
    return [
        name,
        "-" if calls is None else str(calls),
        f"{wall:.2f}",
        f"{wall / total:.0%}" if total else "-",
        f"{cpu:.2f}",
        f"{cpu / wall:.2f}" if wall > 0 else "-",
    ]


def stage_notes(found: dict) -> list[str]:
    notes = list(found["notes"])
    stages = {s["name"]: s for s in found["stages"]}
    if "detection" in stages and stages["detection"]["calls"] == 0:
        notes.append(
            "detection never ran in the engine wrapped (engines.get('local')): recognize read "
            "with another engine, or in worker processes"
        )
    if sum(s["wall"] for s in found["stages"]) > found["wall"]:
        notes.append("the stages overlapped (threads?): their shares add up to more than 100%")
    return notes


def print_stages(found: dict) -> None:
    if "error" in found:
        print(f"\nstages: not measured ({found['error']})")
        return
    kwargs = found["kwargs"]
    called = f"recognize(paths, progress=False{''.join(f', {k}={v!r}' for k, v in kwargs.items())})"
    print(
        f"\nStages of the working tree's {called}, one run over {found['images']} images "
        f"(after {WARM_UP} warm-up images), CPU of this process:\n"
    )
    print(stage_table(found))
    for line in stage_notes(found):
        print(f"note: {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--realdev", default=str(REALDEV), help="the realdev images' folder")
    parser.add_argument("--limit", type=int, default=None, help="images, spread over the folders")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--baseline", default="3cbad5c", help="the revision compared with ('none': skip)"
    )
    parser.add_argument(
        "--config",
        type=config,
        action="append",
        default=[],
        metavar="NAME=KWARGS_JSON",
        help="the working tree's recognize with these keywords too (repeatable)",
    )
    parser.add_argument("--no-stages", action="store_true", help="skip the per-stage pass")
    parser.add_argument(
        "--stage-images", type=int, default=None, help="images of the per-stage pass (default: all)"
    )
    parser.add_argument(
        "--stage-kwargs", type=json.loads, default={}, help="recognize's keywords in that pass"
    )
    parser.add_argument("--json", default=None, help="save every round's figures to this file")
    # the child process's side (one file: the parent runs this script again)
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--images", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--package-root", default=str(REPO), help=argparse.SUPPRESS)
    parser.add_argument("--kwargs", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args)

    realdev = Path(args.realdev)
    paths = selection(realdev, args.limit)
    if not paths:
        print(f"skipped: no images in {realdev} (pass --realdev DIR)")
        return 0
    names = [name for name, _ in args.config]
    if len(set(names)) < len(names) or {RAPIDOCR, WORKING_TREE} & set(names):
        parser.error(
            f"--config names must differ from each other and from {RAPIDOCR!r}, 'ocrframe'"
        )
    notes, sha, baseline = [], None, None
    with tempfile.TemporaryDirectory() as tmp:
        systems = [System(RAPIDOCR, RAPIDOCR)]
        if args.baseline.lower() != "none":
            try:
                sha = package_at(args.baseline, Path(tmp) / "baseline")
                baseline = f"ocrframe@{args.baseline}"
                systems.append(System(baseline, "ocrframe", Path(tmp) / "baseline"))
            except (OSError, subprocess.CalledProcessError) as err:
                notes.append(f"--baseline {args.baseline}: not measured ({err})")
        systems.append(System(WORKING_TREE, "ocrframe"))
        systems += [System(name, "ocrframe", kwargs=kwargs) for name, kwargs in args.config]
        images = Path(tmp) / "images.json"
        images.write_text(json.dumps([str(p) for p in paths]), "utf-8")
        runs = rounds(systems, images, args.rounds)
        stages = None
        if not args.no_stages:
            print("stages: the working tree", file=sys.stderr, flush=True)
            stage_paths = (
                paths if args.stage_images is None else selection(realdev, args.stage_images)
            )
            images.write_text(json.dumps([str(p) for p in stage_paths]), "utf-8")
            stages = run(System("stages", "stages", kwargs=args.stage_kwargs), images)

    counts = {f: sum(p.parent.name == f for p in paths) for f in FOLDERS}
    print(
        f"\n{len(paths)} realdev images ({', '.join(f'{n} {f}' for f, n in counts.items())}), "
        f"{args.rounds} rounds, systems interleaved; best round per system, RSS the highest "
        f"of the rounds; {os.cpu_count()} CPUs" + (f"; {baseline} = {sha}" if sha else "") + "\n"
    )
    print(speed_table(systems, runs, baseline))
    for line in notes:
        print(f"note: {line}")
    if stages is not None:
        print_stages(stages)

    if args.json:
        saved = {
            "settings": {
                "realdev": str(realdev),
                "images": [str(p) for p in paths],
                "rounds": args.rounds,
                "baseline": {"revision": args.baseline, "commit": sha},
                "configs": dict(args.config),
                "stage_kwargs": args.stage_kwargs,
                "cpus": os.cpu_count(),
            },
            "notes": notes,
            "runs": runs,
            "stages": stages,
        }
        Path(args.json).write_text(json.dumps(saved, indent=2, ensure_ascii=False) + "\n")
        print(f"\nsaved: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
