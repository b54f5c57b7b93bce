"""Findings and where they come from: the list and manual entries, file import and
export, pain-point surveys and the clustering of findings into themes."""
