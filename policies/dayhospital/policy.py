"""The unit's policies: their contract, the three planners, and building one by name.

A unit policy declares what a clinic policy does (``policies.base.PolicyContract``:
name, ``Params``, title and explanation in Spanish and English, tunable
parameters) and plans a unit instance in one go: ``plan(instance) -> UnitPlan``.
``fifo`` (request order, earliest block), ``grasp`` (priority, double
relaxation) and ``mip`` (the document's model, started from GRASP's plan); they
are found by name in ``policies.UNIT_REGISTRY``, with their parameters from the
scenario's ``policies:`` block.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar

from pydantic import Field, ValidationError

from policies.base import (
    PolicyContract,
    PolicyError,
    PolicyParams,
    Texts,
    parameter_problems,
    texts,
)
from policies.dayhospital.heuristics import fifo, grasp
from sim.problems import Problem
from sim.unit.instance import UnitInstance
from sim.unit.plan import UnitPlan
from sim.unit.scenario import UnitScenario

UnitPlanner = Callable[[UnitInstance], UnitPlan]


class NoParams(PolicyParams):
    pass


class GraspParams(PolicyParams):
    iterations: int = Field(
        default=200,
        ge=1,
        json_schema_extra=texts(
            "Iteraciones",
            "Iterations",
            help=(
                "Cuántos planes de admisión construye GRASP, quedándose con el de mayor "
                "objetivo (26); más iteraciones, mejor plan y más tiempo de cálculo.",
                "How many admission plans GRASP builds, keeping the one of highest objective "
                "(26); more iterations, a better plan and longer to compute.",
            ),
        ),
    )
    alpha_p: float = Field(
        default=0.203,
        ge=0,
        le=1,
        description="patients' relaxation",
        json_schema_extra=texts(
            "α pacientes (0–1)",
            "α patients (0–1)",
            help=(
                "Libertad de GRASP al elegir el siguiente paciente de la lista: 0 = siempre "
                "el de más prioridad, 1 = cualquiera al azar.",
                "GRASP's freedom in choosing the next patient of the list: 0 = always the "
                "one of highest priority, 1 = any at random.",
            ),
        ),
    )
    alpha_m: float = Field(
        default=0.261,
        ge=0,
        le=1,
        description="blocks' relaxation",
        json_schema_extra=texts(
            "α bloques (0–1)",
            "α blocks (0–1)",
            help=(
                "Libertad de GRASP al elegir el bloque de admisión: 0 = siempre el más "
                "temprano posible, 1 = cualquiera al azar.",
                "GRASP's freedom in choosing the admission block: 0 = always the earliest "
                "possible, 1 = any at random.",
            ),
        ),
    )


class MipParams(PolicyParams):
    max_nodes: int = Field(
        default=10_000,
        ge=1,
        le=10**9,
        description="branch-and-bound nodes per solve (work limit: the same on every machine)",
        json_schema_extra=texts(
            "Nodos como máximo",
            "Most nodes",
            help=(
                "Límite de trabajo del solver: nodos de ramificación y acotamiento por "
                "resolución, el mismo en toda máquina; más nodos, quizá mejor plan y más tiempo.",
                "The solver's work limit: branch-and-bound nodes per solve, the same on every "
                "machine; more nodes, perhaps a better plan and longer to compute.",
            ),
        ),
    )
    mip_gap: float = Field(default=0.01, ge=0, le=1)
    guard_seconds: float = Field(
        default=300,
        gt=0,
        le=86400,
        description="wall-clock guard per solve; a plan that reaches it is counted",
    )
    start_iterations: int = Field(
        default=20, ge=0, description="GRASP iterations of the start plan (0: no start)"
    )


class UnitPolicy(PolicyContract, ABC):
    """A unit planner: its parameters and the scenario's seed, then a plan per instance."""

    def __init__(self, params: PolicyParams | None = None, seed: int = 0):
        self.params: Any = params if params is not None else self.Params()
        self.seed = seed

    @abstractmethod
    def plan(self, inst: UnitInstance) -> UnitPlan:
        """Admit the waiting list: an itinerary per patient admitted."""


class FifoUnitPolicy(UnitPolicy):
    name: ClassVar[str] = "fifo"
    Params: ClassVar[type[NoParams]] = NoParams
    title: ClassVar[Texts] = {"es": "Orden de llegada", "en": "First come, first served"}
    explanation: ClassVar[Texts] = {
        "es": "La práctica de hoy: la lista en orden de solicitud, cada paciente en el primer "
        "bloque donde cabe.",
        "en": "Today's practice: the list in request order, each patient at the first block "
        "where they fit.",
    }

    def plan(self, inst: UnitInstance) -> UnitPlan:
        return fifo(inst)


class GraspUnitPolicy(UnitPolicy):
    name: ClassVar[str] = "grasp"
    Params: ClassVar[type[GraspParams]] = GraspParams
    title: ClassVar[Texts] = {"es": "GRASP por prioridad", "en": "GRASP by priority"}
    explanation: ClassVar[Texts] = {
        "es": "Admite por prioridad con la doble relajación de la tesis (pacientes y bloques).",
        "en": "Admits by priority with the thesis's double relaxation (patients and blocks).",
    }
    tunable: ClassVar[tuple[str, ...] | None] = ("alpha_p", "alpha_m", "iterations")

    def plan(self, inst: UnitInstance) -> UnitPlan:
        p = self.params
        return grasp(inst, p.iterations, p.alpha_p, p.alpha_m, self.seed)


class MipUnitPolicy(UnitPolicy):
    name: ClassVar[str] = "mip"
    Params: ClassVar[type[MipParams]] = MipParams
    title: ClassVar[Texts] = {
        "es": "Modelo del documento (MIP)",
        "en": "The document's model (MIP)",
    }
    explanation: ClassVar[Texts] = {
        "es": "Resuelve el modelo entero mixto del documento, partiendo del plan de GRASP.",
        "en": "Solves the document's mixed-integer model, starting from GRASP's plan.",
    }
    tunable: ClassVar[tuple[str, ...] | None] = ("max_nodes",)

    def plan(self, inst: UnitInstance) -> UnitPlan:
        # lazily: Pyomo costs a quarter of a second at every start of the command line
        from policies.dayhospital.mip import UnitLimits, solve_unit

        p = self.params
        start = grasp(inst, p.start_iterations, seed=self.seed) if p.start_iterations else None
        limits = UnitLimits(p.max_nodes, p.mip_gap, p.guard_seconds)
        plan, _solution = solve_unit(inst, limits, start)
        return plan


def make_unit_planner(
    spec: str, scenario: UnitScenario, registry: dict[str, type[UnitPolicy]]
) -> UnitPlanner:
    """The planner a policy name stands for, its parameters checked (``PolicyError``)."""
    if spec not in registry:
        known = sorted(registry)
        raise PolicyError("--policy", [Problem(spec, f"unknown unit policy; available: {known}")])
    cls = registry[spec]
    raw = scenario.policies.get(spec, {})
    try:
        params = cls.Params.model_validate(raw)
    except ValidationError as exc:
        raise PolicyError(scenario.source, parameter_problems(exc, raw, spec)) from None
    return cls(params, scenario.seed).plan
