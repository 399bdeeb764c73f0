"""brainfit-solver: a proven-optimal week of brain-health exercise around a real calendar."""

__version__ = "0.1.0"
