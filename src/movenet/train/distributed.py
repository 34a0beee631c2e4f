"""One process or many (torchrun): the process group, its rank, and sums over processes.

Under `torchrun --nproc-per-node=N` (or several machines with its c10d rendezvous) the
environment carries RANK / WORLD_SIZE / LOCAL_WORLD_SIZE; we start the process group with gloo on
CPU, nccl on GPUs. torchrun sets OMP_NUM_THREADS=1, so each process takes its share of the cores.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import torch
import torch.distributed as dist


@dataclass(frozen=True)
class Context:
    rank: int = 0
    world_size: int = 1
    device: torch.device = field(default_factory=lambda: torch.device("cpu"))

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.world_size > 1


def init(threads: int | None = None) -> Context:
    """The context of this process; starts the process group when launched by torchrun."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    local_world = int(os.environ.get("LOCAL_WORLD_SIZE", str(world)))
    cuda = torch.cuda.is_available()
    if threads is None and not cuda:
        threads = max(1, (os.cpu_count() or 1) // max(1, local_world))
    if threads is not None:
        torch.set_num_threads(int(threads))
    if world <= 1:
        return Context(device=torch.device("cuda") if cuda else torch.device("cpu"))
    if not dist.is_initialized():
        dist.init_process_group("nccl" if cuda else "gloo")
    rank = dist.get_rank()
    device = torch.device("cpu")
    if cuda:
        local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        torch.cuda.set_device(local_rank)
        device = torch.device("cuda", local_rank)
    return Context(rank, dist.get_world_size(), device)


def sum_over_processes(values: list[float], context: Context) -> list[float]:
    if not context.distributed:
        return list(values)
    tensor = torch.tensor(values, dtype=torch.float64, device=context.device)
    dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
    return tensor.tolist()


def broadcast_flag(flag: bool, context: Context) -> bool:
    """Rank 0's decision, for every process (e.g. 'stop now')."""
    if not context.distributed:
        return flag
    tensor = torch.tensor([1 if flag else 0], device=context.device)
    dist.broadcast(tensor, 0)
    return bool(tensor.item())


def barrier(context: Context) -> None:
    if context.distributed:
        dist.barrier()


def shutdown(context: Context) -> None:
    if context.distributed and dist.is_initialized():
        dist.destroy_process_group()
