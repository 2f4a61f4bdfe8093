"""Extractors: documents in, event mentions out. See ``base.Extractor``."""
