"""MILE: run labour-market integration programmes for third-country nationals."""

__version__ = "0.1.0"
