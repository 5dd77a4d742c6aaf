#!/usr/bin/python3
"""PyTorch peer of `sweeplab bench quickstart`: the sweep a researcher would write instead.

Trains every run of a sweep, one per process of a process pool (one BLAS and torch thread each),
with the schedule sweeplab's runs have, and prints test error by width and train size with the
seeds averaged, as `sweeplab run` does. `sweeplab bench quickstart` writes the runs (one JSON
object per line: run_id, seed, data_seed, input_dim, classes, teacher_width, train_size,
test_size, val_size, width, depth, batch_size, learning_rate, steps, eval_steps) from the spec, so
both sides train the same grid.

Each run: teacher-student data (x ~ N(0, I), a tanh teacher d -> h -> K with N(0, 1/fan_in)
weights, labels its argmax; train, test and validation splits, made once per process and data
seed), an MLP d -> width x depth (ReLU) -> K in PyTorch's default initialisation, cross-entropy,
Adam, minibatches drawn by a fresh permutation each epoch; at each step of eval_steps the loss and
error on the whole train, test and validation splits, and each layer's mean |activation| on the
first 256 training inputs (sweeplab's learning-curve point).

Run: OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/peer_sweep_torch.py \
       --runs RUNS.jsonl --workers 2
Needs torch (Debian: apt-get install python3-torch libopenblas0-pthread).
"""

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor

import torch
from torch import nn

PROBE = 256
_data = {}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", required=True, help="JSON lines, one run each")
    p.add_argument("--workers", type=int, default=os.cpu_count())
    args = p.parse_args(argv)
    if args.workers < 1:
        p.error(f"--workers must be >= 1, found {args.workers}")
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        if os.environ.get(var) != "1":
            p.error(f"{var} must be 1 (one BLAS thread per process), found "
                    f"{os.environ.get(var, 'unset')}")
    return args


def split(gen, teacher, n, d):
    x = torch.randn(n, d, generator=gen)
    with torch.no_grad():
        y = teacher(x).argmax(dim=1)
    return x, y


def data(run):
    key = (run["data_seed"], run["input_dim"], run["classes"], run["teacher_width"],
           run["train_size"], run["test_size"], run["val_size"])
    if key not in _data:
        d, h, k = run["input_dim"], run["teacher_width"], run["classes"]
        gen = torch.Generator().manual_seed(run["data_seed"])
        w1 = torch.randn(d, h, generator=gen) / d ** 0.5
        w2 = torch.randn(h, k, generator=gen) / h ** 0.5

        def teacher(x):
            return torch.tanh(x @ w1) @ w2

        _data[key] = tuple(split(gen, teacher, n, d)
                           for n in (run["train_size"], run["test_size"], run["val_size"]))
    return _data[key]


def evaluate(net, splits, probe):
    point = []
    with torch.no_grad():
        for x, y in splits:
            if len(x) == 0:
                point += [float("nan"), float("nan")]
                continue
            logits = net(x)
            point.append(nn.functional.cross_entropy(logits, y).item())
            point.append((logits.argmax(dim=1) != y).float().mean().item())
        h = probe
        for layer in net:
            h = layer(h)
            if not isinstance(layer, nn.ReLU):
                point.append(h.abs().mean().item())
    return point


def train(run):
    start = time.perf_counter()
    torch.manual_seed(run["seed"])
    (xtr, ytr), test, val = data(run)
    layers, fan_in = [], run["input_dim"]
    for _ in range(run["depth"]):
        layers += [nn.Linear(fan_in, run["width"]), nn.ReLU()]
        fan_in = run["width"]
    layers.append(nn.Linear(fan_in, run["classes"]))
    net = nn.Sequential(*layers)
    optimizer = torch.optim.Adam(net.parameters(), lr=run["learning_rate"])
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(run["seed"])
    n, batch = len(xtr), run["batch_size"]
    order, at = torch.randperm(n, generator=gen), 0
    evals, curve = set(run["eval_steps"]), []
    for step in range(run["steps"] + 1):
        if step in evals:
            curve.append(evaluate(net, ((xtr, ytr), test, val), xtr[:PROBE]))
        if step == run["steps"]:
            break
        if at + batch > n:
            order, at = torch.randperm(n, generator=gen), 0
        idx = order[at:at + batch]
        at += batch
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(net(xtr[idx]), ytr[idx])
        loss.backward()
        optimizer.step()
    return run, curve[-1], time.perf_counter() - start


def init_worker():
    torch.set_num_threads(1)


def main(argv):
    args = parse_args(argv)
    start = time.perf_counter()
    with open(args.runs, encoding="utf-8") as f:
        runs = [json.loads(line) for line in f if line.strip()]
    errors = defaultdict(list)
    run_seconds = 0.0
    with ProcessPoolExecutor(max_workers=args.workers, initializer=init_worker) as pool:
        for run, last, seconds in pool.map(train, runs):
            errors[(run["width"], run["train_size"])].append(last[3])
            run_seconds += seconds
    wall = time.perf_counter() - start
    widths = sorted({w for w, _ in errors})
    sizes = sorted({n for _, n in errors})
    print(f"{len(runs)} runs in {wall:.1f} s ({args.workers} processes; sum of run times "
          f"{run_seconds:.1f} s)")
    print("test error by width (rows) and train_size (columns), seeds averaged")
    print("| width | " + " | ".join(str(n) for n in sizes) + " |")
    print("|---:|" + "---:|" * len(sizes))
    for w in widths:
        cells = [sum(errors[(w, n)]) / len(errors[(w, n)]) if errors[(w, n)] else float("nan")
                 for n in sizes]
        print(f"| {w} | " + " | ".join(f"{c:.3f}" for c in cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
