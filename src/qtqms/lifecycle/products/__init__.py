"""Products as the lifecycle sees them: purpose, markets, readiness and typed technical parameters."""
