/*
 * mesos_shim.h: a C interface over libmesos's MesosSchedulerDriver and
 * MesosExecutorDriver, its v1 scheduler and executor libraries, its State
 * storages, its replicated log and its ZooKeeper leader election.
 *
 * The shim only translates. Protobuf messages cross it as serialized bytes
 * (the same approach as the official Java binding over JNI); every decision
 * about what to send and how to react lives in the caller.
 *
 * Ownership and lifetime rules, which hold for every function below:
 *
 *  - Buffers passed INTO the shim (`mesos_shim_buf` arguments and arrays of
 *    them) are borrowed for the duration of the call only. The shim copies
 *    what it needs before returning; the caller may free them afterwards.
 *    A buffer with `len == 0` may have `data == NULL`; it decodes as the
 *    message with every field unset (for `Filters`: Mesos's default filter).
 *
 *  - Buffers passed OUT of the shim to a callback are owned by the shim and
 *    valid only until the callback returns. The callee must copy (or decode)
 *    them before returning and must not free them.
 *
 *  - Strings are UTF-8 byte buffers, not NUL-terminated, except the master
 *    address and the strings returned by mesos_shim_* query functions, which
 *    are NUL-terminated and static.
 *
 *  - Every driver call returns an `int32_t`: a non-negative value is a
 *    `mesos_shim_status` (the same numbers as `mesos::Status`); a negative
 *    value is a `mesos_shim_result` error produced by the shim itself. After
 *    an error, mesos_shim_last_error() describes it on the calling thread.
 *
 *  - No C++ exception leaves the shim: each entry point catches everything
 *    and reports MESOS_SHIM_EXCEPTION.
 *
 *  - Callbacks run on a libmesos thread, never on the caller's thread from
 *    inside a driver call. Driver calls may be made from inside a callback,
 *    except the *_free functions, which wait for callbacks to finish and so
 *    would wait for themselves.
 */
#ifndef MESOS_SHIM_H
#define MESOS_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A borrowed byte buffer; see the ownership rules above. */
typedef struct mesos_shim_buf {
  const uint8_t *data;
  size_t len;
} mesos_shim_buf;

/* Driver statuses, numerically equal to mesos::Status. */
typedef enum mesos_shim_status {
  MESOS_SHIM_DRIVER_NOT_STARTED = 1,
  MESOS_SHIM_DRIVER_RUNNING = 2,
  MESOS_SHIM_DRIVER_ABORTED = 3,
  MESOS_SHIM_DRIVER_STOPPED = 4
} mesos_shim_status;

/* Errors raised by the shim itself (never by libmesos). */
typedef enum mesos_shim_result {
  /* Accepted: an operation's callback will be called (State and Log). */
  MESOS_SHIM_OK = 0,
  /* A serialized message handed to the shim did not parse. */
  MESOS_SHIM_BAD_MESSAGE = -1,
  /* libmesos threw a C++ exception; the shim caught it. */
  MESOS_SHIM_EXCEPTION = -2,
  /* A required pointer argument was NULL. */
  MESOS_SHIM_NULL_ARGUMENT = -3,
  /* This build of the shim cannot make the object asked for (the v1
     libraries without libprocess's headers); the message says why. */
  MESOS_SHIM_UNAVAILABLE = -4,
  /* An argument libmesos would refuse by killing the process, such as a
     log position that is not 8 bytes; the message says which. */
  MESOS_SHIM_BAD_ARGUMENT = -5
} mesos_shim_result;

/*
 * The message describing the last error returned by a shim function on the
 * calling thread, or "" if none ever was. As with errno, a call that
 * succeeds leaves it as it was: read it right after a call failed. Valid
 * until the next shim call on the same thread.
 */
const char *mesos_shim_last_error(void);

/*
 * The mesos_shim_result of the last error returned by a shim function on the
 * calling thread, or 0 if none ever was; a call that succeeds leaves it as
 * it was. The constructors (*_new) return NULL on failure; this says which
 * error it was.
 */
int32_t mesos_shim_last_error_code(void);

/* MESOS_VERSION of the headers the shim was compiled against, e.g. "1.11.0". */
const char *mesos_shim_compiled_version(void);

/*
 * The path of the libmesos shared object the process actually loaded (found
 * from the address of a libmesos symbol), or "" if it cannot be told. Callers
 * resolve symlinks and read the version from the file name
 * (libmesos-X.Y.Z.so), since libmesos exports no version function.
 */
const char *mesos_shim_loaded_library_path(void);

/*
 * The address libprocess gives its peers, "IP:PORT": what a master connects
 * back to (LIBPROCESS_ADVERTISE_IP/PORT when set, else the address it
 * listens on). Initializes libprocess if no driver has yet. "" where this
 * build has no libprocess headers. Valid until the next call on this thread.
 */
const char *mesos_shim_libprocess_address(void);

/* ------------------------------------------------------------------------ */
/* Scheduler                                                                */
/* ------------------------------------------------------------------------ */

typedef struct mesos_shim_scheduler_driver mesos_shim_scheduler_driver;

/*
 * Scheduler callbacks, one per mesos::Scheduler method. Each receives the
 * `user_data` given at creation and the driver's arguments as serialized
 * messages: FrameworkID, MasterInfo, Offer, OfferID, TaskStatus, ExecutorID,
 * SlaveID. `data` and `message` are raw bytes. Every pointer must be set.
 */
typedef struct mesos_shim_scheduler_callbacks {
  void (*registered)(void *user_data, mesos_shim_buf framework_id,
                     mesos_shim_buf master_info);
  void (*reregistered)(void *user_data, mesos_shim_buf master_info);
  void (*disconnected)(void *user_data);
  void (*resource_offers)(void *user_data, const mesos_shim_buf *offers,
                          size_t offers_len);
  void (*offer_rescinded)(void *user_data, mesos_shim_buf offer_id);
  void (*status_update)(void *user_data, mesos_shim_buf status);
  void (*framework_message)(void *user_data, mesos_shim_buf executor_id,
                            mesos_shim_buf slave_id, mesos_shim_buf data);
  void (*slave_lost)(void *user_data, mesos_shim_buf slave_id);
  void (*executor_lost)(void *user_data, mesos_shim_buf executor_id,
                        mesos_shim_buf slave_id, int32_t status);
  void (*error)(void *user_data, mesos_shim_buf message);
} mesos_shim_scheduler_callbacks;

/*
 * Create a scheduler driver (covers every MesosSchedulerDriver constructor).
 *
 *  callbacks        copied; must outlive nothing.
 *  user_data        passed back to every callback; must stay valid until
 *                   mesos_shim_scheduler_driver_free returns.
 *  framework_info   serialized mesos.FrameworkInfo.
 *  master           NUL-terminated: host:port, zk://..., file://..., local.
 *  credential       serialized mesos.Credential, or NULL for none.
 *  implicit_acknowledgements  non-zero for implicit acknowledgements.
 *  suppressed_roles array of role names, or NULL with len 0. When non-NULL
 *                   the suppressed-roles constructor is used (an empty array
 *                   is then a valid "no role suppressed").
 *
 * Returns NULL on failure; mesos_shim_last_error() says why.
 */
mesos_shim_scheduler_driver *mesos_shim_scheduler_driver_new(
    const mesos_shim_scheduler_callbacks *callbacks, void *user_data,
    mesos_shim_buf framework_info, const char *master,
    const mesos_shim_buf *credential, int32_t implicit_acknowledgements,
    const mesos_shim_buf *suppressed_roles, size_t suppressed_roles_len);

/*
 * Delete the driver. libmesos terminates the driver's process and waits for
 * any running callback to return, so after this returns no callback runs and
 * user_data may be freed. Must not be called from inside a callback of the
 * same driver (it would wait for itself). NULL is ignored.
 */
void mesos_shim_scheduler_driver_free(mesos_shim_scheduler_driver *driver);

int32_t mesos_shim_scheduler_driver_start(mesos_shim_scheduler_driver *driver);
int32_t mesos_shim_scheduler_driver_stop(mesos_shim_scheduler_driver *driver,
                                         int32_t failover);
int32_t mesos_shim_scheduler_driver_abort(mesos_shim_scheduler_driver *driver);
int32_t mesos_shim_scheduler_driver_join(mesos_shim_scheduler_driver *driver);

/* requests: serialized mesos.Request messages. */
int32_t mesos_shim_scheduler_driver_request_resources(
    mesos_shim_scheduler_driver *driver, const mesos_shim_buf *requests,
    size_t requests_len);

/* The multi-offer launchTasks: offer_ids are OfferID, tasks TaskInfo. */
int32_t mesos_shim_scheduler_driver_launch_tasks(
    mesos_shim_scheduler_driver *driver, const mesos_shim_buf *offer_ids,
    size_t offer_ids_len, const mesos_shim_buf *tasks, size_t tasks_len,
    mesos_shim_buf filters);

/* The deprecated single-offer launchTasks. */
int32_t mesos_shim_scheduler_driver_launch_tasks_on_offer(
    mesos_shim_scheduler_driver *driver, mesos_shim_buf offer_id,
    const mesos_shim_buf *tasks, size_t tasks_len, mesos_shim_buf filters);

int32_t mesos_shim_scheduler_driver_kill_task(
    mesos_shim_scheduler_driver *driver, mesos_shim_buf task_id);

/* operations: serialized mesos.Offer.Operation messages. */
int32_t mesos_shim_scheduler_driver_accept_offers(
    mesos_shim_scheduler_driver *driver, const mesos_shim_buf *offer_ids,
    size_t offer_ids_len, const mesos_shim_buf *operations,
    size_t operations_len, mesos_shim_buf filters);

int32_t mesos_shim_scheduler_driver_decline_offer(
    mesos_shim_scheduler_driver *driver, mesos_shim_buf offer_id,
    mesos_shim_buf filters);

int32_t mesos_shim_scheduler_driver_revive_offers(
    mesos_shim_scheduler_driver *driver);

/* roles: role names (UTF-8). */
int32_t mesos_shim_scheduler_driver_revive_offers_for_roles(
    mesos_shim_scheduler_driver *driver, const mesos_shim_buf *roles,
    size_t roles_len);

int32_t mesos_shim_scheduler_driver_suppress_offers(
    mesos_shim_scheduler_driver *driver);

int32_t mesos_shim_scheduler_driver_suppress_offers_for_roles(
    mesos_shim_scheduler_driver *driver, const mesos_shim_buf *roles,
    size_t roles_len);

/* status: serialized mesos.TaskStatus. */
int32_t mesos_shim_scheduler_driver_acknowledge_status_update(
    mesos_shim_scheduler_driver *driver, mesos_shim_buf status);

int32_t mesos_shim_scheduler_driver_send_framework_message(
    mesos_shim_scheduler_driver *driver, mesos_shim_buf executor_id,
    mesos_shim_buf slave_id, mesos_shim_buf data);

/* statuses: serialized mesos.TaskStatus; none means implicit reconciliation. */
int32_t mesos_shim_scheduler_driver_reconcile_tasks(
    mesos_shim_scheduler_driver *driver, const mesos_shim_buf *statuses,
    size_t statuses_len);

/*
 * framework_info: serialized mesos.FrameworkInfo; suppressed_roles: role
 * names; offer_constraints: serialized mesos.scheduler.OfferConstraints, or
 * NULL for none. Against libmesos older than 1.11, which has no offer
 * constraints, a non-NULL, non-empty offer_constraints is MESOS_SHIM_BAD_MESSAGE.
 */
int32_t mesos_shim_scheduler_driver_update_framework(
    mesos_shim_scheduler_driver *driver, mesos_shim_buf framework_info,
    const mesos_shim_buf *suppressed_roles, size_t suppressed_roles_len,
    const mesos_shim_buf *offer_constraints);

/* ------------------------------------------------------------------------ */
/* Executor                                                                 */
/* ------------------------------------------------------------------------ */

typedef struct mesos_shim_executor_driver mesos_shim_executor_driver;

/*
 * Executor callbacks, one per mesos::Executor method. Messages: ExecutorInfo,
 * FrameworkInfo, SlaveInfo, TaskInfo, TaskID. Every pointer must be set.
 */
typedef struct mesos_shim_executor_callbacks {
  void (*registered)(void *user_data, mesos_shim_buf executor_info,
                     mesos_shim_buf framework_info, mesos_shim_buf slave_info);
  void (*reregistered)(void *user_data, mesos_shim_buf slave_info);
  void (*disconnected)(void *user_data);
  void (*launch_task)(void *user_data, mesos_shim_buf task);
  void (*kill_task)(void *user_data, mesos_shim_buf task_id);
  void (*framework_message)(void *user_data, mesos_shim_buf data);
  void (*shutdown)(void *user_data);
  void (*error)(void *user_data, mesos_shim_buf message);
} mesos_shim_executor_callbacks;

/*
 * Create an executor driver (covers both MesosExecutorDriver constructors).
 * The driver is configured by the MESOS_* variables the agent sets for the
 * executor process. With environment == NULL they are read from the process
 * environment; otherwise from the given "NAME=VALUE" entries, which avoids
 * reading the global environment while other threads may change it.
 * Returns NULL on failure; mesos_shim_last_error() says why.
 */
mesos_shim_executor_driver *mesos_shim_executor_driver_new(
    const mesos_shim_executor_callbacks *callbacks, void *user_data,
    const mesos_shim_buf *environment, size_t environment_len);

/* Same rules as mesos_shim_scheduler_driver_free. */
void mesos_shim_executor_driver_free(mesos_shim_executor_driver *driver);

int32_t mesos_shim_executor_driver_start(mesos_shim_executor_driver *driver);
int32_t mesos_shim_executor_driver_stop(mesos_shim_executor_driver *driver);
int32_t mesos_shim_executor_driver_abort(mesos_shim_executor_driver *driver);
int32_t mesos_shim_executor_driver_join(mesos_shim_executor_driver *driver);

/* status: serialized mesos.TaskStatus. */
int32_t mesos_shim_executor_driver_send_status_update(
    mesos_shim_executor_driver *driver, mesos_shim_buf status);

int32_t mesos_shim_executor_driver_send_framework_message(
    mesos_shim_executor_driver *driver, mesos_shim_buf data);

/* ------------------------------------------------------------------------ */
/* v1 scheduler and executor (mesos::v1::scheduler::Mesos,                   */
/* mesos::v1::executor::Mesos)                                               */
/* ------------------------------------------------------------------------ */

/*
 * libmesos's v1 libraries connect as soon as they are constructed and have
 * no start, stop or join. The shim gives them the same four lifecycle calls
 * as the drivers above, with the same statuses, so that one caller-side
 * lifecycle serves every kind:
 *
 *  - *_new keeps the settings; nothing connects yet (NOT_STARTED);
 *  - *_start constructs libmesos's object, which connects (RUNNING). A
 *    master address libmesos could not use (it would exit the process)
 *    is reported through the `error` callback, on the calling thread,
 *    and start returns ABORTED, as the v0 driver does;
 *  - *_stop and *_abort end callback delivery (STOPPED, ABORTED) and wake
 *    *_join, which blocks until then. The connection closes when the
 *    object is freed;
 *  - *_free deletes libmesos's object and waits for a running callback;
 *    a callback libmesos has already queued finds the object gone and is
 *    dropped. Same rule as the drivers: never from inside a callback.
 *
 * Calls and events are serialized mesos.v1.scheduler.Call / Event (and the
 * mesos.v1.executor ones). Invalid calls are dropped by libmesos with a log
 * line, never answered: the caller validates what it needs first.
 *
 * Built against an install without libprocess's and stout's headers (no
 * --enable-install-module-dependencies), every *_new here returns NULL
 * with MESOS_SHIM_UNAVAILABLE and says what is missing.
 */

typedef struct mesos_shim_v1_scheduler mesos_shim_v1_scheduler;

/*
 * connected/disconnected: the connection to the master came up or went
 * away. received: a batch of mesos.v1.scheduler.Event, in order. error:
 * only from inside *_start (see above). Every pointer must be set.
 */
typedef struct mesos_shim_v1_scheduler_callbacks {
  void (*connected)(void *user_data);
  void (*disconnected)(void *user_data);
  void (*received)(void *user_data, const mesos_shim_buf *events,
                   size_t events_len);
  void (*error)(void *user_data, mesos_shim_buf message);
} mesos_shim_v1_scheduler_callbacks;

/*
 *  master      NUL-terminated: host:port, zk://..., file://..., local.
 *  credential  serialized mesos.v1.Credential, or NULL for none.
 * The content type is protobuf. Returns NULL on failure.
 */
mesos_shim_v1_scheduler *mesos_shim_v1_scheduler_new(
    const mesos_shim_v1_scheduler_callbacks *callbacks, void *user_data,
    const char *master, const mesos_shim_buf *credential);

void mesos_shim_v1_scheduler_free(mesos_shim_v1_scheduler *scheduler);

int32_t mesos_shim_v1_scheduler_start(mesos_shim_v1_scheduler *scheduler);
int32_t mesos_shim_v1_scheduler_stop(mesos_shim_v1_scheduler *scheduler);
int32_t mesos_shim_v1_scheduler_abort(mesos_shim_v1_scheduler *scheduler);
int32_t mesos_shim_v1_scheduler_join(mesos_shim_v1_scheduler *scheduler);

/* call: serialized mesos.v1.scheduler.Call. */
int32_t mesos_shim_v1_scheduler_send(mesos_shim_v1_scheduler *scheduler,
                                     mesos_shim_buf call);

/* Drops the connection and makes a new one (disconnected, then connected). */
int32_t mesos_shim_v1_scheduler_reconnect(mesos_shim_v1_scheduler *scheduler);

/*
 * How a call's answer comes back: `code` is MESOS_SHIM_DRIVER_RUNNING with
 * `result` a serialized mesos.v1.scheduler.APIResult; another status when
 * the scheduler was not running; or a negative mesos_shim_result with
 * `result` a UTF-8 message (libmesos failed the call, or the shim refused
 * it). `result` is valid until the callback returns.
 */
typedef void (*mesos_shim_v1_result_callback)(void *context, int32_t code,
                                              mesos_shim_buf result);

/*
 * Sends `call` (serialized mesos.v1.scheduler.Call) and reports the
 * master's answer (libmesos's Mesos::call). Never waits for it. When this
 * returns MESOS_SHIM_DRIVER_RUNNING, `done` is called exactly once, with
 * `context`, on a libmesos thread, when the answer comes (libmesos may
 * also never answer, if the master never does). Any other return says why
 * the call was refused, as for `send`, and `done` is never called.
 */
int32_t mesos_shim_v1_scheduler_call(mesos_shim_v1_scheduler *scheduler,
                                     mesos_shim_buf call,
                                     mesos_shim_v1_result_callback done,
                                     void *context);

typedef struct mesos_shim_v1_executor mesos_shim_v1_executor;

/* As for the v1 scheduler; events are mesos.v1.executor.Event. */
typedef struct mesos_shim_v1_executor_callbacks {
  void (*connected)(void *user_data);
  void (*disconnected)(void *user_data);
  void (*received)(void *user_data, const mesos_shim_buf *events,
                   size_t events_len);
  void (*error)(void *user_data, mesos_shim_buf message);
} mesos_shim_v1_executor_callbacks;

/*
 * environment: "NAME=VALUE" entries with the MESOS_* variables the agent
 * sets for an executor, or NULL to read this process's environment.
 * libmesos exits the process when a required one is missing or malformed;
 * the caller checks them first.
 */
mesos_shim_v1_executor *mesos_shim_v1_executor_new(
    const mesos_shim_v1_executor_callbacks *callbacks, void *user_data,
    const mesos_shim_buf *environment, size_t environment_len);

void mesos_shim_v1_executor_free(mesos_shim_v1_executor *executor);

int32_t mesos_shim_v1_executor_start(mesos_shim_v1_executor *executor);
int32_t mesos_shim_v1_executor_stop(mesos_shim_v1_executor *executor);
int32_t mesos_shim_v1_executor_abort(mesos_shim_v1_executor *executor);
int32_t mesos_shim_v1_executor_join(mesos_shim_v1_executor *executor);

/* call: serialized mesos.v1.executor.Call. */
int32_t mesos_shim_v1_executor_send(mesos_shim_v1_executor *executor,
                                    mesos_shim_buf call);

/* ------------------------------------------------------------------------ */
/* State (mesos::state's storages) and the replicated log (mesos::log::Log)  */
/* ------------------------------------------------------------------------ */

/*
 * Every State and Log operation returns a libprocess future; the shim
 * hands its outcome to a callback instead of waiting for it, and never
 * inspects a future that is not settled. An operation function returns
 * MESOS_SHIM_OK, after which `done` is called exactly once with `context`:
 * on a libprocess thread when the future settles (or on the calling
 * thread, before the function returns, when libmesos answers at once), or
 * when libmesos drops the future unsettled (ABANDONED, e.g. the storage
 * was freed first). Any other return is a shim error and `done` is never
 * called.
 *
 * `values` are valid until the callback returns:
 *  - READY: the value, as documented per operation;
 *  - FAILED: one UTF-8 message;
 *  - DISCARDED, ABANDONED: none.
 *
 * A position of the log crosses as its value, a uint64_t, in the order
 * libmesos compares them (the 8-byte identity is its big-endian form).
 *
 * Built without libprocess's and stout's headers, every *_new here returns
 * NULL with MESOS_SHIM_UNAVAILABLE, as the v1 ones do.
 */
typedef enum mesos_shim_outcome {
  MESOS_SHIM_READY = 0,
  MESOS_SHIM_FAILED = 1,
  MESOS_SHIM_DISCARDED = 2,
  MESOS_SHIM_ABANDONED = 3
} mesos_shim_outcome;

typedef void (*mesos_shim_future_callback)(void *context, int32_t outcome,
                                           const mesos_shim_buf *values,
                                           size_t values_len);

/* A mesos::state::Storage: what mesos::state::State is built on. */
typedef struct mesos_shim_storage mesos_shim_storage;

/* mesos::log::Log, and a Reader and a Writer of one. */
typedef struct mesos_shim_log mesos_shim_log;
typedef struct mesos_shim_log_reader mesos_shim_log_reader;
typedef struct mesos_shim_log_writer mesos_shim_log_writer;

/*
 * ZooKeeperStorage: `servers` host:port[,host:port...], the session
 * `timeout_ns`, the `znode` under which entries live, and the digest
 * credentials "user:password", or NULL for no authentication.
 */
mesos_shim_storage *mesos_shim_storage_zookeeper_new(
    mesos_shim_buf servers, int64_t timeout_ns, mesos_shim_buf znode,
    const mesos_shim_buf *digest);

/* LevelDBStorage over the database directory `path`. */
mesos_shim_storage *mesos_shim_storage_leveldb_new(mesos_shim_buf path);

/* InMemoryStorage: gone when freed. */
mesos_shim_storage *mesos_shim_storage_in_memory_new(void);

/*
 * LogStorage over `log`, which must outlive the storage; a snapshot every
 * `diffs_between_snapshots` changes (0: libmesos's default).
 */
mesos_shim_storage *mesos_shim_storage_log_new(mesos_shim_log *log,
                                               uint64_t diffs_between_snapshots);

/* Deletes the storage (waiting for its process); pending operations are
   then ABANDONED. Never from inside one of its callbacks. */
void mesos_shim_storage_free(mesos_shim_storage *storage);

/* READY: one serialized mesos.internal.state.Entry, or none when absent. */
int32_t mesos_shim_storage_get(mesos_shim_storage *storage, mesos_shim_buf name,
                               mesos_shim_future_callback done, void *context);

/*
 * Stores `entry` (serialized mesos.internal.state.Entry) if the stored
 * entry's uuid is still `uuid` (16 bytes), or if there is none. READY: one
 * byte, 1 if stored, 0 if the version was stale.
 */
int32_t mesos_shim_storage_set(mesos_shim_storage *storage, mesos_shim_buf entry,
                               mesos_shim_buf uuid,
                               mesos_shim_future_callback done, void *context);

/* Removes `entry` if its uuid matches. READY: one byte, 1 if removed. */
int32_t mesos_shim_storage_expunge(mesos_shim_storage *storage,
                                   mesos_shim_buf entry,
                                   mesos_shim_future_callback done,
                                   void *context);

/* READY: every name, one value each. */
int32_t mesos_shim_storage_names(mesos_shim_storage *storage,
                                 mesos_shim_future_callback done,
                                 void *context);

/*
 * A replica at `path` in a log of quorum `quorum`, finding the other
 * replicas through ZooKeeper (`servers`, session `timeout_ns`, `znode`,
 * digest "user:password" or NULL). `auto_initialize` non-zero lets
 * libmesos initialize an empty replica.
 */
mesos_shim_log *mesos_shim_log_zookeeper_new(int32_t quorum, mesos_shim_buf path,
                                             mesos_shim_buf servers,
                                             int64_t timeout_ns,
                                             mesos_shim_buf znode,
                                             const mesos_shim_buf *digest,
                                             int32_t auto_initialize);

/* The same with the other replicas' pids ("log-replica(1)@host:port"). */
mesos_shim_log *mesos_shim_log_replicas_new(int32_t quorum, mesos_shim_buf path,
                                            const mesos_shim_buf *pids,
                                            size_t pids_len,
                                            int32_t auto_initialize);

/* Deletes the log. Its readers, writers and storages must be freed first. */
void mesos_shim_log_free(mesos_shim_log *log);

/* A reader of `log`, which must outlive it. */
mesos_shim_log_reader *mesos_shim_log_reader_new(mesos_shim_log *log);
void mesos_shim_log_reader_free(mesos_shim_log_reader *reader);

/* READY: two values per entry, its position (8 bytes, big-endian) then its
   data, from `from` to `to` inclusive. */
int32_t mesos_shim_log_reader_read(mesos_shim_log_reader *reader, uint64_t from,
                                   uint64_t to, mesos_shim_future_callback done,
                                   void *context);

/* READY: one position (8 bytes, big-endian). */
int32_t mesos_shim_log_reader_beginning(mesos_shim_log_reader *reader,
                                        mesos_shim_future_callback done,
                                        void *context);
int32_t mesos_shim_log_reader_ending(mesos_shim_log_reader *reader,
                                     mesos_shim_future_callback done,
                                     void *context);
int32_t mesos_shim_log_reader_catchup(mesos_shim_log_reader *reader,
                                      mesos_shim_future_callback done,
                                      void *context);

/* A writer of `log`, which must outlive it. */
mesos_shim_log_writer *mesos_shim_log_writer_new(mesos_shim_log *log);
void mesos_shim_log_writer_free(mesos_shim_log_writer *writer);

/*
 * READY: one position (8 bytes, big-endian), or none when this writer is
 * not (or no longer) the leader: another writer was elected meanwhile.
 */
int32_t mesos_shim_log_writer_start(mesos_shim_log_writer *writer,
                                    mesos_shim_future_callback done,
                                    void *context);
int32_t mesos_shim_log_writer_append(mesos_shim_log_writer *writer,
                                     mesos_shim_buf data,
                                     mesos_shim_future_callback done,
                                     void *context);
int32_t mesos_shim_log_writer_truncate(mesos_shim_log_writer *writer,
                                       uint64_t to,
                                       mesos_shim_future_callback done,
                                       void *context);

/* ------------------------------------------------------------------------ */
/* Leader election over ZooKeeper (zookeeper::Group, LeaderContender and     */
/* LeaderDetector, as the Mesos masters elect their leader)                  */
/* ------------------------------------------------------------------------ */

/*
 * Operations answer as State's do (mesos_shim_future_callback above), and
 * every *_new returns NULL with MESOS_SHIM_UNAVAILABLE in a build without
 * libprocess's and stout's headers.
 *
 * A group is a znode whose members are ephemeral, sequenced children: the
 * member with the lowest sequence leads. A contender makes one membership
 * holding `data`; a detector reports who holds the lowest. libmesos's
 * group membership cannot cross this boundary, so a detector remembers
 * the leader it last reported and answers only when that changes.
 */
typedef struct mesos_shim_group mesos_shim_group;
typedef struct mesos_shim_contender mesos_shim_contender;
typedef struct mesos_shim_detector mesos_shim_detector;

/*
 * A zookeeper::Group: `servers` host:port[,host:port...], the session
 * `timeout_ns` (how long a member that stopped answering keeps its place),
 * the `znode` of the group, and the digest credentials "user:password", or
 * NULL for no authentication.
 */
mesos_shim_group *mesos_shim_group_new(mesos_shim_buf servers,
                                       int64_t timeout_ns, mesos_shim_buf znode,
                                       const mesos_shim_buf *digest);

/* Deletes the group. Its contenders and detectors must be freed first. */
void mesos_shim_group_free(mesos_shim_group *group);

/*
 * A zookeeper::LeaderContender in `group`, which must outlive it: its
 * membership will hold `data`, in a znode named after `label` (NULL for
 * libmesos's default).
 */
mesos_shim_contender *mesos_shim_contender_new(mesos_shim_group *group,
                                               mesos_shim_buf data,
                                               const mesos_shim_buf *label);

/* Deletes the contender (waiting for its process); libmesos then cancels
   its membership in the background. Pending operations are DISCARDED. */
void mesos_shim_contender_free(mesos_shim_contender *contender);

/* Joins the group, once. READY (no values) once a member; FAILED if it
   could not join. */
int32_t mesos_shim_contender_contend(mesos_shim_contender *contender,
                                     mesos_shim_future_callback done,
                                     void *context);

/*
 * READY (no values) when the membership ends: withdrawn, or lost with the
 * ZooKeeper session. FAILED when it was never obtained or cannot be
 * watched. MESOS_SHIM_BAD_ARGUMENT before mesos_shim_contender_contend.
 */
int32_t mesos_shim_contender_watch(mesos_shim_contender *contender,
                                   mesos_shim_future_callback done,
                                   void *context);

/* Leaves the group. READY: one byte, 1 if a membership was cancelled. */
int32_t mesos_shim_contender_withdraw(mesos_shim_contender *contender,
                                      mesos_shim_future_callback done,
                                      void *context);

/* A zookeeper::LeaderDetector of `group`, which must outlive it. */
mesos_shim_detector *mesos_shim_detector_new(mesos_shim_group *group);

/* Deletes the detector (waiting for its process); a pending detect is
   DISCARDED. */
void mesos_shim_detector_free(mesos_shim_detector *detector);

/*
 * Answers when the leader differs from the one this detector last
 * reported (at first, from none). READY: no values when the group has no
 * leader (or its leader left before its data could be read), else one:
 * the leader's data. One detect at a time per detector.
 */
int32_t mesos_shim_detector_detect(mesos_shim_detector *detector,
                                   mesos_shim_future_callback done,
                                   void *context);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MESOS_SHIM_H */
