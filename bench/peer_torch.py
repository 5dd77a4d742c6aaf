#!/usr/bin/python3
"""PyTorch peer of `sweeplab bench step`: the same training step, timed the same way.

MLP input -> width x depth (ReLU) -> classes, CrossEntropyLoss, Adam(lr=1e-3; --foreach for its
foreach implementation, faster than the default for large tensors), float32, on one
fixed random minibatch (x ~ N(0, 1), random labels). After max(20, steps / 5) warm-up steps,
`steps` steps are timed in 5 consecutive blocks; ms per step is the median of the blocks' mean
step times. GFLOP/s = 6 x params x batch / seconds per step / 1e9, params counting every weight
and bias (as sweeplab's StepBench does).

Prints one line `width depth batch ms_per_step gflops`; with --blas, a second line starting with
`# ` that names torch's version and the BLAS library actually loaded into this process.

Threads: torch.set_num_threads(--threads) limits torch's own kernels but not the BLAS it calls, so
the caller must also set OMP_NUM_THREADS and OPENBLAS_NUM_THREADS to --threads before Python
starts (`sweeplab bench` does); the script refuses to run otherwise (exit 2).

Run: OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/peer_torch.py --width 256
Needs torch (Debian: apt-get install python3-torch libopenblas0-pthread).
"""

import argparse
import ctypes
import os
import re
import statistics
import sys
import time

BLOCKS = 5


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--width", type=int, default=64)
    p.add_argument("--depth", type=int, default=2)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--steps", type=int, default=500)
    p.add_argument("--input", type=int, default=784)
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--blas", action="store_true", help="also print a '# ' line naming the BLAS")
    p.add_argument("--foreach", action="store_true",
                   help="Adam's foreach implementation (default: torch's default for CPU tensors,"
                        " the single-tensor one)")
    args = p.parse_args(argv)
    for name in ("width", "depth", "batch", "steps", "input", "threads"):
        if getattr(args, name) < 1:
            p.error(f"--{name} must be >= 1, found {getattr(args, name)}")
    if args.classes < 2:
        p.error(f"--classes must be >= 2, found {args.classes}")
    return args


def check_threads(threads):
    wrong = [
        f"{var}={os.environ.get(var, 'unset')}"
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")
        if os.environ.get(var) != str(threads)
    ]
    if wrong:
        sys.stderr.write(
            f"peer_torch.py: error: --threads is {threads} but {', '.join(wrong)}; set "
            f"OMP_NUM_THREADS={threads} OPENBLAS_NUM_THREADS={threads} before starting Python "
            "(torch.set_num_threads does not limit the BLAS)\n"
        )
        sys.exit(2)


def blas_libraries():
    """The mapped shared libraries named like a BLAS (real paths), grouped by what they are:
    OpenBLAS's own description (openblas_get_config) and the kernels it chose for this CPU
    (openblas_get_corename, as `core=NAME`; OPENBLAS_CORETYPE overrides the choice), or
    'not OpenBLAS' (e.g. the reference BLAS)."""
    paths = set()
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                at = line.find("/")
                if at < 0:
                    continue
                path = line[at:].strip()
                name = os.path.basename(path).lower()
                if "blas" in name and ".so" in name:
                    paths.add(os.path.realpath(path))
    except OSError as e:
        return [f"libraries unknown: {e}"]
    groups = {}
    for path in sorted(paths):
        try:
            library = ctypes.CDLL(path)
            config = library.openblas_get_config
            config.restype = ctypes.c_char_p
            kind = config().decode().strip()
            core = library.openblas_get_corename
            core.restype = ctypes.c_char_p
            kind += f" core={core().decode().strip()}"
        except (OSError, AttributeError):
            kind = "not OpenBLAS"
        groups.setdefault(kind, []).append(path)
    return [f"{kind}: {', '.join(paths)}" for kind, paths in groups.items()] or [
        "no BLAS library mapped"
    ]


def describe(torch):
    config = torch.__config__.show()
    build = re.findall(r"\b(BLAS_INFO=[^,\s]*|LAPACK_INFO=[^,\s]*)", config)
    # The vector width of ATen's own kernels (ReLU, Adam's element-wise ops): PyTorch picks it per
    # CPU; ATEN_CPU_CAPABILITY overrides it.
    capability = re.search(r"CPU capability usage: (\S+)", config)
    return (
        f"PyTorch {torch.__version__} ({', '.join(build) or 'BLAS_INFO unknown'}; "
        f"{'; '.join(blas_libraries())}), "
        f"ATen CPU capability {capability.group(1) if capability else 'unknown'}, "
        f"torch threads {torch.get_num_threads()}, "
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}, "
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}"
    )


def main(argv):
    args = parse_args(argv)
    check_threads(args.threads)
    import torch
    from torch import nn

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    layers, fan_in = [], args.input
    for _ in range(args.depth):
        layers += [nn.Linear(fan_in, args.width), nn.ReLU()]
        fan_in = args.width
    layers.append(nn.Linear(fan_in, args.classes))
    net = nn.Sequential(*layers)
    params = sum(p.numel() for p in net.parameters())
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3, foreach=args.foreach or None)
    x = torch.randn(args.batch, args.input)
    y = torch.randint(0, args.classes, (args.batch,))

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), y)
        loss.backward()
        optimizer.step()
        return loss

    for _ in range(max(20, args.steps // 5)):
        step()
    blocks = min(BLOCKS, args.steps)
    ms_per_step = []
    for b in range(blocks):
        n = args.steps // blocks + (1 if b < args.steps % blocks else 0)
        start = time.perf_counter()
        for _ in range(n):
            loss = step()
        ms_per_step.append((time.perf_counter() - start) * 1e3 / n)
    if not torch.isfinite(loss):
        sys.stderr.write(f"peer_torch.py: error: non-finite loss {loss.item()}\n")
        return 1
    ms = statistics.median(ms_per_step)
    gflops = 6.0 * params * args.batch / (ms / 1e3) / 1e9
    # 4 significant digits, as Java's %.4g writes them (trailing zeros kept, no trailing dot)
    print(f"{args.width} {args.depth} {args.batch} {ms:.4f} {f'{gflops:#.4g}'.rstrip('.')}")
    if args.blas:
        print("# " + describe(torch))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
