"""The leadership reports: building one, its charts, tables, PDF and Excel files."""
