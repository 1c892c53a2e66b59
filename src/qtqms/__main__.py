"""python -m qtqms"""

from qtqms.app.cli import run

run()
