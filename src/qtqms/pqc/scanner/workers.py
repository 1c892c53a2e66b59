"""Worker processes that handle a stream of tasks and give the results back in task order, holding only a
bounded window of tasks at a time.

Each worker has its own pipe and one task at a time: whichever worker is free gets the next task, so a slow
task holds up no one else, and no write can block for good (a task is only sent to a worker that waits for
one; a worker's result is read as soon as it is ready). The calling process runs no extra threads, so it
can fork workers safely. Ctrl-C, an error or the caller dropping the iterator stops the workers at once.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from typing import Any, TypeVar

from qtqms.kernel.errors import ConfigurationError

Key = TypeVar("Key")
Handler = Callable[[Any], Any]
_STOP_GRACE_SECONDS = 5.0  # for idle workers to notice the end of their pipe


def ordered_results(
    tasks: Iterable[tuple[Key, Any]],
    *,
    jobs: int,
    window: int,
    start: Callable[[Any], Handler],
    source: Any,
    context: BaseContext,
) -> Iterator[tuple[Key, Any]]:
    """`(key, handler(payload))` for each `(key, payload)` of `tasks`, in their order.

    Each of `jobs` workers runs `start(source)` once for its handler (with fork, `source` is inherited, not
    pickled). At most `window` tasks are taken from `tasks` and not yet given back; keys stay here, only
    payloads travel. An exception raised by a handler is raised here.
    """
    workers: list[_Worker] = []
    for _ in range(jobs):
        workers.append(_Worker(context, start, source, [worker.connection for worker in workers]))
    finished = False
    try:
        yield from _dispatch(workers, iter(tasks), window)
        finished = True
    finally:
        for worker in workers:
            worker.stop(finished)


class _Worker:
    def __init__(
        self, context: BaseContext, start: Callable[[Any], Handler], source: Any, others: list[Connection]
    ) -> None:
        self.connection, theirs = context.Pipe()
        # A forked worker holds a copy of every descriptor open here, among them this end of its own pipe and
        # of the pipes of the workers started before it: it closes them, or no pipe would ever see its end.
        inherited = [self.connection, *others] if context.get_start_method() == "fork" else []
        self.process = context.Process(target=_serve, args=(theirs, start, source, inherited), daemon=True)
        self.process.start()
        theirs.close()

    def stop(self, finished: bool) -> None:
        """Close the pipe (an idle worker then exits); after an interruption or an error, end it now."""
        self.connection.close()
        if not finished:
            self.process.terminate()
        self.process.join(_STOP_GRACE_SECONDS)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def _dispatch(workers: list[_Worker], tasks: Iterator[tuple[Key, Any]], window: int) -> Iterator[tuple[Key, Any]]:
    keys: dict[int, Key] = {}  # tasks handed out and not yet given back, by position
    results: dict[int, tuple[bool, Any]] = {}
    idle = list(workers)
    busy: dict[Connection, _Worker] = {}
    sent = given = 0
    exhausted = False
    while True:
        while idle and not exhausted and sent - given < window:
            task = next(tasks, None)
            if task is None:
                exhausted = True
                break
            worker = idle.pop()
            worker.connection.send((sent, task[1]))
            keys[sent] = task[0]
            busy[worker.connection] = worker
            sent += 1
        while given in results:
            ok, result = results.pop(given)
            if not ok:
                raise result
            yield keys.pop(given), result
            given += 1
        if exhausted and given == sent:
            return
        if not busy:  # what was given back made room in the window: hand out more first
            continue
        for connection in wait(list(busy)):
            worker = busy.pop(connection)  # type: ignore[arg-type]
            try:
                position, ok, result = connection.recv()  # type: ignore[union-attr]
            except EOFError:
                worker.process.join()
                raise ConfigurationError(
                    f"a scan worker process stopped unexpectedly (exit code {worker.process.exitcode}); "
                    "try again with --jobs 1"
                ) from None
            results[position] = ok, result
            idle.append(worker)


def _serve(connection: Connection, start: Callable[[Any], Handler], source: Any, inherited: list[Connection]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the calling process, which stops the workers
    for other in inherited:
        other.close()
    handler = start(source)
    while True:
        try:
            position, payload = connection.recv()
        except EOFError:
            return
        try:
            reply = (position, True, handler(payload))
        except Exception as error:  # given back to the caller, which raises it
            reply = (position, False, error)
        connection.send(reply)
