"""The improvement backlog: items, their lists, quick-win projects and KPIs, PMO reviews
and what waits for each user."""
