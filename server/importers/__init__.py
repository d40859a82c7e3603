"""Pure, streaming parsers of contact exports (SPEC §8): LinkedIn, Google, vCard, plain CSV.

They read files and yield `ImportRow`s of bulk items; they never touch Flask, SQL or HTTP.
"""

from server.importers.detect import FORMATS, detect_format, iter_rows
from server.importers.records import ImportFileError, ImportRow

__all__ = ["FORMATS", "ImportFileError", "ImportRow", "detect_format", "iter_rows"]
