"""warp: warpage and reliability analysis of molded flip-chip packages."""

__version__ = "0.1.0"
