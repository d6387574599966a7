"""The version of ocrframe, where every layer can read it (written into exported files)."""

__version__ = "0.1.0"
