"""Ticket text intelligence: preprocessing, PII scrubbing, clustering, classifiers."""
