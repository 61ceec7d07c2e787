"""bibcv: academic CVs from BibTeX and YAML."""

__version__ = "0.1.0"

# Seconds TeX may run for one CV before its whole process group is killed.
DEFAULT_TIMEOUT = 120.0
# The output formats a build can write; each has a writer in pipeline.WRITERS.
OUTPUT_FORMATS = ("pdf", "html", "md")
# A CV file's suffixes; a file named _name.yaml is a base file, which CVs extend, never built.
CV_SUFFIXES = (".yaml", ".yml")
BASE_FILE_PREFIX = "_"
