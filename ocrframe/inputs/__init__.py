"""What users pass, turned into pages: paths, globs, URLs, bytes, PIL images, arrays, PDF and
TIFF pages, decoded to pixels. May import ``core``, ``schema`` and ``errors`` only.
"""
