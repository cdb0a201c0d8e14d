#!/usr/bin/python3
"""
The reference fixture of kata 16 (your own network), made by PyTorch (run by instructors, not learners):
test/fixtures/your-network.{json,f32}.

For each network spec below (the same JSON form as kata 16's NetSpec) it builds the nn.Sequential that the
spec describes (Conv2d(in, out, kernel, stride, padding), MaxPool2d(size, stride), ReLU(), Flatten(),
Linear(in, out)), seeded with torch.manual_seed, with PyTorch's default initialisation, and records
  - every layer's output shape (forward hooks), sum(p.numel() for p in model.parameters()), and the
    multiply-adds of one image counted from the shapes PyTorch produced (Conv2d: output elements x
    in_channels x kH x kW; Linear: in x out), in the manifest's provenance;
  - the parameters (nn.Sequential's names: 0.weight, 0.bias, ...), a random input x [N, C, H, W] (randn),
    targets (randint), the logits, the mean cross-entropy, and every parameter's .grad after
    F.cross_entropy(model(x), targets).backward(), as float32 tensors named SPEC/NAME.

Usage: network_torch.py [make] [--out test/fixtures] [--threads 1]
       network_torch.py check [--fixture test/fixtures/your-network.json] [--tolerance 1e-5]
         rebuilds every stored spec as nn.Sequential, loads the stored parameters, and compares PyTorch's
         shapes, counts, logits, loss and gradients on the stored batch with the fixture (prints JSON).
"""
import argparse
import datetime
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mnist_torch import read_fixture, write_fixture  # noqa: E402  (the fixture format of lib/fixtures.ts)

# name, spec, batch size, seed. Padding, strides, non-square and multi-channel inputs, overlapping pools,
# a stride-2 conv instead of pooling, two linear layers.
SPECS = [
    ('lecture', {'input': [1, 28, 28], 'layers': [
        {'type': 'conv', 'in': 1, 'out': 10, 'kernel': 5},
        {'type': 'pool', 'size': 2},
        {'type': 'relu'},
        {'type': 'conv', 'in': 10, 'out': 20, 'kernel': 5},
        {'type': 'pool', 'size': 2},
        {'type': 'relu'},
        {'type': 'flatten'},
        {'type': 'linear', 'in': 320, 'out': 10},
    ]}, 3, 1),
    ('padded', {'input': [1, 12, 12], 'layers': [
        {'type': 'conv', 'in': 1, 'out': 4, 'kernel': 3, 'padding': 1},
        {'type': 'relu'},
        {'type': 'pool', 'size': 2},
        {'type': 'conv', 'in': 4, 'out': 6, 'kernel': 3, 'padding': 1},
        {'type': 'relu'},
        {'type': 'pool', 'size': 2},
        {'type': 'flatten'},
        {'type': 'linear', 'in': 54, 'out': 5},
    ]}, 4, 2),
    ('strided', {'input': [2, 11, 9], 'layers': [
        {'type': 'conv', 'in': 2, 'out': 5, 'kernel': 3, 'padding': 1, 'stride': 2},
        {'type': 'relu'},
        {'type': 'conv', 'in': 5, 'out': 4, 'kernel': 2},
        {'type': 'pool', 'size': 3, 'stride': 2},
        {'type': 'flatten'},
        {'type': 'linear', 'in': 8, 'out': 6},
        {'type': 'relu'},
        {'type': 'linear', 'in': 6, 'out': 3},
    ]}, 3, 3),
    ('deep', {'input': [3, 10, 10], 'layers': [
        {'type': 'conv', 'in': 3, 'out': 6, 'kernel': 3, 'padding': 2, 'stride': 3},
        {'type': 'relu'},
        {'type': 'pool', 'size': 2, 'stride': 1},
        {'type': 'conv', 'in': 6, 'out': 7, 'kernel': 3, 'padding': 1, 'stride': 2},
        {'type': 'relu'},
        {'type': 'flatten'},
        {'type': 'linear', 'in': 28, 'out': 4},
    ]}, 2, 4),
]


def module(layer):
    t = layer['type']
    if t == 'conv':
        return nn.Conv2d(layer['in'], layer['out'], layer['kernel'], stride=layer.get('stride', 1), padding=layer.get('padding', 0))
    if t == 'pool':
        return nn.MaxPool2d(layer['size'], stride=layer.get('stride', layer['size']))
    if t == 'relu':
        return nn.ReLU()
    if t == 'flatten':
        return nn.Flatten()
    if t == 'linear':
        return nn.Linear(layer['in'], layer['out'])
    sys.exit(f'unknown layer type {t}')


def make(args):
    torch.set_num_threads(args.threads)
    tensors, described = [], []
    for name, spec, batch, seed in SPECS:
        torch.manual_seed(seed)
        model = nn.Sequential(*[module(layer) for layer in spec['layers']])
        shapes, macs = [], []

        def hook(m, inputs, output):
            shapes.append(list(output.shape[1:]))
            if isinstance(m, nn.Conv2d):
                macs.append(output[0].numel() * m.in_channels * m.kernel_size[0] * m.kernel_size[1])
            elif isinstance(m, nn.Linear):
                macs.append(m.in_features * m.out_features)
            else:
                macs.append(0)

        for m in model:
            m.register_forward_hook(hook)
        x = torch.randn(batch, *spec['input'])
        logits = model(x)
        k = logits.shape[1]
        targets = torch.randint(0, k, (batch,))
        loss = F.cross_entropy(logits, targets)
        model.zero_grad()
        loss.backward()
        params = list(model.named_parameters())
        tensors += [(f'{name}/x', x), (f'{name}/targets', targets.float())]
        tensors += [(f'{name}/{k}', v) for k, v in params]
        tensors += [(f'{name}/logits', logits), (f'{name}/loss', loss.reshape(1))]
        tensors += [(f'{name}/grad/{k}', v.grad) for k, v in params]
        described.append({
            'name': name,
            'spec': spec,
            'batch': batch,
            'seed': seed,
            'module': str(model),
            'params': sum(v.numel() for v in model.parameters()),
            'macs': sum(macs),
            'layerMacs': macs,
            'shapes': shapes,
            'paramNames': [k for k, _ in params],
            'loss': loss.item(),
        })
        print(f'{name}: {sum(v.numel() for v in model.parameters())} parameters, {sum(macs)} MACs, output shapes {shapes}, loss {loss.item():.4f}')
    provenance = {
        'description': "Kata 16's reference: small networks described as specs, built as nn.Sequential by PyTorch; their "
                       'parameter counts, output shapes and multiply-adds, and for a random batch the logits, the mean '
                       'cross-entropy and every parameter gradient after loss.backward().',
        'framework': f'PyTorch {torch.__version__}',
        'script': 'lib/reference/network_torch.py',
        'command': '/usr/bin/python3 lib/reference/network_torch.py',
        'threads': args.threads,
        'init': "PyTorch's default (kaiming_uniform a=sqrt(5) for weights, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for biases), after torch.manual_seed(seed)",
        'data': 'x = torch.randn(batch, C, H, W); targets = torch.randint(0, K, (batch,)), stored as float32',
        'macs': 'per image: Conv2d output elements x in_channels x kH x kW; Linear in x out; other layers 0 (from forward hooks)',
        'networks': described,
        'date': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'),
    }
    write_fixture(args.out, 'your-network', tensors, provenance)
    print(f'wrote {os.path.join(args.out, "your-network.json")}')


def check(args):
    """PyTorch on the fixture's own specs, parameters and batch, against the stored numbers."""
    torch.set_num_threads(args.threads)
    manifest, t = read_fixture(args.fixture)
    worst, report = 0.0, []
    for net in manifest['provenance']['networks']:
        name, spec = net['name'], net['spec']
        model = nn.Sequential(*[module(layer) for layer in spec['layers']])
        model.load_state_dict({k: t[f'{name}/{k}'] for k in net['paramNames']})
        shapes = []
        for m in model:
            m.register_forward_hook(lambda m, i, o: shapes.append(list(o.shape[1:])))
        x = t[f'{name}/x']
        targets = t[f'{name}/targets'].long()
        logits = model(x)
        loss = F.cross_entropy(logits, targets)
        loss.backward()
        if shapes != net['shapes'] or sum(v.numel() for v in model.parameters()) != net['params']:
            sys.exit(f'{name}: shapes {shapes} / params differ from the fixture')
        diffs = [(logits - t[f'{name}/logits']).abs().max().item(), abs(loss.item() - t[f'{name}/loss'].item())]
        diffs += [(v.grad - t[f'{name}/grad/{k}']).abs().max().item() for k, v in model.named_parameters()]
        worst = max(worst, max(diffs))
        report.append({'name': name, 'maxAbsDiff': max(diffs)})
    print(json.dumps({'framework': f'PyTorch {torch.__version__}', 'networks': report, 'maxAbsDiff': worst}))
    if worst > args.tolerance:
        sys.exit(f'PyTorch differs from the fixture by {worst:.3g} (tolerance {args.tolerance})')


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    p.add_argument('command', nargs='?', default='make', choices=['make', 'check'])
    p.add_argument('--out', default=os.path.join(here, '..', '..', 'test', 'fixtures'))
    p.add_argument('--fixture', default=os.path.join(here, '..', '..', 'test', 'fixtures', 'your-network.json'))
    p.add_argument('--tolerance', type=float, default=1e-5)
    p.add_argument('--threads', type=int, default=1)
    args = p.parse_args()
    make(args) if args.command == 'make' else check(args)


if __name__ == '__main__':
    main()
