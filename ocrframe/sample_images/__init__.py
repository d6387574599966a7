"""Pictures to try ocrframe on: the bundled samples with their truth, synthetic cards and hard
pages drawn with known text. May import ``inputs``, ``core`` and ``errors`` only.
"""
