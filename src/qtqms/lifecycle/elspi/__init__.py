"""ELSPI impact assessment: question banks, scoring, levels, re-assessment, sign-offs and red lines."""
