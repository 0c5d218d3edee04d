"""The mutation score per rule module, from the results mutmut left in mutants/ (`make mutate`).

mutmut 3 keeps one `<source>.meta` file per mutated source, mapping each mutant's name to the
exit code of its test run (1: a test failed, the mutant is killed; 0: every test passed, it
survived). Two modules are only partly rule code, so only their rule functions count here:
`reviews/selectors.py` (the ready-for-build blockers and the vendor ranking) and the dashboard's
`portfolio.py` (the readiness bands).

    python scripts/mutation_score.py [--min 90] [--markdown] [--survivors]

Exits 1 when a module that was run scores below --min, so `make mutate` fails visibly.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

MUTANTS = Path("mutants")

# module: (source file, the functions that count; empty: all of them)
MODULES: dict[str, tuple[str, tuple[str, ...]]] = {
    "permissions": ("initiatives/permissions.py", ()),
    "risk rules": ("governance/risk/rules.py", ()),
    "dashboard figures": ("governance/dashboard/selectors/figures.py", ()),
    "dashboard drill-downs": ("governance/dashboard/selectors/drilldowns.py", ()),
    "dashboard bands": ("governance/dashboard/selectors/portfolio.py", ("readiness_band",)),
    "design-input lifecycle": ("reviews/services/design_inputs.py", ()),
    "readiness rule": ("reviews/services/readiness.py", ()),
    "blockers (selectors)": ("reviews/selectors.py", ("blocking_design_inputs",)),
    "vendor ranking": ("reviews/selectors.py", ("vendor_comparison",)),
    "audit chain": ("audit/chain.py", ()),
    "reminders": ("governance/sessions/reminders.py", ()),
}

KILLED = {1, 3}  # a test failed, or pytest itself failed on the mutant
TIMEOUT = {36, 24, -24, 152, 255}  # a mutant that loops forever is caught by the time limit
SURVIVED = {0}
NO_TESTS = {33, 5}


def module_name(source: str) -> str:
    """The dotted module mutmut uses in mutant names: governance/risk/rules.py → …rules."""
    return source.removesuffix(".py").replace("/", ".")


def function_of(mutant: str) -> str:
    """`pkg.mod.x_name__mutmut_3` → `name`; `pkg.mod.xǁClassǁmethod__mutmut_2` → `Class.method`."""
    name = mutant.partition("__mutmut_")[0].rpartition(".")[2]
    if "ǁ" in name:
        _, cls, method = name.split("ǁ")[:3]
        return f"{cls}.{method}"
    return name.removeprefix("x_")


@dataclass
class Score:
    killed: int = 0
    survived: int = 0
    timeout: int = 0
    no_tests: int = 0
    not_run: int = 0
    survivors: list[str] = field(default_factory=list)

    @property
    def tested(self) -> int:
        return self.killed + self.survived + self.timeout + self.no_tests

    @property
    def percent(self) -> float | None:
        return None if not self.tested else 100 * (self.killed + self.timeout) / self.tested


def score(source: str, functions: tuple[str, ...]) -> Score:
    meta = MUTANTS / f"{source}.meta"
    result = Score()
    if not meta.exists():
        return result
    exit_codes = json.loads(meta.read_text())["exit_code_by_key"]
    for mutant, code in sorted(exit_codes.items()):
        if functions and function_of(mutant).split(".")[-1] not in functions:
            continue
        if code is None:
            result.not_run += 1
        elif code in KILLED:
            result.killed += 1
        elif code in TIMEOUT:
            result.timeout += 1
        elif code in SURVIVED:
            result.survived += 1
            result.survivors.append(mutant)
        elif code in NO_TESTS:
            # No selected test calls the function: nothing could kill it, so it counts against.
            result.no_tests += 1
            result.survivors.append(mutant)
        else:  # suspicious, segfault: not a clean kill, count it as surviving
            result.survived += 1
            result.survivors.append(mutant)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min", type=float, default=90.0, help="lowest acceptable score, %%")
    parser.add_argument("--markdown", action="store_true", help="print the README's table")
    parser.add_argument("--survivors", action="store_true", help="list surviving mutants")
    args = parser.parse_args()

    rows = [(name, *spec, score(*spec)) for name, spec in MODULES.items()]
    if args.markdown:
        print("| module | file | killed | survived | no test | score |")
        print("|---|---|---|---|---|---|")
    else:
        print(f"{'module':24} {'killed':>7} {'survived':>9} {'no test':>8} {'score':>7}")
    failed = False
    for name, source, functions, s in rows:
        where = source + (f" ({', '.join(functions)})" if functions else "")
        percent = "-" if s.percent is None else f"{s.percent:.1f}%"
        if s.percent is not None and s.percent < args.min:
            failed = True
        killed = s.killed + s.timeout
        if args.markdown:
            print(f"| {name} | `{where}` | {killed} | {s.survived} | {s.no_tests} | {percent} |")
        else:
            pending = f"  ({s.not_run} not run)" if s.not_run else ""
            print(f"{name:24} {killed:>7} {s.survived:>9} {s.no_tests:>8} {percent:>7}{pending}")
        if args.survivors:
            for mutant in s.survivors:
                print(f"    survived: {mutant}")
    if failed:
        print(f"\nbelow {args.min:.0f}% in at least one module", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
