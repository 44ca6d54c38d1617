"""GRASP speed: iterations per second of the vectorised and the plain implementation.

On one instance of the thesis's size (800 patients, 15 doctors, 5 specialties,
5–15 shifts a day), in one run: ``fast.grasp`` with the thesis's 6 500
iterations, and ``reference.grasp_reference`` (the plain loops) with fewer
iterations, both at the thesis's α_p = 0.203, α_m = 0.261; their iterations per
second and the ratio. Target (issue 4): 6 500 iterations in under 2 s on one
core. The thesis reports 35.7 s for 6 500 iterations (Table 5.8, Java, 2014).
"""

from __future__ import annotations

import time

from policies.grasp.fast import grasp
from policies.grasp.generator import generate_instance
from policies.grasp.reference import grasp_reference

ITERATIONS = 6500
REFERENCE_ITERATIONS = 200
ALPHA_P, ALPHA_M = 0.203, 0.261


def main() -> None:
    instance = generate_instance(800, 15, 5, 5, 15, seed=1)
    started = time.perf_counter()
    fast = grasp(instance, ITERATIONS, ALPHA_P, ALPHA_M, seed=1)
    fast_seconds = time.perf_counter() - started
    started = time.perf_counter()
    plain = grasp_reference(instance, REFERENCE_ITERATIONS, ALPHA_P, ALPHA_M, seed=1)
    plain_seconds = time.perf_counter() - started
    fast_rate = ITERATIONS / fast_seconds
    plain_rate = REFERENCE_ITERATIONS / plain_seconds
    print("GRASP on 800 patients × 15 doctors × 5 specialties (one core)")
    print(
        f"  fast (NumPy)  {ITERATIONS} iterations in {fast_seconds:6.2f} s: {fast_rate:8.0f} it/s"
    )
    print(
        f"  reference     {REFERENCE_ITERATIONS} iterations in {plain_seconds:6.2f} s: "
        f"{plain_rate:8.0f} it/s"
    )
    verdict = "meets" if fast_seconds < 2 else "misses"
    print(
        f"  fast / reference = {fast_rate / plain_rate:.1f}×; 6 500 iterations {fast_seconds:.2f} s"
        f" ({verdict} the 2 s target); FS {fast.value:,.0f}, reference's best of "
        f"{REFERENCE_ITERATIONS} {plain.value:,.0f}"
    )


if __name__ == "__main__":
    main()
