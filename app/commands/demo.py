from __future__ import annotations

import json
import sys
from dataclasses import asdict

import click
from flask.cli import with_appcontext


@click.command("demo")
@click.option(
    "--size",
    type=click.Choice(["small", "large"]),
    default="small",
    show_default=True,
    help="small: 5 business lines; large: 30 business lines, for benchmarks.",
)
@click.option("--reset", is_flag=True, help="Delete all data first and seed again.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@with_appcontext
def demo_command(size: str, reset: bool, output_format: str) -> None:
    """Migrate the database and seed a demo organisation; print every account."""
    from flask_migrate import downgrade, upgrade

    from app.demo import organisation as demo
    from app.extensions import db

    if reset:
        downgrade(revision="base")
    upgrade()
    if demo.is_seeded():
        click.echo("The demo data is already there (use --reset to seed it again).", err=True)
    else:
        lines = demo.demo_business_lines(size)
        with click.progressbar(
            length=len(lines), label="Seeding business lines", file=sys.stderr
        ) as bar:
            demo.seed_organisation(size, progress=bar.update)
        db.session.commit()
        for label, step in demo.demo_steps():
            with click.progressbar(length=100, label=label, file=sys.stderr) as bar:
                step(size, bar.update)
            db.session.commit()
    accounts = list(demo.demo_accounts())
    if output_format == "json":
        click.echo(
            json.dumps(
                {"password": demo.DEMO_PASSWORD, "accounts": [asdict(a) for a in accounts]},
                ensure_ascii=False,
            )
        )
        return
    click.echo(f"Demo accounts (password for all: {demo.DEMO_PASSWORD}):")
    for account in accounts:
        scope = f"  [{', '.join(account.business_lines)}]" if account.business_lines else ""
        click.echo(f"  {account.email:<28} {account.role:<11} {account.name}{scope}")
