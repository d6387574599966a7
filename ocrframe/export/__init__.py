"""Files for other tools: what an OcrResult is written to, and read back from.

Writers take any OcrResult — recognised here or read from saved responses — and write the files
that spreadsheets, databases and the OCR ecosystem's tools open. They may import the contract,
the result and the readers, never the engines or the apps.
"""
