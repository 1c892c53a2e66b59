"""Risk rules: matrices and levels, acceptance criteria, the risk's state hash, and Mosca's inequality."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from qtqms.esign.domain import Finding, Verification, not_among
from qtqms.kernel import hashchain
from qtqms.kernel.errors import InvalidInput, Problem
from qtqms.kernel.refs import HumanRef, RequirementRef


class AssetKind(StrEnum):
    INFORMATION = "information"
    SOFTWARE = "software"
    SERVICE = "service"
    HARDWARE = "hardware"
    # Dilution refrigerators, lasers, single-photon detectors, control electronics.
    QUANTUM_EQUIPMENT = "quantum-equipment"
    PEOPLE = "people"
    SITE = "site"


class RiskDomain(StrEnum):
    SECURITY = "security"
    AI = "ai"
    QUALITY = "quality"
    ELSPI = "elspi"
    COMPLIANCE = "compliance"


class Approach(StrEnum):
    EVENT = "event"
    ASSET = "asset"


class TreatmentOption(StrEnum):
    MODIFY = "modify"
    RETAIN = "retain"
    AVOID = "avoid"
    SHARE = "share"


class RiskStatus(StrEnum):
    IDENTIFIED = "identified"  # described, not yet rated
    ASSESSED = "assessed"  # rated, no treatment under way
    TREATING = "treating"  # treatment actions open
    TREATED = "treated"  # every action closed, residual re-assessed, not (validly) accepted
    ACCEPTED = "accepted"  # a valid signed acceptance covers the present state


class AcceptanceState(StrEnum):
    NONE = "none"
    VALID = "valid"
    INVALID = "invalid"  # the risk changed materially after it was accepted
    EXPIRED = "expired"  # shown, never stored: a valid acceptance past its expiry


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


class Sensitivity(StrEnum):
    """How much harm disclosure of a data class does, independent of any matrix."""

    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"
    CRITICAL = "critical"


class Decision(StrEnum):
    """What a risk level's acceptance criterion says about a risk at that level."""

    ACCEPT = "accept"
    TOLERATE = "tolerate"
    TREAT = "treat"
    PROHIBITED = "prohibited"


RATING_KINDS = ("inherent", "current", "residual")
UNRATED = -1  # stored level of a rating not yet given, so that sorting and keyset pagination need no NULLs
REF_PREFIX = "R"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$")
MAX_YEARS = 200.0


def parse_choice(enum: type[StrEnum], value: str, field_name: str) -> Any:
    """The enum member named by `value`, or InvalidInput listing the choices."""
    try:
        return enum(value)
    except ValueError:
        known = ", ".join(member.value for member in enum)
        raise InvalidInput(
            f"{field_name} '{value}': must be one of {known}", [Problem(f"must be one of {known}", field=field_name)]
        ) from None


def format_ref(number: int) -> str:
    return str(HumanRef(REF_PREFIX, number))


def parse_ref(ref: str) -> int:
    return HumanRef.parse(REF_PREFIX, ref, "risk").number


def check_key(value: str, field_name: str) -> str:
    if not KEY_PATTERN.match(value):
        raise InvalidInput(
            f"{field_name} '{value}': use 1-60 letters, digits, '.', '_' or '-', starting with a letter or digit",
            [Problem("letters, digits, '.', '_' or '-' only", field=field_name)],
        )
    return value


def split_requirement_links(links: Sequence[str]) -> list[tuple[str, str]]:
    """'pack-id:REQ-ID' links as (pack id, requirement id) pairs; whether each names a requirement is the
    catalogue's to say. Every malformed link is reported, by its position."""
    refs, problems = [], []
    for index, link in enumerate(links):
        try:
            ref = RequirementRef.parse(link, f"linked_requirements[{index}]")
        except InvalidInput as error:
            problems += error.problems
        else:
            refs.append((ref.framework, ref.requirement))
    if problems:
        raise InvalidInput(str(problems[0]), problems)
    return refs


# --- matrices -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScaleStep:
    value: int
    label: str
    definition: str
    never_acceptable: bool = False  # e.g. catastrophic, irreversible, societal-scale impact


@dataclass(frozen=True)
class RiskLevel:
    index: int
    key: str
    label: str
    tone: str  # badge colour class: ok, info, warn, bad
    colour: str  # heat-map cell background
    decision: Decision
    accept_roles: tuple[str, ...]
    max_treat_days: int | None
    review_days: int


@dataclass(frozen=True)
class PackInfo:
    id: str
    title: str
    version: str
    source: str
    verified_on: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RiskMatrix:
    info: PackInfo
    likelihood: tuple[ScaleStep, ...]
    impact: tuple[ScaleStep, ...]
    levels: tuple[RiskLevel, ...]
    grid: tuple[tuple[int, ...], ...]  # grid[likelihood - 1][impact - 1] = level index

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def version(self) -> str:
        return self.info.version

    @property
    def size(self) -> str:
        return f"{len(self.likelihood)}x{len(self.impact)}"

    def rating_problems(self, likelihood: object, impact: object, prefix: str = "") -> list[Problem]:
        """Why (likelihood, impact) is not a cell of this matrix; empty when it is."""
        problems = []
        for name, value, scale in (("likelihood", likelihood, self.likelihood), ("impact", impact, self.impact)):
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= len(scale):
                problems.append(
                    Problem(
                        f"{value!r} is outside matrix {self.id} (1-{len(scale)})",
                        field=f"{prefix}{name}",
                    )
                )
        return problems

    def level_of(self, likelihood: int, impact: int) -> RiskLevel:
        problems = self.rating_problems(likelihood, impact)
        if problems:
            raise InvalidInput(str(problems[0]), problems)
        return self.levels[self.grid[likelihood - 1][impact - 1]]

    def level(self, index: int) -> RiskLevel | None:
        return self.levels[index] if 0 <= index < len(self.levels) else None

    def impact_step(self, impact: int) -> ScaleStep:
        return self.impact[impact - 1]


def matrix_violations(data: Mapping[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """Consistency a JSON Schema cannot express: scales numbered 1..n, grid shape, level indexes, roles."""
    from qtqms.kernel.rbac import Role

    found: list[tuple[tuple[str | int, ...], str]] = []
    for scale in ("likelihood", "impact"):
        for position, step in enumerate(data.get(scale, [])):
            if step.get("value") != position + 1:
                found.append(((scale, position, "value"), f"expected {position + 1}: a scale is numbered 1, 2, 3 …"))
    levels = data.get("levels", [])
    for position, level in enumerate(levels):
        if level.get("index") != position:
            found.append((("levels", position, "index"), f"expected {position}: levels are numbered from 0 upwards"))
        for role_position, role in enumerate(level.get("accept_roles", [])):
            if role not in {r.value for r in Role}:
                found.append((("levels", position, "accept_roles", role_position), f"unknown role '{role}'"))
    grid = data.get("grid", [])
    if len(grid) != len(data.get("likelihood", [])):
        found.append((("grid",), f"needs one row per likelihood value ({len(data.get('likelihood', []))})"))
    for row_index, row in enumerate(grid):
        if len(row) != len(data.get("impact", [])):
            found.append((("grid", row_index), f"needs one cell per impact value ({len(data.get('impact', []))})"))
        for cell_index, cell in enumerate(row):
            if not 0 <= cell < len(levels):
                found.append((("grid", row_index, cell_index), f"level {cell} is not defined under levels"))
    return found


# --- threats and CRQC scenarios -------------------------------------------------------------------


@dataclass(frozen=True)
class Threat:
    id: str
    title: str
    description: str
    category: str  # general | quantum
    domains: tuple[str, ...]
    affects: tuple[str, ...]


@dataclass(frozen=True)
class ThreatCatalogue:
    info: PackInfo
    threats: tuple[Threat, ...]

    def ref(self, threat: Threat) -> str:
        return f"{self.info.id}:{threat.id}"


@dataclass(frozen=True)
class CrqcScenario:
    key: str
    label: str
    crqc_year: int
    source: str
    source_date: str
    notes: str = ""
    verified_on: str = ""  # when the year was checked against its source; empty: not confirmed, see notes
    edition: str = ""  # which edition of the source the year is read from
    horizon: str = ""  # the source's horizon (or span of horizons) behind the year
    probability: str = ""  # the source's probability (range) shown beside the year


@dataclass(frozen=True)
class CrqcScenarioSet:
    info: PackInfo
    default: str
    scenarios: tuple[CrqcScenario, ...]

    def get(self, key: str) -> CrqcScenario | None:
        return next((s for s in self.scenarios if s.key == key), None)


def scenario_violations(data: Mapping[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    keys = [s.get("key") for s in data.get("scenarios", [])]
    found = [
        (("scenarios", position, "key"), f"scenario '{key}' appears twice")
        for position, key in enumerate(keys)
        if key in keys[:position]
    ]
    if data.get("default") not in keys:
        found.append(
            (("default",), f"'{data.get('default')}' is not one of the scenarios ({', '.join(map(str, keys))})")
        )
    return found


def threat_violations(data: Mapping[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    ids = [t.get("id") for t in data.get("threats", [])]
    return [
        (("threats", position, "id"), f"threat '{threat_id}' appears twice")
        for position, threat_id in enumerate(ids)
        if threat_id in ids[:position]
    ]


# --- acceptance -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rating:
    likelihood: int
    impact: int


def _rating_text(value: Rating | None) -> str | None:
    return None if value is None else f"L{value.likelihood}xI{value.impact}"


@dataclass(frozen=True)
class RiskState:
    """Every field of a risk a reader relies on: an acceptance is bound to their hash, and any change voids it.

    Not material: the owner (who looks after the risk, not what it is), the Mosca computation's wording (it
    restates the as-of year; the ratings it yields are material) and the progress of treatment actions.
    """

    matrix_id: str
    matrix_version: str
    inherent: Rating | None
    current: Rating | None
    residual: Rating | None
    treatment_option: str | None
    asset_ids: tuple[int, ...] = field(default=())
    title: str = ""
    description: str = ""
    domain: str = ""
    approach: str = ""
    threat: str = ""
    vulnerabilities: str = ""
    existing_controls: str = ""
    product_id: int | None = None
    treatment_plan: str = ""
    treatment_actions: tuple[str, ...] = field(default=())  # "due 2027-01-31, owner 7: title"
    data_class_ids: tuple[int, ...] = field(default=())
    requirement_ids: tuple[int, ...] = field(default=())
    control_ids: tuple[int, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "description": self.description,
            "domain": self.domain,
            "approach": self.approach,
            "threat": self.threat,
            "vulnerabilities": self.vulnerabilities,
            "existing_controls": self.existing_controls,
            "product_id": self.product_id,
            "matrix": f"{self.matrix_id}@{self.matrix_version}",
            "inherent": _rating_text(self.inherent),
            "current": _rating_text(self.current),
            "residual": _rating_text(self.residual),
            "treatment_option": self.treatment_option,
            "treatment_plan": self.treatment_plan,
            "treatment_actions": sorted(self.treatment_actions),
            "asset_ids": sorted(self.asset_ids),
            "data_class_ids": sorted(self.data_class_ids),
            "requirement_ids": sorted(self.requirement_ids),
            "control_ids": sorted(self.control_ids),
        }

    def hash(self) -> str:
        return hashlib.sha256(hashchain.canonical(self.as_dict())).hexdigest()


@dataclass(frozen=True)
class AcceptanceDecision:
    """What the acceptor decided: signed together with the risk's state."""

    accepted_by_id: int
    justification: str
    expires_on: date
    level_key: str
    level_label: str


def accepted_state(state: RiskState, decision: AcceptanceDecision) -> dict[str, Any]:
    """The whole material state an acceptance signs: the risk's, and the decision's own fields."""
    return {
        **state.as_dict(),
        "accepted_by_id": decision.accepted_by_id,
        "justification": decision.justification,
        "expires_on": decision.expires_on,
        "level": decision.level_key,
        "level_label": decision.level_label,
    }


def effective_level(matrix: RiskMatrix, state: RiskState) -> tuple[RiskLevel, Rating] | None:
    """The level an acceptance covers: the residual rating when recorded, else the current one."""
    rating = state.residual or state.current
    if rating is None:
        return None
    return matrix.level_of(rating.likelihood, rating.impact), rating


@dataclass(frozen=True)
class Refusal:
    message: str
    forbidden: bool  # True: this user may not accept it; False: nobody may, or the input is wrong


def acceptance_refusal(
    matrix: RiskMatrix,
    state: RiskState,
    *,
    role: str,
    acceptor_id: int,
    proposers: Mapping[str, int | None],
    expires_on: date,
    today: date,
) -> Refusal | None:
    """Why this user may not accept this risk now, or None. Role permission (RISK_ACCEPT) is checked before;
    `proposers` are the parts others played in the risk (created, last assessed, ...), none of whom may accept it."""
    found = effective_level(matrix, state)
    if found is None:
        return Refusal("the risk has no current rating yet: assess it before accepting it", forbidden=False)
    level, rating = found
    conflict = not_among(acceptor_id, action="accept", subject="this risk", **proposers)
    if conflict is not None:
        return Refusal(conflict, forbidden=True)
    step = matrix.impact_step(rating.impact)
    if step.never_acceptable:
        return Refusal(f"impact '{step.label}' is not acceptable at any likelihood in {matrix.id}", forbidden=False)
    if level.decision is Decision.PROHIBITED or not level.accept_roles:
        return Refusal(f"level '{level.label}' may not be accepted by anyone under {matrix.id}: treat it", False)
    if role not in level.accept_roles:
        allowed = ", ".join(level.accept_roles)
        return Refusal(f"level '{level.label}' may be accepted only by {allowed}, not by {role}", forbidden=True)
    if expires_on <= today:
        return Refusal(f"expiry {expires_on} must be after today ({today})", forbidden=False)
    latest = date.fromordinal(today.toordinal() + level.review_days)
    if expires_on > latest:
        return Refusal(
            f"expiry {expires_on} is beyond the review period of level '{level.label}' "
            f"({level.review_days} days: {latest} at the latest)",
            forbidden=False,
        )
    return None


def default_expiry(matrix: RiskMatrix, state: RiskState, today: date) -> date:
    """An acceptance lasts until the next review of its level unless the acceptor says otherwise."""
    found = effective_level(matrix, state)
    days = found[0].review_days if found else 1
    return date.fromordinal(today.toordinal() + days)


NO_SIGNED_ACCEPTANCE = "the risk is marked accepted but no signed acceptance stands"


@dataclass(frozen=True)
class AcceptanceVerdict:
    """A risk's acceptance as every reader shows it: register, record page, API and CLI alike."""

    acceptance: str  # none, valid, expired or invalid
    validity: str  # the standing acceptance's validity in words ("" when there is none)
    until: date | None
    status: str


def claims_acceptance(stored_acceptance: str, stored_status: str) -> bool:
    """Whether a risk's stored columns say it is accepted: only then is there a signature to verify."""
    return stored_acceptance == AcceptanceState.VALID or stored_status == RiskStatus.ACCEPTED


def as_stored(stored_acceptance: str, stored_status: str) -> AcceptanceVerdict:
    """The verdict on a risk that claims no acceptance: what its columns say."""
    return AcceptanceVerdict(stored_acceptance, "", None, stored_status)


def acceptance_verdict(
    verification: Verification | None,
    *,
    stored_acceptance: str,
    stored_status: str,
    rated: bool,
    open_actions: int,
    closed_actions: int,
) -> AcceptanceVerdict:
    """What a risk's acceptance is now. A risk whose stored columns claim an acceptance is accepted only while
    the signature of its standing acceptance (`verification`, None when there is none) holds over its present
    state; a risk that claims none is shown as stored."""
    if not claims_acceptance(stored_acceptance, stored_status):
        return as_stored(stored_acceptance, stored_status)
    if verification is None:
        acceptance, validity, until = AcceptanceState.INVALID.value, f"invalid: {NO_SIGNED_ACCEPTANCE}", None
    elif verification.valid:
        acceptance, validity, until = AcceptanceState.VALID.value, "valid: signature verified", verification.expires_on
    elif verification.finding is Finding.EXPIRED:
        acceptance, validity, until = (
            AcceptanceState.EXPIRED.value,
            f"expired: {verification.reason}",
            verification.expires_on,
        )
    else:
        acceptance, validity, until = AcceptanceState.INVALID.value, f"invalid: {verification.reason}", None
    accepted = acceptance in (AcceptanceState.VALID.value, AcceptanceState.EXPIRED.value)
    status = derive_status(rated=rated, open_actions=open_actions, closed_actions=closed_actions, accepted=accepted)
    return AcceptanceVerdict(acceptance, validity, until, status.value)


def derive_status(*, rated: bool, open_actions: int, closed_actions: int, accepted: bool) -> RiskStatus:
    if accepted:
        return RiskStatus.ACCEPTED
    if not rated:
        return RiskStatus.IDENTIFIED
    if open_actions:
        return RiskStatus.TREATING
    if closed_actions:
        return RiskStatus.TREATED
    return RiskStatus.ASSESSED


def treatment_problems(option: TreatmentOption, actions: Sequence[Mapping[str, Any]]) -> list[Problem]:
    """Reduce, avoid and share need a plan of actions; every action needs an owner and a due date."""
    problems = []
    if option is not TreatmentOption.RETAIN and not actions:
        problems.append(Problem(f"option '{option.value}' needs at least one action with an owner", field="actions"))
    for index, action in enumerate(actions):
        if not str(action.get("owner") or "").strip():
            problems.append(Problem("every treatment action needs an owner", field=f"actions[{index}].owner"))
        if not str(action.get("title") or "").strip():
            problems.append(Problem("describe the action", field=f"actions[{index}].title"))
        if action.get("due_date") is None:
            problems.append(Problem("every treatment action needs a due date", field=f"actions[{index}].due_date"))
    return problems


# --- Mosca's inequality ---------------------------------------------------------------------------


def check_years(value: object, field_name: str) -> float:
    """A number of years: numeric, not negative, not absurd. Text such as '5' is accepted, 'five' is not."""
    try:
        years = float(value) if not isinstance(value, bool) else math.nan  # type: ignore[arg-type]
    except (TypeError, ValueError):
        years = math.nan
    if math.isnan(years) or math.isinf(years):
        raise InvalidInput(
            f"{field_name}: '{value}' is not a number of years", [Problem("not a number", field=field_name)]
        )
    if years < 0:
        raise InvalidInput(
            f"{field_name}: {value} is negative; years cannot be", [Problem("negative", field=field_name)]
        )
    if years > MAX_YEARS:
        raise InvalidInput(
            f"{field_name}: {value} years is more than {MAX_YEARS:.0f}", [Problem("too large", field=field_name)]
        )
    return years


@dataclass(frozen=True)
class MoscaPoint:
    """One data class x one system x one CRQC scenario."""

    scenario: str
    crqc_year: int
    x: float  # years the data must stay confidential
    y: float  # years the migration of the protecting system takes
    z: float  # years until a cryptographically relevant quantum computer
    margin: float  # z - (x + y); negative means data recorded today will be readable in time
    deadline_year: int  # latest year the migration must be finished: crqc_year - x
    exposed: bool

    def explain(self) -> str:
        verdict = "EXPOSED" if self.exposed else "safe"
        return (
            f"{self.scenario}: x={_num(self.x)} + y={_num(self.y)} = {_num(self.x + self.y)} vs "
            f"z={_num(self.z)} (CRQC {self.crqc_year}); margin {_num(self.margin)} years; "
            f"migration must finish by {self.deadline_year}: {verdict}"
        )


def _num(value: float) -> str:
    return f"{value:g}"


def mosca_point(scenario: CrqcScenario, *, x: float, y: float, as_of_year: int) -> MoscaPoint:
    z = float(scenario.crqc_year - as_of_year)
    margin = z - (x + y)
    return MoscaPoint(
        scenario=scenario.key,
        crqc_year=scenario.crqc_year,
        x=x,
        y=y,
        z=z,
        margin=round(margin, 2),  # for display; exposure is decided on the exact value
        deadline_year=math.floor(scenario.crqc_year - x),
        exposed=margin < 0,
    )


SENSITIVITY_RANK = {Sensitivity.LOW: 1, Sensitivity.MODERATE: 2, Sensitivity.HIGH: 3, Sensitivity.CRITICAL: 4}


def scale_to(fraction: float, steps: int) -> int:
    """A fraction in (0, 1] placed on a 1..steps scale, rounding up so any exposure scores at least 1."""
    return max(1, min(steps, math.ceil(fraction * steps - 1e-9)))


def hndl_rating(matrix: RiskMatrix, points: Sequence[MoscaPoint], sensitivity: Sensitivity) -> Rating:
    """Likelihood from the share of CRQC scenarios under which the data is exposed; impact from sensitivity."""
    exposed = sum(1 for p in points if p.exposed)
    likelihood = scale_to(exposed / len(points), len(matrix.likelihood)) if exposed else 1
    impact = scale_to(SENSITIVITY_RANK[sensitivity] / len(SENSITIVITY_RANK), len(matrix.impact))
    return Rating(likelihood, impact)


def hndl_computation(data_class: str, system: str, points: Sequence[MoscaPoint], basis: str, rating: Rating) -> str:
    exposed = sum(1 for p in points if p.exposed)
    lines = [
        f"Mosca's inequality for data class '{data_class}' protected by '{system}' (basis scenario: {basis}).",
        *(f"- {p.explain()}" for p in points),
        f"Exposed in {exposed} of {len(points)} CRQC scenarios -> likelihood {rating.likelihood}; "
        f"impact {rating.impact} from the data class's sensitivity.",
    ]
    return "\n".join(lines)
