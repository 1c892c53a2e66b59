"""Stages and stage gates: gate templates, gate checks over live data, signed gate decisions."""
