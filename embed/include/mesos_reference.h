/*
 * The reference framework of the mesos Rust binding, as a C library
 * (libmesos_reference_c.a, built by scripts/build-cpp-host.sh). Link it with
 * libmesos: the Rust code drives libmesos's own MesosSchedulerDriver and
 * MesosExecutorDriver through the binding's shim, so a program that also
 * uses libmesos itself shares one libmesos, one libprocess and one
 * protobuf runtime with it.
 *
 * Every function is safe to call from any thread, never throws or
 * unwinds into the caller, and reports failures by return value.
 */
#ifndef MESOS_REFERENCE_H
#define MESOS_REFERENCE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 1 when a Mesos agent started this process as the framework's custom
 * executor (the framework launches its own program as the executor), 0
 * otherwise. Call it first thing in main. */
int mesos_reference_started_as_executor(void);

/* Runs the framework's executor until its driver stops; returns the
 * process's exit status (0 when every task ended as expected). */
int mesos_reference_run_executor(void);

/* Runs the reference framework against `master` (HOST:PORT or
 * zk://HOST:PORT/PATH) until its task finishes or `timeout_seconds` pass:
 * it refines the tenant1/private reservation (made by the binding's
 * reserve_cluster example) to tenant1/private/test-framework and runs one
 * task there, with this program as its custom executor.
 *
 * Returns 0 when the task finished, 1 when the run failed, 2 for bad
 * arguments (NULL or non-UTF-8 master, timeout <= 0). Writes what
 * happened, NUL-terminated and cut to fit, into `message` (when not NULL,
 * `message_len` bytes). */
int mesos_reference_run_framework(const char *master, int timeout_seconds,
                                  char *message, size_t message_len);

#ifdef __cplusplus
}
#endif

#endif /* MESOS_REFERENCE_H */
