"""Use cases: the only layer that combines the store, Moodle and the analysis."""
