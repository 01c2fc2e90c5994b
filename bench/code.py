# The code benchmark's Python side (npm run bench:code; bench/code.ts writes the problems).
# For each problem: the generated NumPy and PyTorch functions, a hand-written NumPy formula
# and torch autodiff (autograd.grad for gradients; autograd.functional.hessian/jacobian with
# vectorize=True and functorch for Hessians and Jacobians), checked to agree, then timed in
# one process with one BLAS thread, interleaved (the NumPy implementations among themselves,
# the PyTorch ones among themselves; see timed), medians. Prints one JSON object per problem.
import json
import math
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np

try:
    if os.environ.get("BENCH_CODE_NO_TORCH"):
        raise ImportError("BENCH_CODE_NO_TORCH is set")
    import torch

    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)
    try:
        import functorch
    except ImportError:
        functorch = None
except ImportError:
    torch = None
    functorch = None

TARGET_SECONDS = float(os.environ.get("BENCH_CODE_SECONDS", "2.0"))
MIN_REPEATS, MAX_REPEATS = 5, 41


def blas_library():
    """The BLAS this process loaded (Debian's reference libblas3 is ~10x slower than OpenBLAS)."""
    try:
        with open("/proc/self/maps") as maps:
            names = {line.split()[-1].rsplit("/", 1)[-1] for line in maps if "/" in line}
        names = {name for name in names if "blas" in name.lower()}
        return ", ".join(sorted(names)) or "unknown"
    except OSError:
        return "unknown"


def commutation_index(m, n):
    return np.arange(m * n).reshape(n, m).T.reshape(-1)


def einsum_pair(a, b):
    """The Hessian block of tr(A dX B dX): H[vec(j,k), vec(i,l)] = A[i,j] B[k,l] (vec stacks columns)."""
    n = a.shape[0]
    return np.einsum("ij,kl->kjil", a, b).reshape(n * n, n * n)


HELPERS = {"np": np, "math": math, "commutation_index": commutation_index, "einsum_pair": einsum_pair}


def to_vec_layout(d, variable_shape, output_shape, kind):
    """An autodiff derivative in matcalc's layout: H = d²f/dvec(X)dvec(X)' and J = dvec(F)/dvec(X)'
    with column-major vec; a gradient keeps the variable's shape."""
    d = d.detach().numpy() if torch is not None and isinstance(d, torch.Tensor) else np.asarray(d)
    if kind == "grad":
        return d
    def vec_axes(shape):
        return list(reversed(range(len(shape))))
    out = list(output_shape) if kind == "jacobian" else list(variable_shape)
    rank_out, rank_in = len(out), len(variable_shape)
    axes = vec_axes(out) + [rank_out + a for a in vec_axes(variable_shape)]
    size = lambda shape: int(np.prod(shape)) if shape else 1
    return np.transpose(d, axes).reshape(size(out), size(variable_shape))


def relative_error(a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape:
        a = a.reshape(b.shape) if a.size == b.size else a
        if a.shape != b.shape:
            return math.inf
    scale = max(np.max(np.abs(b)) if b.size else 0.0, 1e-300)
    return float(np.max(np.abs(a - b)) / scale) if b.size else 0.0


def timed(implementations):
    """Medians (ms) of interleaved runs: one warm-up of each, then repetitions for about
    TARGET_SECONDS, each running every implementation once in an order that rotates (each
    runs after each of the others as often)."""
    times = {name: [] for name in implementations}
    start = time.perf_counter()
    for fn in implementations.values():
        fn()
    once = time.perf_counter() - start
    repeats = int(min(MAX_REPEATS, max(MIN_REPEATS, TARGET_SECONDS / max(once, 1e-9))))
    order = list(implementations.items())
    for r in range(repeats):
        k = r % len(order)
        for name, fn in order[k:] + order[:k]:
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    return {name: 1000 * float(np.median(ts)) for name, ts in times.items()}, repeats


def run(problem):
    rng = np.random.default_rng(problem["seed"])
    values = {}
    exec(problem["setup"], {**HELPERS, "rng": rng, "values": values})
    scope = dict(HELPERS)
    exec(problem["numpy"], scope)
    generated = scope[problem["function"]]
    hand_scope = dict(HELPERS)
    exec(problem["hand"], hand_scope)
    hand = hand_scope["hand"]
    args = [values[name] for name in problem["args"]]
    hand_args = {name: values[name] for name in hand.__code__.co_varnames[: hand.__code__.co_argcount]}
    implementations = {"matcalc NumPy": lambda: generated(*args), "hand NumPy": lambda: hand(**hand_args)}
    reference = hand(**hand_args)
    result = {"name": problem["name"], "kind": problem["kind"], "skipped": []}
    checks = {"matcalc NumPy": generated(*args)}
    if torch is not None:
        tscope = {"torch": torch}
        exec(problem["torch"], tscope)
        generated_torch = tscope[problem["function"]]
        targs = [torch.as_tensor(values[n]) if isinstance(values[n], np.ndarray) else values[n] for n in problem["args"]]
        implementations["matcalc PyTorch"] = lambda: generated_torch(*targs)
        checks["matcalc PyTorch"] = tuple(v.detach().numpy() if isinstance(v, torch.Tensor) else v for v in generated_torch(*targs))
        ad_scope = {"torch": torch}
        exec(problem["ad"], ad_scope)
        f = ad_scope["f"]
        wrt = problem["wrt"]
        names = f.__code__.co_varnames[: f.__code__.co_argcount]
        tensors = {n: torch.as_tensor(values[n]) if isinstance(values[n], np.ndarray) else values[n] for n in names}
        others = {n: t for n, t in tensors.items() if n != wrt}
        of = lambda v: f(**{**others, wrt: v})
        x0 = tensors[wrt]
        shape = tuple(x0.shape)
        kind = problem["kind"]
        ad = {}
        if kind == "grad":
            def autograd_grad():
                v = x0.detach().clone().requires_grad_(True)
                return torch.autograd.grad(of(v), v)[0]
            ad["autograd.grad"] = autograd_grad
        elif kind == "hessian":
            ad["autograd.functional.hessian"] = lambda: torch.autograd.functional.hessian(of, x0, vectorize=True)
            if functorch is not None:
                ad["functorch.hessian"] = lambda: functorch.hessian(of)(x0)
        else:
            ad["autograd.functional.jacobian"] = lambda: torch.autograd.functional.jacobian(of, x0, vectorize=True)
            if functorch is not None:
                ad["functorch.jacrev"] = lambda: functorch.jacrev(of)(x0)
        output_shape = tuple(of(x0).shape)
        for name, run_ad in ad.items():
            try:
                checks[name] = (None, to_vec_layout(run_ad(), shape, output_shape, kind))
                implementations[name] = run_ad
            except Exception as error:  # an AD method that cannot do this problem is reported, not fatal
                result["skipped"].append(f"{name}: {type(error).__name__}: {str(error).splitlines()[0]}")
    else:
        result["skipped"].append("PyTorch and autodiff: python3 cannot import torch")
    errors = {}
    for name, value in checks.items():
        if value[0] is not None:
            errors[f"{name} f"] = relative_error(value[0], reference[0])
        errors[f"{name} derivative"] = relative_error(value[1], reference[1])
    result["errors"] = errors
    # Two groups, each timed interleaved: the NumPy implementations, then the PyTorch ones
    # (matcalc's and autodiff). Interleaving NumPy with autodiff's large allocations made the
    # NumPy times depend on what torch had just freed (a 48×48 log det Hessian: 22 ms beside
    # the hand formula alone, 100–160 ms with autodiff in the same rotation).
    numpy_group = {k: v for k, v in implementations.items() if "NumPy" in k}
    torch_group = {k: v for k, v in implementations.items() if "NumPy" not in k}
    result["ms"] = {}
    result["repeats"] = {}
    for group in (numpy_group, torch_group):
        if group:
            ms, repeats = timed(group)
            result["ms"].update(ms)
            result["repeats"].update({k: repeats for k in group})
    return result


def main():
    problems = json.load(open(sys.argv[1]))
    header = {"numpy": np.__version__, "torch": torch.__version__ if torch is not None else None, "functorch": functorch is not None, "python": sys.version.split()[0], "blas": blas_library()}
    print(json.dumps({"header": header}), flush=True)
    only = os.environ.get("BENCH_CODE_ONLY")
    for problem in problems:
        if only and only not in problem["name"]:
            continue
        try:
            print(json.dumps(run(problem)), flush=True)
        except Exception as error:
            print(json.dumps({"name": problem["name"], "kind": problem["kind"], "failed": f"{type(error).__name__}: {error}"}), flush=True)


if __name__ == "__main__":
    main()
