"""The thesis's experiment (chapter 6), reproduced: GRASP against the greedy on 40 instances.

40 instances generated with the thesis's parameters (800 patients, 15 doctors,
5 specialties, 5–15 shifts a day), instance i from seed i; the greedy once and
GRASP (6 500 iterations, α_p = 0.203, α_m = 0.261) 10 times per instance, the
instance's GRASP value being the mean of its runs, as in the thesis. Then its
statistics: mean and variance of FS per algorithm, Kolmogorov–Smirnov against a
normal with the sample's mean and sd, the F test of the variances and the Z
test of the means, side by side with the thesis's Tables 6.2–6.6.

Then the calibration of chapter 5 on a smaller grid: mean FS over 10 instances
(1 000 iterations) for α_p values at α_m = 0.5 (as the thesis's first sweep),
then α_m values at α_p = 0.203, and whether the thesis's values come out best.

``make thesis`` runs it all (about 10 minutes on two cores); ``--quick`` runs a
smaller version in about a minute.
"""

from __future__ import annotations

import argparse
import math
import os
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from scipy import stats

from policies.grasp.fast import grasp
from policies.grasp.generator import generate_instance
from policies.grasp.reference import greedy

PATIENTS, DOCTORS, SPECIALTIES, MIN_SHIFTS, MAX_SHIFTS = 800, 15, 5, 5, 15
ALPHA_P, ALPHA_M = 0.203, 0.261
THESIS = {  # Tables 6.2–6.6
    "greedy mean FS": 9774.1993,
    "GRASP mean FS": 57463.4654,
    "GRASP / greedy": 57463.4654 / 9774.1993,
    "greedy variance": 2967959.6,
    "GRASP variance": 22248633.02,
    "KS greedy (critical 0.215)": 0.205,
    "KS GRASP (critical 0.215)": 0.086,
    "F = var greedy / var GRASP": 0.1334,
    "Z (greedy − GRASP)": -60.0630,
}
CALIBRATION_ALPHA_P = (0.1, 0.2, 0.203, 0.3, 0.4, 0.5, 0.65, 0.8)
CALIBRATION_ALPHA_M = (0.1, 0.2, 0.261, 0.3, 0.5, 0.8)


def instance_values(task: tuple[int, int, int]) -> tuple[float, float]:
    """(greedy FS, mean GRASP FS over ``runs`` seeds) of instance ``seed``."""
    seed, runs, iterations = task
    instance = generate_instance(PATIENTS, DOCTORS, SPECIALTIES, MIN_SHIFTS, MAX_SHIFTS, seed)
    runs_fs = [grasp(instance, iterations, ALPHA_P, ALPHA_M, run).value for run in range(runs)]
    return greedy(instance).value, float(np.mean(runs_fs))


def calibration_value(task: tuple[int, int, float, float]) -> float:
    seed, iterations, alpha_p, alpha_m = task
    instance = generate_instance(PATIENTS, DOCTORS, SPECIALTIES, MIN_SHIFTS, MAX_SHIFTS, seed)
    return grasp(instance, iterations, alpha_p, alpha_m, seed=0).value


def statistics(greedy_fs: np.ndarray, grasp_fs: np.ndarray) -> dict[str, float]:
    n = len(greedy_fs)
    mean_g, mean_r = greedy_fs.mean(), grasp_fs.mean()
    var_g, var_r = greedy_fs.var(ddof=1), grasp_fs.var(ddof=1)
    return {
        "greedy mean FS": mean_g,
        "GRASP mean FS": mean_r,
        "GRASP / greedy": mean_r / mean_g,
        "greedy variance": var_g,
        "GRASP variance": var_r,
        "KS greedy (critical 0.215)": _ks(greedy_fs),
        "KS GRASP (critical 0.215)": _ks(grasp_fs),
        "F = var greedy / var GRASP": var_g / var_r,
        "Z (greedy − GRASP)": (mean_g - mean_r) / math.sqrt(var_g / n + var_r / n),
    }


def _ks(sample: np.ndarray) -> float:
    return float(stats.kstest(sample, "norm", args=(sample.mean(), sample.std(ddof=1))).statistic)


def print_comparison(ours: dict[str, float], n: int, runs: int, iterations: int) -> None:
    print(f"\n{n} instances, GRASP {runs} runs × {iterations} iterations each")
    print(f"{'':34} {'thesis':>14} {'clinicsim':>14}")
    for key, thesis_value in THESIS.items():
        print(f"{key:34} {thesis_value:14,.4f} {ours[key]:14,.4f}")
    ks_critical = 1.36 / math.sqrt(n)
    f_upper = stats.f.ppf(0.975, n - 1, n - 1)
    f_p = 2 * min(
        stats.f.cdf(ours["F = var greedy / var GRASP"], n - 1, n - 1),
        stats.f.sf(ours["F = var greedy / var GRASP"], n - 1, n - 1),
    )
    z_p = stats.norm.cdf(ours["Z (greedy − GRASP)"])
    print(f"\nKS critical value at 5 % for n = {n}: {ks_critical:.3f}")
    for name in ("greedy", "GRASP"):
        value = ours[f"KS {name} (critical 0.215)"]
        verdict = "normal not rejected" if value < ks_critical else "normality rejected"
        print(f"  KS {name}: {value:.3f} → {verdict}")
    print(
        f"F: {ours['F = var greedy / var GRASP']:.4f}, two-sided p = {f_p:.2g} "
        f"(5 % bounds {1 / f_upper:.3f} – {f_upper:.3f})"
    )
    print(
        f"Z: {ours['Z (greedy − GRASP)']:.2f}, one-sided p (greedy mean < GRASP mean) = "
        f"{z_p:.2g}; critical −1.6449 → "
        + ("GRASP better" if ours["Z (greedy − GRASP)"] < -1.6449 else "no difference shown")
    )


def calibrate(pool: ProcessPoolExecutor, instances: int, iterations: int) -> None:
    print(f"\nCalibration: mean FS over {instances} instances, {iterations} iterations")
    sweeps = (
        ("α_p (α_m = 0.5)", [(a, 0.5) for a in CALIBRATION_ALPHA_P], ALPHA_P, 0),
        ("α_m (α_p = 0.203)", [(ALPHA_P, a) for a in CALIBRATION_ALPHA_M], ALPHA_M, 1),
    )
    for label, grid, thesis_value, which in sweeps:
        means = []
        for alpha_p, alpha_m in grid:
            tasks = [(seed, iterations, alpha_p, alpha_m) for seed in range(1, instances + 1)]
            means.append(float(np.mean(list(pool.map(calibration_value, tasks)))))
        best = int(np.argmax(means))
        print(f"  {label}:")
        for (alpha_p, alpha_m), mean in zip(grid, means, strict=True):
            value = (alpha_p, alpha_m)[which]
            mark = " ← best" if mean == means[best] else ""
            print(f"    {value:6.3f}  {mean:14,.2f}{mark}")
        thesis_mean = means[[g[which] for g in grid].index(thesis_value)]
        print(
            f"    the thesis's {thesis_value} is {100 * (thesis_mean / means[best] - 1):+.3f} % "
            f"from the best value of this grid"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=40)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--iterations", type=int, default=6500)
    parser.add_argument("--calibration-instances", type=int, default=10)
    parser.add_argument("--calibration-iterations", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--quick", action="store_true", help="10 instances, 3 runs, 1 000 it.")
    args = parser.parse_args()
    if args.quick:
        args.instances, args.runs, args.iterations = 10, 3, 1000
        args.calibration_instances, args.calibration_iterations = 4, 300
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        tasks = [(seed, args.runs, args.iterations) for seed in range(1, args.instances + 1)]
        values = np.array(list(pool.map(instance_values, tasks)))
        print_comparison(
            statistics(values[:, 0], values[:, 1]), args.instances, args.runs, args.iterations
        )
        calibrate(pool, args.calibration_instances, args.calibration_iterations)
    print(f"\n{time.perf_counter() - started:.0f} s with {args.workers} workers")


if __name__ == "__main__":
    main()
