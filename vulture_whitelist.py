"""Names vulture reports as unused that are used where it cannot see (`[tool.vulture]` in pyproject.toml).

Vulture only parses this file, never runs it: each line is a use of a name, grouped by why the name is alive.
Add a name here only with its reason; a name nothing uses is removed instead.
"""

# ruff: noqa
_ = object

# Enum members: stored and compared by value (database rows, pack files, form fields), never named in code.
_.CLAUSE, _.CONTROL, _.OBJECTIVE, _.GUIDANCE, _.RELATED, _.RETIRED  # catalog
_.AUTHORED, _.REVIEWED, _.APPROVED, _.RELEASED  # esign signature meanings
_.COMPUTING, _.COMMUNICATION, _.SENSING, _.METROLOGY, _.SIMULATION  # org technology domains
_.DRBG, _.COMBINER  # pqc scanner primitives
_.INFORMATION, _.SOFTWARE, _.SERVICE, _.HARDWARE, _.QUANTUM_EQUIPMENT, _.PEOPLE, _.SITE  # risk asset kinds
_.AI, _.QUALITY, _.ELSPI, _.COMPLIANCE, _.EVENT  # risk kinds
_.MODIFY, _.AVOID, _.SHARE, _.ACCEPT, _.TOLERATE, _.TREAT  # risk treatments and decisions
_.NO_GO, _.RECYCLE  # lifecycle gate outcomes
(
    _.RESEARCH,
    _.ENTERPRISE,
    _.CRITICAL_INFRASTRUCTURE,
    _.GOVERNMENT,
    _.DEFENCE,
    _.LAW_ENFORCEMENT,
    _.CONSUMER,
)  # lifecycle customer classes
_.PROCEDURE, _.WORK_INSTRUCTION, _.FORM, _.RECORD  # quality document kinds
_.AUDIT_FINDING, _.INCIDENT, _.CUSTOMER_COMPLAINT, _.FAILED_GATE, _.PQC_POLICY_VIOLATION  # quality nonconformity
_.TEST_OUT_OF_SPEC, _.SUPPLIER, _.MAJOR, _.MINOR, _.OBSERVATION  # sources and severities
_.CORRECTION, _.CORRECTIVE, _.PREVENTIVE  # quality action kinds

# Pydantic schema fields: serialised into the JSON API, `--json` output and templates, which vulture does not read.
_.other_requirement, _.decided, _.old_version, _.new_version, _.unchanged  # catalog
_.subject_label, _.state_checked  # esign
_.legal_name, _.address, _.activities  # org
_.scanned_by, _.unjudged_policies, _.turning_points, _.worse_count, _.in_progress  # pqc
_.risk_title, _.created_by, _.assessed_by, _.treat_by, _.likelihood_labels, _.source_date  # risk
_.y_plan, _.risk_status, _.definition  # risk
_.next_before_seq  # trail
_.assessor, _.bank_versions, _.recorded_at, _.recorded_by  # lifecycle
_.html, _.my_acknowledgement_due, _.raised_by  # quality

# ORM columns: tables the migrations create and the schemas above read by attribute (from_attributes).
_.last_seen_at, _.closed_by_id, _.from_state, _.to_state, _.changed_at
_.cleared_at  # lifecycle: when a red-line hit was cleared, kept for the trail

# Attributes a library reads: SQLAlchemy TypeDecorator, the sqlite3 connection, pydantic field info, anyio's
# thread limiter, the Jinja environment, markdown-it's link check.
_.impl, _.cache_ok, _.isolation_level, _.json_schema_extra, _.total_tokens, _.loader, _.validateLink

# Named by a dotted path in a slice manifest (slice.py: subjects, related), which kit.slices imports by name.
find_controls, find_requirements, find_products, find_risks, risks_treating_controls
gate_panel, elspi_panel, export_panel  # lifecycle product-page panels
find_documents, find_nonconformities, documents_serving_controls, documents_serving_requirements  # quality

# PEP 562 module __getattr__ of qtqms.pqc.scanner: Python calls it for the engine names it loads lazily.
__getattr__

# Used only by tests and benchmarks, and kept on purpose:
reset_settings  # the test and benchmark hook that re-reads settings after the environment changes
dispose_all  # benchmarks/ closes every pooled engine between runs
rebuild_heat_counts  # the repair after a bulk load (benchmarks/bench_risk.py); docs/performance.md cites the test
# that maintained heat-map counts equal this recount
pack_problems  # checks the shipped scanner pattern packs against their schema (tests/pqc/test_domain.py)
load_document  # kernel.datapack's parse-and-check of one pack (tests/kernel/test_datapack.py)
open_nonconformities  # for the lifecycle slice's gate checks (tests/quality/test_nonconformity.py)
load_text  # a risk pack from YAML text, every problem at once (tests/risk/test_domain.py)
_.final_states, _.available  # kernel.workflow: what a page offers (tests/kernel/test_workflow.py)
FixedClock, use  # kernel.clock: how tests (and a reproducible run) stop the clock (tests/conftest.py fixed_clock)
_.format_version  # trail.domain.Checkpoint: written to and read from every checkpoint file (tests/trail/test_checkpoints.py)
_.may  # kit.web.templating.PageContext: templates ask `page.may(Permission.X)` (org/templates/org/scope.html)
