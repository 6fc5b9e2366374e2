"""Rendering only, never deciding: the advice as text and markdown, the batch report as HTML,
rule-suite results as text and JSON."""
