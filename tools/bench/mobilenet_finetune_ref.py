"""Reference: one fine-tuning step of the pretrained MobileNetV2 (src/models/mobilenet_v2.rs)
in PyTorch on the CPU, at 96x96.

torchvision's mobilenet_v2 with the ImageNet weights (mobilenet_v2-b0353104.pth, from the
project's assets/weights or shared/assets/weights), its classifier replaced by a fresh
Linear(1280, 10) without dropout, as `MobileNetV2::with_classes` does. Images are on the 0..1
scale and ImageNet-normalised inside the step, as visionlab's network does itself.

Whole-network training: every layer trains, batch norm in training mode (batch statistics),
Adam. That is the heavy case of a fine-tune and the one that exercises the kernels of issue
16: convolution forward and both gradients, depthwise convolution forward and backward, and
batch norm backward. (A frozen backbone would time a forward pass plus a 1280x10 layer.)

Synthetic data (random images and labels), batch 32; only the training steps are timed,
warm-up excluded. Prints images/second for `visionlab bench`.
usage: python3 mobilenet_finetune_ref.py [threads] [steps] [batch] [side]
"""
import os, sys, time
import torch, torch.nn as nn, torch.nn.functional as F, torchvision

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 10
batch = int(sys.argv[3]) if len(sys.argv) > 3 else 32
side = int(sys.argv[4]) if len(sys.argv) > 4 else 96
classes = 10
torch.set_num_threads(threads)
torch.manual_seed(0)

here = os.path.dirname(os.path.abspath(__file__))
name = "mobilenet_v2-b0353104.pth"
candidates = [
    os.path.join(here, "..", "..", "assets", "weights", name),  # tools/bench in the repository
    os.path.join(here, "..", "assets", "weights", name),  # shared/bench
    os.path.join(here, "..", "..", "shared", "assets", "weights", name),
]
weights = next((p for p in candidates if os.path.exists(p)), None)
if weights is None:
    sys.exit(f"{name} not found in: {', '.join(candidates)}")

net = torchvision.models.mobilenet_v2()
net.load_state_dict(torch.load(weights))
net.classifier = nn.Linear(1280, classes)
net.train()
mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
opt = torch.optim.Adam(net.parameters(), lr=1e-4)
x = torch.rand(batch, 3, side, side)
y = torch.arange(batch) % classes
warmup = 3
for i in range(steps + warmup):
    if i == warmup:
        t0 = time.perf_counter()
    opt.zero_grad()
    loss = F.cross_entropy(net((x - mean) / std), y)
    loss.item()
    loss.backward()
    opt.step()
dt = time.perf_counter() - t0
print(f"pytorch mobilenet_v2 finetune: {steps * batch / dt:.1f} img/s (threads={threads}, batch={batch}, 3x{side}x{side}, whole network, Adam)")
