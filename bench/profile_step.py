"""Summarises `jfr print` samples of StepBench's timed loop (see profile_step.sh).

A sample counts towards every part whose frame pattern appears in its stack, so the shares
overlap; "top frame" shares add up to 100 %.
"""

import re
import sys
from collections import Counter

PARTS = {
    "native kernels (libnd4j ops, BLAS)": r"^\s*org\.nd4j\.linalg\.cpu\.nativecpu\.bindings\.Nd4jCpu\.exec",
    "JavaCPP memory-bound check (Pointer.physicalBytes*)": r"Pointer\.physicalBytes",
    "new native pointers (JavaCPP DeallocatorReference)": r"DeallocatorReference\.<init>",
    "shape buffers per op (createShapeInfo)": r"createShapeInfo",
    "BLAS sgemm called by DenseStep": r"cblas_sgemm",
    "backpropagation": r"backpropGradient|DenseStep\.backward",
    "forward pass": r"ffToLayerActivations|\.activate\(|DenseStep\.forward",
    "updater (Adam)": r"BaseMultiLayerUpdater\.update|FusedUpdate\.apply",
    "score": r"computeScore|DenseStep\.outputDelta",
}

# A step: DenseStep's (what runs take) or DL4J's fit (bench step --dl4j-fit); setup is left out.
STEP = r"DenseStep\.fit|MultiLayerNetwork\.fit"


def main(path: str) -> None:
    text = open(path, encoding="utf-8").read()
    events = re.split(r"\n(?=jdk\.(?:ExecutionSample|NativeMethodSample))", text)
    loop = [e for e in events if "StepBench.measure" in e and re.search(STEP, e)]
    if not loop:
        sys.exit("no samples inside StepBench.measure: was the run too short?")
    n = len(loop)
    print(f"{n} samples in the timed loop ({sum(e.startswith('jdk.Native') for e in loop)} in native methods)")
    print("| part | share of samples |")
    print("|---|---:|")
    for name, pattern in PARTS.items():
        hits = sum(1 for e in loop if re.search(pattern, e, re.M))
        print(f"| {name} | {hits / n * 100:.1f} % |")
    tops = Counter()
    for e in loop:
        m = re.search(r"stackTrace = \[\s*\n\s*(\S+?)\(", e)
        tops[m.group(1) if m else "?"] += 1
    print("\n| top frame | share |")
    print("|---|---:|")
    for frame, count in tops.most_common(10):
        print(f"| {frame} | {count / n * 100:.1f} % |")


if __name__ == "__main__":
    main(sys.argv[1])
