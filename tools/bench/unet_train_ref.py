"""Reference: visionlab's U-Net (src/models/unet.rs) trained with Adam in PyTorch on the CPU.

Mirrors the Rust model layer for layer: three encoder stages of two 3x3 convs (no bias) +
batch norm + ReLU with 2x2 max pooling, a bottleneck, a global-context branch (max-pool the
bottleneck, Linear + ReLU, add back) with a class-presence head, a decoder of 2x2
transposed convolutions (stride 2) + skip concatenation + DoubleConv, and a 1x1 head.
Loss: per-pixel cross-entropy + 0.5 * presence BCE, as src/train/segmentation.rs.

Prints images/second on synthetic 3x32x32 batches of 16 with 6 classes, width 8 (the
Segment tab's defaults), so `visionlab bench` can time the same model in the same run.
usage: python3 unet_train_ref.py [threads] [steps] [width] [side] [batch]
"""
import sys, time
import torch, torch.nn as nn, torch.nn.functional as F

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 50
width = int(sys.argv[3]) if len(sys.argv) > 3 else 8
side = int(sys.argv[4]) if len(sys.argv) > 4 else 32
batch = int(sys.argv[5]) if len(sys.argv) > 5 else 16
classes = 6
torch.set_num_threads(threads)
torch.manual_seed(0)


class DoubleConv(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(x)))


class Up(nn.Module):
    def __init__(self, cin, cskip, cout):
        super().__init__()
        self.up = nn.ConvTranspose2d(cin, cout, 2, stride=2)
        self.conv = DoubleConv(cout + cskip, cout)

    def forward(self, x, skip):
        return self.conv(torch.cat([self.up(x), skip], 1))


class UNet(nn.Module):
    def __init__(self, cin, classes, w):
        super().__init__()
        w1, w2, w3, w4 = w, 2 * w, 4 * w, 8 * w
        self.enc1, self.enc2 = DoubleConv(cin, w1), DoubleConv(w1, w2)
        self.enc3, self.bottleneck = DoubleConv(w2, w3), DoubleConv(w3, w4)
        self.context, self.presence = nn.Linear(w4, w4), nn.Linear(w4, classes)
        self.up3, self.up2, self.up1 = Up(w4, w3, w3), Up(w3, w2, w2), Up(w2, w1, w1)
        self.head = nn.Conv2d(w1, classes, 1)

    def forward(self, x):
        s1 = self.enc1(x)
        s2 = self.enc2(F.max_pool2d(s1, 2))
        s3 = self.enc3(F.max_pool2d(s2, 2))
        b = self.bottleneck(F.max_pool2d(s3, 2))
        pooled = b.amax(dim=(2, 3))
        g = F.relu(self.context(pooled))
        presence = self.presence(g)
        b = b + g[:, :, None, None]
        x = self.up1(self.up2(self.up3(b, s3), s2), s1)
        return self.head(x), presence


model = UNet(3, classes, width)
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
x = torch.randn(batch, 3, side, side)
y = torch.randint(0, classes, (batch, side, side))
present = F.one_hot(y.flatten(1), classes).amax(1).float()
warmup = 5
for i in range(steps + warmup):
    if i == warmup:
        t0 = time.perf_counter()
    opt.zero_grad()
    logits, pres = model(x)
    pixel = F.cross_entropy(logits, y)
    loss = pixel + 0.5 * F.binary_cross_entropy_with_logits(pres, present)
    pixel.item()
    loss.backward()
    opt.step()
dt = time.perf_counter() - t0
print(f"pytorch unet train: {steps * batch / dt:.1f} img/s (threads={threads}, batch={batch}, 3x{side}x{side}, width={width})")
