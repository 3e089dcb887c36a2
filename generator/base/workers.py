"""The processes that render PDFs beside the one that runs a build, and how they are ended.

A build renders in worker processes (started with 'spawn': each loads WeasyPrint once) and
writes in its own. Those workers must never outlive what they work for:

- ``stop()`` ends them at once, mid-render (SIGTERM, then SIGKILL): after Ctrl-C or SIGTERM, or
  when `booklet serve` drops a build because a file changed. A render in flight is then of no
  use, and waiting for it would keep the volunteer waiting (a booklet takes seconds).
- a worker ignores SIGINT: Ctrl-C in a terminal reaches every process of the foreground group,
  and the process that started the workers is the one that decides (it stops them), so no worker
  prints a traceback of its own;
- a worker whose parent has gone (killed with SIGKILL, so it could not stop them) ends itself
  within a second: it would otherwise wait forever, and keep multiprocessing's resource tracker
  alive with it.

``Workers`` keeps its pool between builds (`booklet serve` builds again after every change, and a
warm worker starts rendering at once); after ``stop()`` the next ``submit`` starts new workers.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

ORPHAN_CHECK = 0.5
"""Seconds between a worker's looks at whether its parent is still there."""


def _orphan_watch(parent: int) -> None:
    while True:
        time.sleep(ORPHAN_CHECK)
        if os.getppid() != parent:  # the parent died: this process was handed to another
            os._exit(1)


def _worker_started(parent: int) -> None:
    """Run first in each worker process (ProcessPoolExecutor's initializer)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_orphan_watch, args=(parent,), name="orphan-watch", daemon=True).start()


class Closed(RuntimeError):
    """Work submitted after ``close()``: the program is stopping."""


class Workers:
    """A pool of worker processes (spawned on demand, at most ``count``) that can be stopped at
    once, then used again."""

    def __init__(self, count: int):
        self.count = max(1, count)
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._closed = False

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> Future:
        with self._lock:
            if self._closed:
                raise Closed("the worker processes are closed")
            if self._pool is None:
                self._pool = ProcessPoolExecutor(max_workers=self.count, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_worker_started, initargs=(os.getpid(),))
            return self._pool.submit(fn, *args)

    def pids(self) -> list[int]:
        """The worker processes running now."""
        with self._lock:
            processes = getattr(self._pool, "_processes", None) or {}
            return sorted(processes)

    def stop(self) -> None:
        """End every worker now; what they were rendering is lost (their futures fail with
        BrokenProcessPool or are cancelled). The next ``submit`` starts new ones."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is None:
            return
        # ProcessPoolExecutor has no public way to end its workers: its processes are in
        # _processes (pid -> Process) from the first submit until shutdown.
        processes = list((getattr(pool, "_processes", None) or {}).values())
        manager = getattr(pool, "_executor_manager_thread", None)
        for process in processes:
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.join(timeout=1)
            if process.is_alive():
                process.kill()
                process.join(timeout=1)
        if manager is not None:
            manager.join(timeout=1)  # it notices the ended workers, fails their futures and closes the queues

    def close(self, *, wait: bool = True) -> None:
        """No more work: with ``wait``, let the workers finish what they were given (a build
        that ended normally); otherwise end them at once."""
        with self._lock:
            self._closed = True
            pool = self._pool
            if wait:
                self._pool = None
        if not wait:
            self.stop()
        elif pool is not None:
            pool.shutdown(wait=True)


def end_resource_tracker(timeout: float = 1.0) -> None:
    """End multiprocessing's resource tracker (a process started with the first pool) and wait
    for it, for a program about to exit whose workers are all gone: at exit the tracker would end
    by itself, but as an orphan that no one waits for (a zombie, in a container whose first
    process reaps none). It ends only once no worker holds its pipe, so this waits at most
    ``timeout`` seconds. Private API, used only where it exists."""
    from multiprocessing import resource_tracker

    stop = getattr(resource_tracker._resource_tracker, "_stop", None)
    if stop is None:
        return

    def quietly() -> None:
        try:
            stop()
        except Exception:  # noqa: BLE001 - best effort: the tracker ends with this process anyway
            pass

    waiter = threading.Thread(target=quietly, name="end-resource-tracker", daemon=True)
    waiter.start()
    waiter.join(timeout)
