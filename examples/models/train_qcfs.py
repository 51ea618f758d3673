#!/usr/bin/env python3
"""Train a small QCFS CNN on Fashion-MNIST and export it to ONNX.

This is a developer tool that produces the reference networks committed next to
it (see README.md in this folder). hwgen's own tests never run it and never need
PyTorch: they read the committed .onnx / .npy files.

Network (input: RAW 8-bit pixels as a float tensor 0..255, shape [N,1,28,28]):

    x / 255
    conv 1->16, 3x3, pad 1  -> QCFS(lambda1) -> maxpool 2
    conv 16->32, 3x3, pad 1 -> QCFS(lambda2) -> maxpool 2
    flatten (32*7*7 = 1568)
    fc 1568->128            -> QCFS(lambda3)
    fc 128->10              -> logits (no activation)

QCFS (Bu et al., "Optimal ANN-SNN Conversion for High-accuracy and Ultra-low-latency
Spiking Neural Networks", ICLR 2022) with T quantisation levels and a trainable
threshold lambda per layer:

    qcfs(z) = lambda * clip(floor(z*T/lambda + 1/2), 0, T) / T

written in their op order  z/lambda -> clip(0,1) -> *T -> +0.5 -> floor -> /T -> *lambda.
In training the floor passes the gradient straight through (straight-through
estimator); its forward value is the real floor, so the network evaluated in
training and in eval mode computes the same function (there is no batch norm and
no dropout).

Requires Debian's python3-torch, python3-onnx and dataset-fashion-mnist:

    apt-get install -y --no-install-recommends python3-torch dataset-fashion-mnist python3-onnx
    /usr/bin/python3 examples/models/train_qcfs.py --T 4 --export-alt
    /usr/bin/python3 examples/models/train_qcfs.py --T 8
"""

import argparse
import gzip
import json
import os
import time

import numpy as np

def _tune_malloc():
    """Keep freed memory in the heap instead of returning it to the kernel after
    every op: page faults are very expensive on some sandboxes, and this made each
    step several times faster there. Harmless elsewhere; tensors up to 32 MB
    (so evaluation batches of 500 images) benefit."""
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 32 * 1024 * 1024)  # M_MMAP_THRESHOLD
        libc.mallopt(-1, 1 << 30)           # M_TRIM_THRESHOLD
    except (OSError, AttributeError):
        pass


_tune_malloc()
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

DATA_DIR = "/usr/share/datasets/fashion-mnist"
N_SAVED_TEST = 500  # images/labels written to test_images_500.npy / test_labels_500.npy


# --------------------------------------------------------------------------- data

def load_idx(path):
    """Read a (gzipped) IDX file into a numpy array (uint8 data, big-endian header)."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    ndim = magic & 0xFF
    assert magic >> 8 == 0x08, "expected unsigned-byte IDX data"
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(bytearray(data), dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_fashion_mnist(data_dir):
    """Returns (train_x, train_y, test_x, test_y); images uint8 [N,1,28,28], labels int64 [N]."""
    def images(name):
        return load_idx(os.path.join(data_dir, name)).reshape(-1, 1, 28, 28)

    def labels(name):
        return load_idx(os.path.join(data_dir, name)).astype(np.int64)

    return (images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz"),
            images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz"))


def augment(x, gen, shift=2):
    """Random horizontal flip and a random translation of up to `shift` pixels
    (zero fill) per image. x: float [B,1,28,28] raw pixels."""
    b = x.shape[0]
    flip = torch.rand(b, generator=gen) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    if shift > 0:
        padded = F.pad(x, (shift, shift, shift, shift))
        dy = torch.randint(0, 2 * shift + 1, (b,), generator=gen)
        dx = torch.randint(0, 2 * shift + 1, (b,), generator=gen)
        out = torch.empty_like(x)
        # one slice per distinct (dy, dx): at most (2*shift+1)^2 slices per batch
        for oy in range(2 * shift + 1):
            for ox in range(2 * shift + 1):
                sel = ((dy == oy) & (dx == ox)).nonzero(as_tuple=True)[0]
                if len(sel):
                    out[sel] = padded[sel, :, oy:oy + 28, ox:ox + 28]
        x = out
    return x


# --------------------------------------------------------------------------- model (training)

class FloorSTE(torch.autograd.Function):
    """floor() in the forward pass, identity gradient in the backward pass."""

    @staticmethod
    def forward(ctx, x):
        return torch.floor(x)

    @staticmethod
    def backward(ctx, grad):
        return grad


class QCFS(nn.Module):
    """Quantisation-clip-floor-shift activation with a trainable threshold lambda."""

    def __init__(self, T, lam=1.0):
        super().__init__()
        self.T = T
        self.lam = nn.Parameter(torch.tensor(float(lam)))
        self.quantise = True  # False: clip(z, 0, lambda) without the floor (reference only)

    def forward(self, z):
        x = torch.clamp(z / self.lam, 0.0, 1.0)
        if self.quantise:
            x = FloorSTE.apply(x * self.T + 0.5) / self.T
        return x * self.lam


class QCFSNet(nn.Module):
    def __init__(self, T):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)    # K = 9,    M = 16
        self.q1 = QCFS(T)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)   # K = 144,  M = 32
        self.q2 = QCFS(T)
        self.fc1 = nn.Linear(32 * 7 * 7, 128)          # K = 1568, M = 128
        self.q3 = QCFS(T)
        self.fc2 = nn.Linear(128, 10)                  # K = 128,  M = 10 (logits)

    def qcfs_layers(self):
        return [self.q1, self.q2, self.q3]

    def pre_activations(self, x):
        """Yields (qcfs module, its input) layer by layer; used to initialise lambda."""
        x = x / 255.0
        z = self.conv1(x)
        yield self.q1, z
        x = F.max_pool2d(self.q1(z), 2)
        z = self.conv2(x)
        yield self.q2, z
        x = F.max_pool2d(self.q2(z), 2)
        z = self.fc1_as_conv(x)
        yield self.q3, z

    def forward(self, x):
        x = x / 255.0
        x = F.max_pool2d(self.q1(self.conv1(x)), 2)
        x = F.max_pool2d(self.q2(self.conv2(x)), 2)
        x = self.q3(self.fc1_as_conv(x))
        return self.fc2(x)

    def fc1_as_conv(self, x):
        """fc1 applied to the [B,32,7,7] feature map as a 7x7 convolution: the same
        numbers as fc1(flatten(x)) (flatten is C order, so weight.view matches), but
        Debian's torch has a reference BLAS and its oneDNN convolution is ~15x faster
        than its matmul here. The export uses fc1 itself (an ONNX Gemm)."""
        w = self.fc1.weight.view(self.fc1.out_features, *x.shape[1:])
        return F.conv2d(x, w, self.fc1.bias).flatten(1)


@torch.no_grad()
def init_lambdas(model, x, quantile=0.995):
    """Set each lambda, in layer order, to a high quantile of its layer's positive
    pre-activations on a calibration batch (later layers see the quantised outputs
    of earlier ones). Training then moves lambda freely."""
    for q, z in model.pre_activations(x):
        pos = z[z > 0]
        q.lam.fill_(float(torch.quantile(pos[:200000], quantile)) if pos.numel() else 1.0)


@torch.no_grad()
def evaluate(model, x_u8, y, batch=500):
    model.eval()
    correct = 0
    for i in range(0, len(x_u8), batch):
        logits = model(torch.from_numpy(x_u8[i:i + batch]).float())
        correct += int((logits.argmax(1) == torch.from_numpy(y[i:i + batch])).sum())
    return correct / len(x_u8)


# --------------------------------------------------------------------------- export

class QCFSExport(nn.Module):
    """Eval-mode QCFS written with exactly the ONNX ops wanted in the graph.

    order "bu":  Div(lambda) -> Clip(0,1) -> Mul(T) -> Add(0.5) -> Floor -> Div(T) -> Mul(lambda)
    order "alt": Mul(T/lambda) -> Add(0.5) -> Floor -> Clip(0,T) -> Mul(lambda/T)

    lambda (or T/lambda and lambda/T, computed once in float32) is a buffer, so it
    becomes an initializer named q<i>.lam (q<i>.T_over_lam, q<i>.lam_over_T). The
    other numbers are Python floats; the torch exporter emits them as Constant
    nodes, which export_onnx() then turns into initializers. (Buffers holding
    equal values in several layers would be merged by the exporter through
    Identity nodes, hence no buffers for T, 0.5 and the clip bounds.)
    """

    def __init__(self, lam, T, order):
        super().__init__()
        self.order = order
        self.T = float(T)
        lam32 = torch.tensor(lam, dtype=torch.float32)
        T32 = torch.tensor(self.T, dtype=torch.float32)
        if order == "bu":
            self.register_buffer("lam", lam32)
        else:
            self.register_buffer("T_over_lam", T32 / lam32)
            self.register_buffer("lam_over_T", lam32 / T32)

    def forward(self, z):
        if self.order == "bu":
            x = torch.div(z, self.lam)
            x = torch.clamp(x, 0.0, 1.0)
            x = torch.mul(x, self.T)
            x = torch.add(x, 0.5)
            x = torch.floor(x)
            x = torch.div(x, self.T)
            return torch.mul(x, self.lam)
        x = torch.mul(z, self.T_over_lam)
        x = torch.add(x, 0.5)
        x = torch.floor(x)
        x = torch.clamp(x, 0.0, self.T)
        return torch.mul(x, self.lam_over_T)


class ExportNet(nn.Module):
    """The trained network in eval form: same weights, plain ops, real floor."""

    def __init__(self, trained, T, order):
        super().__init__()
        self.register_buffer("scale", torch.tensor(255.0))
        self.conv1, self.conv2, self.fc1, self.fc2 = trained.conv1, trained.conv2, trained.fc1, trained.fc2
        self.q1 = QCFSExport(float(trained.q1.lam), T, order)
        self.q2 = QCFSExport(float(trained.q2.lam), T, order)
        self.q3 = QCFSExport(float(trained.q3.lam), T, order)

    def forward(self, image):
        x = torch.div(image, self.scale)          # raw 0..255 pixels -> 0..1
        x = F.max_pool2d(self.q1(self.conv1(x)), 2)
        x = F.max_pool2d(self.q2(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = self.q3(self.fc1(x))
        return self.fc2(x)


EXPECTED_QCFS_OPS = {
    "bu": ["Div", "Clip", "Mul", "Add", "Floor", "Div", "Mul"],
    "alt": ["Mul", "Add", "Floor", "Clip", "Mul"],
}


def export_onnx(model, path, order):
    import onnx
    from onnx import numpy_helper
    model.eval()
    dummy = torch.zeros(1, 1, 28, 28)
    torch.onnx.export(model, dummy, path, opset_version=13,
                      input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}},
                      do_constant_folding=False)
    m = onnx.load(path)
    # Make every constant an initializer, so that a reader finds lambda, T, 0.5 and
    # the clip bounds in one place: Constant nodes become initializers, and the
    # exporter's Cast of a constant clip bound (already float32) is folded away.
    consts = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    kept = []
    for node in m.graph.node:
        if node.op_type == "Constant":
            t = numpy_helper.to_array(node.attribute[0].t)
        elif node.op_type == "Cast" and node.input[0] in consts:
            to = onnx.helper.get_attribute_value(node.attribute[0])
            t = consts[node.input[0]].astype(onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[to])
        else:
            kept.append(node)
            continue
        consts[node.output[0]] = t
        m.graph.initializer.append(numpy_helper.from_array(t, node.output[0]))
    del m.graph.node[:]
    m.graph.node.extend(kept)
    # Initializers are not graph inputs (IR >= 4).
    init_names = {i.name for i in m.graph.initializer}
    inputs = [i for i in m.graph.input if i.name not in init_names]
    del m.graph.input[:]
    m.graph.input.extend(inputs)
    # Drop initializers no node reads any more (the inputs of folded Casts).
    used = {i for n in m.graph.node for i in n.input}
    inits = [i for i in m.graph.initializer if i.name in used]
    del m.graph.initializer[:]
    m.graph.initializer.extend(inits)
    m.producer_name = "hwgen examples/models/train_qcfs.py"
    onnx.checker.check_model(m, full_check=True)
    # The graph must be exactly: Div(255), then per hidden layer Conv/Gemm + the
    # QCFS chain (+ MaxPool), Flatten, and the last Gemm.
    q = EXPECTED_QCFS_OPS[order]
    want = (["Div", "Conv"] + q + ["MaxPool", "Conv"] + q + ["MaxPool", "Flatten", "Gemm"] + q + ["Gemm"])
    got = [n.op_type for n in m.graph.node]
    assert got == want, f"unexpected graph ops {got}"
    onnx.save(m, path)
    return m


# --------------------------------------------------------------------------- numpy ONNX evaluator
# python3-onnx 1.12 (Debian 12) has no onnx.reference, and onnxruntime is not
# available, so the exported graph is checked with this small evaluator, which
# implements just the ops the export uses.

def _conv(x, w, b, pads, strides):
    n, c, h, wd = x.shape
    m, _, kh, kw = w.shape
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    ho = (x.shape[2] - kh) // strides[0] + 1
    wo = (x.shape[3] - kw) // strides[1] + 1
    cols = np.empty((n, c, kh, kw, ho, wo), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            cols[:, :, i, j] = x[:, :, i:i + strides[0] * ho:strides[0], j:j + strides[1] * wo:strides[1]]
    y = np.einsum("nkhw,mk->nmhw", cols.reshape(n, c * kh * kw, ho, wo), w.reshape(m, -1), optimize=True)
    return y + (b[None, :, None, None] if b is not None else 0)


def run_onnx_numpy(model, feeds):
    import onnx
    from onnx import numpy_helper
    env = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    env.update(feeds)
    for node in model.graph.node:
        a = {at.name: onnx.helper.get_attribute_value(at) for at in node.attribute}
        ins = [env[i] if i else None for i in node.input]
        op = node.op_type
        if op == "Conv":
            k = len(ins[1].shape) - 2
            out = _conv(ins[0], ins[1], ins[2] if len(ins) > 2 else None,
                        a.get("pads", [0] * 2 * k), a.get("strides", [1] * k))
            assert a.get("group", 1) == 1 and all(d == 1 for d in a.get("dilations", [1] * k))
        elif op == "MaxPool":
            kh, kw = a["kernel_shape"]
            assert list(a.get("strides", [1, 1])) == [kh, kw] and not any(a.get("pads", [0] * 4))
            x = ins[0]
            n, c, h, w = x.shape
            out = x[:, :, :h // kh * kh, :w // kw * kw].reshape(n, c, h // kh, kh, w // kw, kw).max(axis=(3, 5))
        elif op == "Flatten":
            ax = a.get("axis", 1)
            out = ins[0].reshape(int(np.prod(ins[0].shape[:ax])), -1)
        elif op == "Reshape":
            out = ins[0].reshape([ins[0].shape[i] if s == 0 else s for i, s in enumerate(ins[1])])
        elif op == "Gemm":
            A = ins[0].T if a.get("transA", 0) else ins[0]
            B = ins[1].T if a.get("transB", 0) else ins[1]
            out = a.get("alpha", 1.0) * (A @ B)
            if len(ins) > 2 and ins[2] is not None:
                out = out + a.get("beta", 1.0) * ins[2]
        elif op == "Div":
            out = ins[0] / ins[1]
        elif op == "Mul":
            out = ins[0] * ins[1]
        elif op == "Add":
            out = ins[0] + ins[1]
        elif op == "Floor":
            out = np.floor(ins[0])
        elif op == "Clip":
            out = np.clip(ins[0], ins[1], ins[2])
        else:
            raise NotImplementedError(op)
        env[node.output[0]] = np.asarray(out, dtype=np.float32)
    return [env[o.name] for o in model.graph.output]


def qcfs_op_sequences(model):
    """The op types of each chain of element-wise ops between the compute layers."""
    seqs, cur = [], []
    for node in model.graph.node:
        if node.op_type in ("Conv", "Gemm", "MaxPool", "Flatten", "Reshape"):
            if cur:
                seqs.append(cur)
            cur = []
        else:
            cur.append(node.op_type)
    if cur:
        seqs.append(cur)
    return seqs


# --------------------------------------------------------------------------- main

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--T", type=int, default=4, help="QCFS quantisation levels / time steps (default 4)")
    p.add_argument("--epochs", type=int, default=8, help="training epochs (default 8)")
    p.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)),
                   help="output folder (default: this script's folder)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=2e-3, help="Adam learning rate, cosine-decayed to 0")
    p.add_argument("--no-augment", action="store_true", help="no flip/shift augmentation")
    p.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    p.add_argument("--export-alt", action="store_true",
                   help="also export the alternative QCFS op order as qcfs_fmnist_t<T>_alt.onnx")
    p.add_argument("--data", default=DATA_DIR, help="folder of the Fashion-MNIST IDX .gz files")
    p.add_argument("--train-limit", type=int, default=0, help="use only the first N training images (smoke test)")
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.use_deterministic_algorithms(True)
    os.makedirs(args.out, exist_ok=True)

    train_x, train_y, test_x, test_y = load_fashion_mnist(args.data)
    if args.train_limit:
        train_x, train_y = train_x[:args.train_limit], train_y[:args.train_limit]
    print(f"train {train_x.shape}, test {test_x.shape}")

    # The first test images, as raw pixels, for hwgen's tests (no PyTorch needed).
    np.save(os.path.join(args.out, f"test_images_{N_SAVED_TEST}.npy"),
            np.ascontiguousarray(test_x[:N_SAVED_TEST], dtype=np.uint8))
    np.save(os.path.join(args.out, f"test_labels_{N_SAVED_TEST}.npy"),
            test_y[:N_SAVED_TEST].astype('<i4'))

    model = QCFSNet(args.T)
    gen = torch.Generator().manual_seed(args.seed)
    xt = torch.from_numpy(train_x)  # uint8; converted to float per batch
    yt = torch.from_numpy(train_y)
    calib = xt[torch.randperm(len(xt), generator=gen)[:2048]].float()
    init_lambdas(model, calib)
    print("initial lambdas:", [round(float(q.lam), 4) for q in model.qcfs_layers()])

    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    steps_per_epoch = (len(xt) + args.batch - 1) // args.batch
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs * steps_per_epoch)

    history = []
    t0 = time.time()
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(xt), generator=gen)
        loss_sum, correct = 0.0, 0
        for i in range(0, len(xt), args.batch):
            idx = perm[i:i + args.batch]
            x, y = xt[idx].float(), yt[idx]
            if not args.no_augment:
                x = augment(x, gen)
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            loss_sum += float(loss) * len(idx)
            correct += int((logits.argmax(1) == y).sum())
        acc = evaluate(model, test_x, test_y)
        rec = {"epoch": epoch + 1, "train_loss": loss_sum / len(xt), "train_acc": correct / len(xt),
               "test_acc": acc, "seconds": time.time() - t0,
               "lambdas": [float(q.lam) for q in model.qcfs_layers()]}
        history.append(rec)
        print(f"epoch {epoch + 1}/{args.epochs}  loss {rec['train_loss']:.4f}  train {rec['train_acc']:.4f}  "
              f"test {acc:.4f}  lambdas {[round(v, 4) for v in rec['lambdas']]}  {rec['seconds']:.0f}s", flush=True)
    train_seconds = time.time() - t0

    # Accuracies on all 10 000 test images.
    acc_qcfs = evaluate(model, test_x, test_y)  # eval mode, real floor: what the integer model reproduces
    for q in model.qcfs_layers():
        q.quantise = False
    acc_clip = evaluate(model, test_x, test_y)  # same weights, clip(z,0,lambda) without the floor
    for q in model.qcfs_layers():
        q.quantise = True
    print(f"test accuracy: QCFS eval (floor) {acc_qcfs:.4f}; same weights without the floor {acc_clip:.4f}")

    # Export and check.
    import onnx
    exports = [("bu", f"qcfs_fmnist_t{args.T}.onnx")]
    if args.export_alt:
        exports.append(("alt", f"qcfs_fmnist_t{args.T}_alt.onnx"))
    lambdas = {"q1": float(model.q1.lam), "q2": float(model.q2.lam), "q3": float(model.q3.lam)}
    files = {}
    ref_logits = None
    for order, name in exports:
        path = os.path.join(args.out, name)
        em = ExportNet(model, args.T, order).eval()
        m = export_onnx(em, path, order)
        with torch.no_grad():
            torch_logits = torch.cat([model(torch.from_numpy(test_x[i:i + 500]).float())
                                      for i in range(0, len(test_x), 500)]).numpy()
            export_logits = torch.cat([em(torch.from_numpy(test_x[i:i + 500]).float())
                                       for i in range(0, len(test_x), 500)]).numpy()
        onnx_logits = np.concatenate([run_onnx_numpy(m, {"image": test_x[i:i + 500].astype(np.float32)})[0]
                                      for i in range(0, len(test_x), 500)])
        if ref_logits is None:
            ref_logits = onnx_logits
        acc_onnx = float((onnx_logits.argmax(1) == test_y).mean())
        info = {
            "order": order,
            "qcfs_ops": qcfs_op_sequences(m),
            "bytes": os.path.getsize(path),
            "test_acc_onnx_numpy": acc_onnx,
            "max_abs_diff_vs_pytorch_training_model": float(np.abs(onnx_logits - torch_logits).max()),
            "max_abs_diff_vs_pytorch_export_module": float(np.abs(onnx_logits - export_logits).max()),
            "argmax_agrees_with_pytorch": int((onnx_logits.argmax(1) == torch_logits.argmax(1)).sum()),
            "max_abs_diff_vs_first_export": float(np.abs(onnx_logits - ref_logits).max()),
            "argmax_agrees_with_first_export": int((onnx_logits.argmax(1) == ref_logits.argmax(1)).sum()),
        }
        files[name] = info
        print(name, json.dumps(info))

    # Record the figures (merged into figures.json, one entry per T).
    fig_path = os.path.join(args.out, "figures.json")
    figures = {}
    if os.path.exists(fig_path):
        with open(fig_path) as f:
            figures = json.load(f)
    figures[f"T{args.T}"] = {
        "T": args.T, "seed": args.seed, "epochs": args.epochs, "batch": args.batch, "lr": args.lr,
        "augment": not args.no_augment, "threads": args.threads, "torch": torch.__version__,
        "train_seconds": round(train_seconds, 1),
        "test_images": len(test_x),
        "test_acc_qcfs_eval_floor": acc_qcfs,
        "test_acc_same_weights_no_floor": acc_clip,
        "lambdas": lambdas,
        "files": files,
        "history": history,
    }
    with open(fig_path, "w") as f:
        json.dump(figures, f, indent=2, sort_keys=True)
        f.write("\n")
    print("wrote", fig_path)


if __name__ == "__main__":
    main()
