"""Demo data: an organisation, then each area's seeding step (``ladder demo``). Kept apart
from the services: nothing in the application imports it but the command."""
