"""Service Improvement Dashboard analytics: store, catalogue, ingestion and statistics.

Pure Python: nothing in this package imports streamlit, so every capability is testable and
reachable from the command line (python -m analytics).
"""
