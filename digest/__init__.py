"""digest: a static site generator for curated news digests."""

__version__ = "0.1.0"  # the package's version: pyproject.toml reads it from here
