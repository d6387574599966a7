"""Old module paths, deprecated: ``ocrframe.pages`` is ``ocrframe.inputs.pages``, and
``ocrframe.engines.records`` is ``ocrframe.records``.

One table, :data:`MOVED`, serves both ways of reaching an old path, and both warn
(``DeprecationWarning``, naming the new path and :data:`REMOVED_IN`):

- the attribute forms (``ocrframe.pages``, ``from ocrframe import pages``) through the module
  ``__getattr__`` of the package that held the old module (``ocrframe``, ``ocrframe.engines``),
  which calls :func:`module`;
- the statement forms (``import ocrframe.pages``, ``from ocrframe.pages import x``,
  ``importlib.import_module("ocrframe.pages")``), which never consult a module ``__getattr__``,
  through :class:`MovedFinder` on ``sys.meta_path`` (:func:`install`).

Either way the module given is the real one, the very object of its new path, with its own
``__name__`` and ``__spec__``: nothing is copied, nothing is put in ``sys.modules`` beforehand.
Only strings are held here (the modules are imported by name when asked for), so this module
sits in ``core`` and imports nothing of ocrframe.

>>> import warnings
>>> import ocrframe, ocrframe.inputs.pages
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     pages = ocrframe.pages
>>> pages is ocrframe.inputs.pages, pages.__name__
(True, 'ocrframe.inputs.pages')
>>> print(caught[0].message)
ocrframe.pages is deprecated: import ocrframe.inputs.pages instead (the old path will be removed in ocrframe 0.3)
>>> import ocrframe.records
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     from ocrframe.engines import records
>>> records is ocrframe.records, caught[0].category.__name__
(True, 'DeprecationWarning')
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings

PACKAGE = "ocrframe"
REMOVED_IN = "0.3"

#: old module name, relative to ``ocrframe`` (``"pages"``, ``"engines.records"``) -> the
#: module's path now
MOVED = {
    "accessor": "ocrframe.plot.accessor",
    "assemble": "ocrframe.core.assemble",
    "codes": "ocrframe.core.codes",
    "fastjsonl": "ocrframe.reading.jsonl",
    "files": "ocrframe.inputs.files",
    "fonts": "ocrframe.core.fonts",
    "geometry": "ocrframe.core.geometry",
    "hard_pages": "ocrframe.sample_images.hard_pages",
    "images": "ocrframe.inputs.images",
    "pages": "ocrframe.inputs.pages",
    "samples": "ocrframe.sample_images.bundled",  # the path only: ocrframe.samples is a function
    "synthetic": "ocrframe.sample_images.synthetic",
    # the record format and the signature, once engines' own, are the contract's now
    "engines.records": "ocrframe.records",
    "engines.signature": "ocrframe.signature",
}


def message(old: str) -> str:
    """The warning for old module name ``old`` (``"pages"``, ``"engines.records"``)."""
    return (
        f"{PACKAGE}.{old} is deprecated: import {MOVED[old]} instead "
        f"(the old path will be removed in {PACKAGE} {REMOVED_IN})"
    )


def module(old: str, stacklevel: int = 2) -> types.ModuleType:
    """The module old name ``old`` moved to, after a ``DeprecationWarning``; ``stacklevel`` as
    :func:`warnings.warn`'s, counted from the caller of this function."""
    warnings.warn(message(old), DeprecationWarning, stacklevel=stacklevel + 1)
    return importlib.import_module(MOVED[old])


def old_name(fullname: str) -> str | None:
    """The key of :data:`MOVED` that the dotted name ``fullname`` is (``"ocrframe.pages"`` ->
    ``"pages"``), or None when it is no old path."""
    prefix = f"{PACKAGE}."
    old = fullname[len(prefix) :] if fullname.startswith(prefix) else None
    return old if old in MOVED else None


class MovedFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds exactly the old dotted names (``ocrframe.pages``, ``ocrframe.engines.records``) and
    loads each as the real module of its new path. Every other name is left to the finders
    after it."""

    def find_spec(self, fullname: str, path=None, target=None):
        if old_name(fullname) is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec):
        old = old_name(spec.name)
        warnings.warn(message(old), DeprecationWarning, stacklevel=_importing_line())
        real = importlib.import_module(MOVED[old])
        spec.loader_state = real.__spec__
        return real

    def exec_module(self, module):
        # the module ran when first imported by its own path. The import system has just set
        # the old path's spec on it: put its own back, so that __spec__ names where it lives
        module.__spec__ = module.__spec__.loader_state


def _importing_line() -> int:
    """The ``stacklevel`` that points a warning from :meth:`MovedFinder.create_module` at the
    line that imports: the first frame outside importlib. ``warnings`` itself skips the frozen
    import system's frames; ``importlib.import_module``'s is one more to step over."""
    level, frame = 2, sys._getframe(2)  # the caller of create_module
    while frame is not None and _in_importlib(frame.f_code.co_filename):
        if not frame.f_code.co_filename.startswith("<frozen"):
            level += 1
        frame = frame.f_back
    return level


def _in_importlib(filename: str) -> bool:
    return filename.startswith("<frozen importlib") or filename == importlib.__file__


class Package(types.ModuleType):
    """The class of a package that held old paths (``ocrframe``, ``ocrframe.engines``): as any
    package, plus one rule. The import system binds a module it loaded as an attribute of its
    package; an old path's module is not bound under its old name, so ``ocrframe.samples``
    stays the function after ``import ocrframe.samples`` and ``ocrframe.pages`` keeps warning
    after ``import ocrframe.pages``."""

    def __setattr__(self, name: str, value) -> None:
        if isinstance(value, types.ModuleType) and old_name(f"{self.__name__}.{name}"):
            return
        super().__setattr__(name, value)


def install(package: types.ModuleType) -> None:
    """Route the old paths of ``package`` (the ``ocrframe`` module, or ``ocrframe.engines``)
    here: each calls it once, as it is first imported."""
    package.__class__ = Package
    if not any(isinstance(finder, MovedFinder) for finder in sys.meta_path):
        sys.meta_path.append(MovedFinder())
