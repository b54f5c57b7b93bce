"""Outcome KPIs of business lines: definitions, values (form, import, API, surveys), the
scorecard, and maturity beside outcomes."""
