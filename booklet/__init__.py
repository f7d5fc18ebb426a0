"""booklet: assessment rubrics and records → scores, a read-only score site and PDF booklets."""
__version__ = "0.1.0"
