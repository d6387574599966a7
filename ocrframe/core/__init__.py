"""What every layer shares: the pages' error codes, box geometry, building contract frames from
rows, fonts, the result-table links and the version. May import ``schema`` and ``errors`` only.
"""
