"""python -m qtqms"""

from qtqms.cli.main import run

run()
