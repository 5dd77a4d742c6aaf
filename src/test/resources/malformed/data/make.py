# Writes the malformed-input corpus's data directories: a consistent Fashion-MNIST-shaped set
# (4 train and 4 test images of 28x28), and copies of it each with exactly one defect.
import gzip, os, shutil, struct, sys

root = sys.argv[1]
N = 4
def images(n, magic=0x803):
    body = bytes(((i * 7 + j * 3) % 256) for i in range(n) for j in range(784))
    return struct.pack(">iiii", magic, n, 28, 28) + body
def labels(n, magic=0x801, labs=None):
    labs = labs or [i % 10 for i in range(n)]
    return struct.pack(">ii", magic, n) + bytes(labs)
def gz(b):
    return gzip.compress(b, compresslevel=9, mtime=0)

good = {
    "train-images-idx3-ubyte": images(N),
    "train-labels-idx1-ubyte": labels(N),
    "t10k-images-idx3-ubyte": images(N),
    "t10k-labels-idx1-ubyte": labels(N),
}
def case(name, change):
    d = os.path.join(root, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    files = dict(good)
    change(files)
    for f, b in files.items():
        with open(os.path.join(d, f), "wb") as out:
            out.write(b)

case("good", lambda f: None)
def missing(f): del f["t10k-labels-idx1-ubyte"]
case("missing-file", missing)
def magic(f): f["train-images-idx3-ubyte"] = images(N, magic=0x806)
case("bad-magic", magic)
def swapped(f):
    f["train-images-idx3-ubyte"], f["train-labels-idx1-ubyte"] = f["train-labels-idx1-ubyte"], f["train-images-idx3-ubyte"]
case("swapped-names", swapped)
def short(f): f["train-images-idx3-ubyte"] = f["train-images-idx3-ubyte"][:2000]
case("truncated", short)
def short_gz(f):
    z = gz(f.pop("t10k-images-idx3-ubyte"))
    f["t10k-images-idx3-ubyte.gz"] = z[: len(z) // 2]
case("truncated-gzip", short_gz)
def broken(f):
    z = bytearray(gz(f.pop("train-images-idx3-ubyte")))
    z[10] |= 0x06  # first deflate block of type 3, which does not exist
    f["train-images-idx3-ubyte.gz"] = bytes(z)
case("broken-gzip", broken)
def crc(f):
    z = bytearray(gz(f.pop("train-labels-idx1-ubyte")))
    z[-8] ^= 0x55  # the CRC-32 in the gzip trailer
    f["train-labels-idx1-ubyte.gz"] = bytes(z)
case("gzip-crc", crc)
def label(f): f["t10k-labels-idx1-ubyte"] = labels(N, labs=[0, 1, 12, 3])
case("label-out-of-range", label)
