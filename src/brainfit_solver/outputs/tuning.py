"""The soft rules' weights as a user tunes them: what each rewards, per what, and its source.

``brainfit weights`` prints these rows; a weight is changed in the rule file, in a profile's
``[weights]`` table, or with ``--weight NAME=VALUE`` (``RuleSet.with_weights`` checks the
names). The objective is the sum over the rules of ``±weight × count``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ..rules.ruleset import RuleSet, kind_entry


class WeightOut(BaseModel):
    """One soft rule in ``brainfit weights --json``."""

    model_config = ConfigDict(extra="forbid")

    rule: str = Field(description="Soft rule id: the NAME of --weight NAME=VALUE.")
    kind: str = Field(description="The rule's kind (near_study, session_bonus, ...).")
    weight: int = Field(description="Points per unit, after profile and --weight overrides.")
    default: int = Field(description="The weight in the rule file.")
    penalty: bool = Field(description="True if the points are taken away.")
    per: str = Field(description="What one unit of the rule's count is.")
    applies_to: list[str] = Field(description="Session kinds the rule counts.")
    description: str
    cites: str = Field(description="The passage of the source the rule comes from.")


def unit(rules: RuleSet, rule_id: str) -> str:
    """What one unit of a soft rule's count is, in words."""
    rule = next(r for r in rules.soft if r.id == rule_id)
    text = kind_entry(rule.kind).unit[0]
    within = getattr(rule, "within_min", 0)
    return text.format(within=within, grid=rules.meta.granularity_min)


def weight_rows(rules: RuleSet, defaults: RuleSet | None = None) -> list[WeightOut]:
    """Every soft rule with its weight; ``defaults`` is the rule set before overrides."""
    base = (defaults or rules).weights()
    return [
        WeightOut(
            rule=rule.id,
            kind=rule.kind,
            weight=rule.weight,
            default=base.get(rule.id, rule.weight),
            penalty=kind_entry(rule.kind).penalty,
            per=unit(rules, rule.id),
            applies_to=rules.select(rule.applies_to),
            description=rule.description,
            cites=rule.cites,
        )
        for rule in rules.soft
    ]
