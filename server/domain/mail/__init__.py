"""Pure mail logic: message parsing, new-text extraction, and the suggestion detectors."""
