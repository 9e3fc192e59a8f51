"""How much of the default curriculum the content covers (``tutor content stats``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from tutor.content.curricula import default_curriculum
from tutor.content.items import GENERATORS, ensure_generators_loaded

__all__ = ["Coverage", "DomainCoverage", "coverage"]


@dataclass(frozen=True)
class DomainCoverage:
    """One row of the coverage table."""

    domain: str
    knowledge_points: int
    with_generators: int
    generators: int
    misconceptions: int

    @property
    def without_generators(self) -> int:
        """Points of this domain that no generator makes items for."""
        return self.knowledge_points - self.with_generators


@dataclass(frozen=True)
class Coverage:
    """Counts for the whole pack plus one row per domain."""

    knowledge_points: int
    generators: int
    knowledge_points_with_generators: int
    misconceptions: int
    imported_problems: int
    imported_problems_mapped: int
    domains: tuple[DomainCoverage, ...]

    def to_json(self) -> dict[str, int]:
        """The CLI contract of ``tutor content stats --json``."""
        return {
            "knowledge_points": self.knowledge_points,
            "generators": self.generators,
            "knowledge_points_with_generators": self.knowledge_points_with_generators,
            "misconceptions": self.misconceptions,
            "imported_problems": self.imported_problems,
            "imported_problems_mapped": self.imported_problems_mapped,
        }

    def table(self) -> str:
        """The coverage table, for people."""
        header = (
            f"{'domain':<14}{'points':>8}{'with gen':>10}{'without':>9}"
            f"{'generators':>12}{'misconc.':>10}"
        )
        lines = [header, "-" * len(header)]
        for d in self.domains:
            lines.append(
                f"{d.domain:<14}{d.knowledge_points:>8}{d.with_generators:>10}"
                f"{d.without_generators:>9}{d.generators:>12}{d.misconceptions:>10}"
            )
        lines.append("-" * len(header))
        lines.append(
            f"{'total':<14}{self.knowledge_points:>8}{self.knowledge_points_with_generators:>10}"
            f"{self.knowledge_points - self.knowledge_points_with_generators:>9}"
            f"{self.generators:>12}{self.misconceptions:>10}"
        )
        lines.append(
            f"imported problems: {self.imported_problems} "
            f"({self.imported_problems_mapped} mapped to knowledge points)"
        )
        lines.append("(a misconception counts once in each domain of the points it signals)")
        return "\n".join(lines)


def coverage(*, imported: int = 0, imported_mapped: int = 0) -> Coverage:
    """Coverage of the shipped default pack by the registered generators and buggy rules.

    ``imported`` and ``imported_mapped`` are the store's counts of imported problems.
    """
    from tutor.content.misconceptions import load_misconceptions

    ensure_generators_loaded()
    kps = default_curriculum().knowledge_points
    domain_of = {kp.id: kp.domain or "-" for kp in kps}
    points = Counter(domain_of.values())
    gen_kps = {g.kp for g in GENERATORS.values()}
    with_gen = Counter(domain_of[k] for k in gen_kps if k in domain_of)
    gens = Counter(domain_of.get(g.kp, "-") for g in GENERATORS.values())
    misconceptions = load_misconceptions()
    mc_domains: Counter[str] = Counter()
    for m in misconceptions:
        for domain in {domain_of.get(kp, "-") for kp in m.signals}:
            mc_domains[domain] += 1
    rows = tuple(
        DomainCoverage(d, points[d], with_gen[d], gens[d], mc_domains[d])
        for d in sorted(points, key=lambda d: (-points[d], d))
    )
    return Coverage(
        knowledge_points=len(kps),
        generators=len(GENERATORS),
        knowledge_points_with_generators=len(gen_kps & set(domain_of)),
        misconceptions=len(misconceptions),
        imported_problems=imported,
        imported_problems_mapped=imported_mapped,
        domains=rows,
    )
