"""Scoring against gold files: extraction (`gold`), relations (`relations`), the development corpus
(`dev`) and the Recognizers-Text peer suites (`peer`). One command line: `python -m tools.eval`."""
