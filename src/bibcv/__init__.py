"""bibcv: academic CVs from BibTeX and YAML."""

__version__ = "0.1.0"
