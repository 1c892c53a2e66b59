"""`qtqms pqc`: the engine's commands (`scan`, `policy`: no database) and the plan's (`import`, `inventory`,
`diff`, `migrate`: the QMS database), mounted on one Typer that the slice's manifest names."""

import typer

from qtqms.pqc.cli import plan, scan

app = typer.Typer(no_args_is_help=True, help="Post-quantum readiness: crypto inventory, CBOM and policy packs.")
app.command()(scan.scan)
app.command("import")(plan.import_)
app.command()(plan.inventory)
app.command()(plan.diff)
app.add_typer(scan.policy_app, name="policy")
app.add_typer(plan.migrate_app, name="migrate")
