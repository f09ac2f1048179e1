"""Reference: visionlab's from-scratch detector (src/tasks/detect/model.rs) trained with Adam
in PyTorch on the CPU.

Mirrors `Detector::new(input 3x64x64, classes, width 16)` layer for layer: three stages of
ConvBnRelu (3x3 conv without bias + batch norm + ReLU; each stage a stride-2 one then a
stride-1 one) at widths 16, 32, 64; an FPN-style merge (1x1 lateral conv of the stride-8
map, nearest x2 upsampling, added to the stride-4 map, then a ConvBnRelu neck); 1x1 heads
for the class heat-map (bias -2.19) and the box (4 channels) at stride 4; the mask branch
(1x1 conv, x2 upsampling, added to the stride-2 map, ConvBnRelu, 1x1 conv to one logit).
Loss: src/tasks/detect/mod.rs `detection_loss`: CenterNet's penalty-reduced focal loss on
the heat-map ((1-p)^2 on the positives, p^2 * (1-gaussian)^4 on the negatives), L1 on box
size (x 0.1) and centre offset at the centre cells, each over the object count, plus the
mean binary cross-entropy of the foreground mask.

Synthetic data made once (5 classes, 1-4 boxes an image, Gaussian splats, as the shapes
scenes): only the training steps are timed, warm-up excluded. (visionlab's row also encodes
and uploads its batch each step; that is a small share of a step.)
Prints images/second for `visionlab bench`.
usage: python3 detector_train_ref.py [threads] [steps] [batch]
"""
import sys, time
import torch, torch.nn as nn, torch.nn.functional as F

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 20
batch = int(sys.argv[3]) if len(sys.argv) > 3 else 32
side, classes, width = 64, 5, 16
STRIDE, MASK_STRIDE, SIZE_WEIGHT, MASK_WEIGHT = 4, 2, 0.1, 1.0
torch.set_num_threads(threads)
torch.manual_seed(0)


class ConvBnRelu(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class Stage(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.down, self.conv = ConvBnRelu(cin, cout, 2), ConvBnRelu(cout, cout, 1)

    def forward(self, x):
        return self.conv(self.down(x))


def upsample2(x):
    return F.interpolate(x, scale_factor=2, mode="nearest")


class Detector(nn.Module):
    def __init__(self, cin, classes, w):
        super().__init__()
        w1, w2, w3 = w, 2 * w, 4 * w
        self.stage1, self.stage2, self.stage3 = Stage(cin, w1), Stage(w1, w2), Stage(w2, w3)
        self.lateral = nn.Conv2d(w3, w2, 1)
        self.neck = ConvBnRelu(w2, w2, 1)
        self.heat = nn.Conv2d(w2, classes, 1)
        nn.init.constant_(self.heat.bias, -2.19)
        self.boxes = nn.Conv2d(w2, 4, 1)
        self.mask_lateral = nn.Conv2d(w2, w1, 1)
        self.mask_conv = ConvBnRelu(w1, w1, 1)
        self.mask = nn.Conv2d(w1, 1, 1)

    def forward(self, x):
        s1 = self.stage1(x)  # [b, w1, H/2, W/2]
        s2 = self.stage2(s1)  # [b, w2, H/4, W/4]
        s3 = self.stage3(s2)  # [b, w3, H/8, W/8]
        features = self.neck(s2 + upsample2(self.lateral(s3)))
        up = upsample2(self.mask_lateral(features))
        return self.heat(features), self.boxes(features), self.mask(self.mask_conv(s1 + up))


def targets(n):
    """Encoded targets of n synthetic scenes, as tasks::detect::make_batch lays them out."""
    oh = ow = side // STRIDE
    mh = mw = side // MASK_STRIDE
    positive = torch.zeros(n, classes, oh, ow)
    heat = torch.zeros(n, classes, oh, ow)
    regression = torch.zeros(n, 4, oh, ow)
    centres = torch.zeros(n, 1, oh, ow)
    foreground = torch.zeros(n, 1, mh, mw)
    ys, xs = torch.meshgrid(torch.arange(oh).float(), torch.arange(ow).float(), indexing="ij")
    objects = 0
    for i in range(n):
        for _ in range(int(torch.randint(1, 5, ()))):
            k = int(torch.randint(0, classes, ()))
            bw, bh = (torch.rand(2) * 4 + 2).tolist()  # cells
            cx, cy = (torch.rand(2) * (ow - 2) + 1).tolist()
            ix, iy = int(cx), int(cy)
            sigma = max(0.5, (bw + bh) / 12)
            g = torch.exp(-((xs - ix) ** 2 + (ys - iy) ** 2) / (2 * sigma * sigma))
            heat[i, k] = torch.maximum(heat[i, k], g)
            positive[i, k, iy, ix] = 1
            regression[i, :, iy, ix] = torch.tensor([bw, bh, cx - ix, cy - iy])
            centres[i, 0, iy, ix] = 1
            s = STRIDE // MASK_STRIDE
            x0, x1 = int((cx - bw / 2) * s), int((cx + bw / 2) * s)
            y0, y1 = int((cy - bh / 2) * s), int((cy + bh / 2) * s)
            foreground[i, 0, max(y0, 0):y1, max(x0, 0):x1] = 1
            objects += 1
    negative_weight = (1 - heat) ** 4 * (1 - positive)
    return positive, negative_weight, regression, centres, foreground, float(max(objects, 1))


def detection_loss(out, t):
    heat_logits, boxes, mask = out
    positive, negative_weight, regression, centres, foreground, objects = t
    p = torch.sigmoid(heat_logits)
    pos = (F.logsigmoid(heat_logits) * (1 - p) ** 2 * positive).sum()
    neg = (F.logsigmoid(-heat_logits) * p ** 2 * negative_weight).sum()
    heat = -(pos + neg) / objects
    diff = (boxes - regression).abs() * centres
    box = (diff[:, :2].sum() * SIZE_WEIGHT + diff[:, 2:].sum()) / objects
    bce = -(F.logsigmoid(mask) * foreground + F.logsigmoid(-mask) * (1 - foreground)).mean()
    return heat + box + bce * MASK_WEIGHT


model = Detector(3, classes, width)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
x = torch.randn(batch, 3, side, side)
t = targets(batch)
warmup = 3
for i in range(steps + warmup):
    if i == warmup:
        t0 = time.perf_counter()
    opt.zero_grad()
    loss = detection_loss(model(x), t)
    loss.backward()
    opt.step()
dt = time.perf_counter() - t0
print(f"pytorch detector train: {steps * batch / dt:.1f} img/s (threads={threads}, batch={batch}, 3x{side}x{side}, width={width})")
