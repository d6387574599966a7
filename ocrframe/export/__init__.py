"""Writers: a result's tables to parquet/CSV, hOCR, ALTO, PAGE, text, searchable PDF and Label
Studio. They take frames (``schema.Tables``); may import ``inputs`` and below, never the result.

Writers take any result, recognised here or read from saved responses, and write the files
that spreadsheets, databases and the OCR ecosystem's tools open (and read them back where a
format carries the data: CSV, Label Studio exports).
"""
