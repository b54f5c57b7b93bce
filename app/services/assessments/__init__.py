"""Assessments: the cycle workflow, who sees and fills what, results, the Excel
round trip and the stored maturity models."""
