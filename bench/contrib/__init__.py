"""Tools for contributors: authoring, validation, statistics, agreement, conversion."""
